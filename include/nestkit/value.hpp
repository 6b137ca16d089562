#pragma once
// Dynamically typed values for parameter dictionaries at the API boundary.
// Hot loops never see these; they work on typed columns.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace nestkit {

// Exponents of the SI base dimensions (m, kg, s, A) of a quantity.
using Dimension = std::array<int8_t, 4>;

// A physical quantity as handed in by a user: SI magnitude(s) and dimension.
struct Quantity {
  std::vector<double> si;  // one value, or one per element for array quantities
  Dimension dim{};
  bool is_array = false;
};

// Name -> integer maps, read-only (NEST's receptor_types dictionaries).
using NameMap = std::map<std::string, long>;

using Value = std::variant<std::monostate, bool, long, double, std::string, std::vector<double>, std::vector<long>,
                           std::vector<std::string>, Quantity, NameMap>;
using Dict = std::map<std::string, Value>;

inline bool is_none(const Value& v) { return std::holds_alternative<std::monostate>(v); }

}  // namespace nestkit
