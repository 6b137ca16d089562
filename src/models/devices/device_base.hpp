#pragma once
// Parameters every device has (origin, start, stop) and NEST's activity window.
#include <cmath>
#include <string>

#include "nestkit/errors.hpp"
#include "nestkit/recorders.hpp"
#include "nestkit/schema.hpp"
#include "nestkit/time_grid.hpp"

namespace nestkit::devices {

// Declares origin/start/stop as the first three numeric columns.
inline void declare_window(ModelInfo& m) {
  m.param(0, "origin", 0.0, "ms", {}, "Global time offset added to start and stop")
      .param(1, "start", 0.0, "ms", {}, "Activation time, relative to origin")
      .param(2, "stop", std::numeric_limits<double>::infinity(), "ms", {}, "Deactivation time, relative to origin");
}
inline constexpr int kWindowColumns = 3;

inline void check_on_grid(const ParamRow& row, const std::string& model, const std::string& name) {
  if (row.grid && !row.grid->on_grid(row.num(name)))
    throw BadProperty(model + ": " + name + " = " + std::to_string(row.num(name)) +
                      " ms must be a multiple of the resolution " + std::to_string(row.grid->resolution()) + " ms");
}

inline void validate_window(const ParamRow& row, const std::string& model) {
  for (const char* k : {"origin", "start", "stop"}) check_on_grid(row, model, k);
  if (row.num("stop") < row.num("start")) throw BadProperty(model + ": stop >= start required");
}

// (origin+start, origin+stop] in steps.
inline Window window_of(const TimeGrid& g, double origin, double start, double stop) {
  Window w;
  w.t_min = g.ms_to_steps(origin + start);
  w.t_max = std::isinf(stop) ? TimeGrid::kInfSteps : g.ms_to_steps(origin + stop);
  return w;
}

}  // namespace nestkit::devices
