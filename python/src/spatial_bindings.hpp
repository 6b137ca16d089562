#pragma once
// Bindings of the spatial layer, mask and connection API (nestkit::spatial).
#include <nanobind/nanobind.h>

#include "nestkit/simulator.hpp"

namespace nestkit::py {
// `make_syn` converts a syn_spec dictionary as Kernel.connect does.
void bind_spatial(nanobind::module_& m, SynSpec (*make_syn)(const Simulator&, nanobind::handle));
}  // namespace nestkit::py
