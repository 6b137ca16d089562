#pragma once
// Converting user-supplied values to a parameter's declared type and unit.
#include <string>

#include "nestkit/schema.hpp"

namespace nestkit {

// `v` as the type and unit `spec` declares; throws TypeMismatch or UnitError
// with a message naming `owner` (the model) and the parameter.
Value coerce(const ParamSpec& spec, const Value& v, const std::string& owner);
// A plain number from a number or a Quantity in `unit`.
double coerce_number(const Value& v, const std::string& unit, const std::string& what);
std::string type_name(const Value& v);

}  // namespace nestkit
