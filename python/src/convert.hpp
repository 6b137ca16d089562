#pragma once
// Conversions between Python objects and nestkit's dynamic values. Nothing else
// happens here: checks and arithmetic live in the C++ core.
#include <nanobind/nanobind.h>

#include "nestkit/simulator.hpp"

namespace nestkit::py {

namespace nb = nanobind;

Value to_value(nb::handle h);
nb::object from_value(const Value& v);
Dict to_dict(nb::handle h);
nb::dict from_dict(const Dict& d);
ParamSource to_param_source(nb::handle h, const char* what, const std::string& unit);
NodeCollection to_nodes(nb::handle h);

}  // namespace nestkit::py
