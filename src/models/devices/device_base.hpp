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

// NEST's stimulus_source: the input backend of a stimulation device. nestkit has
// only the default (""); "mpi" needs NEST's MPI stimulation backend.
inline void declare_stimulus_source(ModelInfo& m) {
  m.object("stimulus_source", PType::kString, std::string(""), "", "Input backend; only \"\" (none) is available");
}
inline void check_stimulus_source(const ParamRow& row, const std::string& model) {
  const auto& s = std::get<std::string>(row.get("stimulus_source"));
  if (s.empty()) return;
  if (s == "mpi")
    throw BadProperty(model +
                      ": stimulus_source 'mpi' needs NEST's MPI stimulation backend, which nestkit does not have");
  throw BadProperty(model + ": unknown stimulus_source '" + s + "'; only \"\" is available");
}

// The step at whose end a change time t (ms) takes effect: t's own step when t is
// on the grid; off the grid the end of the step that contains t when allowed, else -1.
inline long change_stamp(const TimeGrid& g, double t, bool allow_offgrid) {
  const long tps = g.tics_per_step();
  const long tics = g.ms_to_tics(t);
  if (tics % tps == 0) return tics / tps;
  if (!allow_offgrid) return -1;
  return static_cast<long>(std::floor(t / g.resolution() + 1e-12)) + 1;
}

}  // namespace nestkit::devices
