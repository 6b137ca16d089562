#pragma once
// Unit checking: parameters are stored in NEST's default units; a Quantity is
// accepted for a parameter only if its dimension matches the parameter's unit.
#include <string>

#include "nestkit/value.hpp"

namespace nestkit {

struct UnitInfo {
  Dimension dim;
  double si_per_unit;  // 1 unit = si_per_unit in SI
};

// Looks up a unit symbol used in parameter declarations ("mV", "pA", "ms", "Hz", ...).
// "" means dimensionless.
const UnitInfo& unit_info(const std::string& symbol);

// Converts `q` to `unit`; throws UnitError naming `param` on a dimension mismatch.
std::vector<double> convert_quantity(const Quantity& q, const std::string& unit, const std::string& param);

std::string dimension_string(const Dimension& d);

}  // namespace nestkit
