#pragma once
// Conversions between Python objects and nestkit's dynamic values. Nothing else
// happens here: checks and arithmetic live in the C++ core.
#include <nanobind/nanobind.h>

#include "nestkit/simulator.hpp"

namespace nestkit::py {

namespace nb = nanobind;

Value to_value(nb::handle h);
// Whether h is a quantity of a unit library nestkit reads (pint, quantities, brainunit).
bool is_unit_quantity(nb::handle h);
nb::object from_value(const Value& v);
Dict to_dict(nb::handle h);
nb::dict from_dict(const Dict& d);
ParamSource to_param_source(nb::handle h, const char* what, const std::string& unit);
// A parameter expression from a nested tuple ("type", numbers..., operand tuples...),
// as nestkit.random.Parameter._nestkit_distribution gives it.
Distribution to_distribution(nb::handle t);
// Whether h is a nestkit parameter object.
inline bool is_parameter(nb::handle h) { return nb::hasattr(h, "_nestkit_distribution"); }
NodeCollection to_nodes(nb::handle h);

}  // namespace nestkit::py
