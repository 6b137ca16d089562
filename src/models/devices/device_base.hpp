#pragma once
// Parameters every device has (origin, start, stop) and NEST's activity window.
#include <cmath>
#include <limits>
#include <sstream>
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

// The step at whose end a change at time t takes effect, as NEST's Time::ms (on
// grid) or Time::ms_stamp (off grid: the end of the step containing t); -1 when t is
// off the grid and that is not allowed.
inline long change_stamp(const TimeGrid& g, double t, bool allow_offgrid) {
  const long tps = g.tics_per_step();
  long tics = g.ms_to_tics(t);
  if (tics % tps != 0) {
    if (!allow_offgrid) return -1;
    tics = static_cast<long>(t * g.tics_per_ms());
    tics -= tics % tps;
    if (tics * (1.0 / static_cast<double>(tps)) * g.resolution() < t) tics += tps;
  }
  return tics / tps;
}

// NEST's Time::ms_stamp: the step at whose end time t (ms) lies (t's own step
// boundary when t is on the grid), found in tics as NEST does.
inline long ms_stamp(const TimeGrid& g, double t) {
  const long tps = g.tics_per_step();
  long tics = static_cast<long>(t * g.tics_per_ms());
  tics -= tics % tps;
  if (static_cast<double>(tics / tps) * g.resolution() < t) tics += tps;
  return tics / tps;
}

// A precise spike time t (ms, relative to the device's origin): the stamp (steps,
// relative to the origin) and the offset (ms) before it, NEST's spike_generator
// rounding: an offset within a few ulps of zero is zero.
inline long precise_stamp(const TimeGrid& g, double t, double& offset) {
  const long stamp = ms_stamp(g, t);
  const double stamp_ms = (1.0 / g.tics_per_ms()) * static_cast<double>(stamp * g.tics_per_step());
  offset = stamp_ms - t;
  if (std::fabs(offset) < std::numeric_limits<double>::epsilon() * std::fabs(stamp_ms + t) * 2.0 ||
      std::fabs(offset) < std::numeric_limits<double>::min())
    offset = 0.0;
  return stamp;
}

// NEST's checks of amplitude_times/amplitude_values (step_current_generator,
// step_rate_generator): given together, equal lengths, strictly positive times on
// strictly increasing steps, allow_offgrid_times changed only with the times.
inline void validate_amplitude_changes(const ParamRow& row, const std::string& model) {
  const auto& times = std::get<std::vector<double>>(row.get("amplitude_times"));
  const auto& values = std::get<std::vector<double>>(row.get("amplitude_values"));
  const bool times_given = row.given("amplitude_times");
  if (times_given != row.given("amplitude_values"))
    throw BadProperty(model + ": Amplitude times and values must be reset together.");
  if (row.given("allow_offgrid_times") && !times_given && !times.empty())
    throw BadProperty(model +
                      ": allow_offgrid_times can only be changed before amplitude_times have been set, or together "
                      "with amplitude_times and amplitude_values.");
  if (times.size() != values.size())
    throw BadProperty(model + ": Amplitude times and values have to be the same size.");
  if (!times_given) return;
  long previous = 0;
  for (double t : times) {
    if (t <= 0.0) throw BadProperty(model + ": Amplitude can only be changed at strictly positive times (t > 0).");
    if (!row.grid) continue;
    const long s = change_stamp(*row.grid, t, row.num("allow_offgrid_times") != 0.0);
    if (s < 0) {
      std::ostringstream msg;
      msg << model << ": Time point " << t << " is not representable in current resolution.";
      throw BadProperty(msg.str());
    }
    if (s <= previous) throw BadProperty(model + ": amplitude times must be at strictly increasing time steps.");
    previous = s;
  }
}

// NEST's checks of spike_times and spike_multiplicities (spike_generator,
// spike_train_injector): sorted, positive (0 only with shift_now_spikes), on the
// grid unless allow_offgrid_times, multiplicities one per time (or none) and >= 0.
inline void validate_spike_train(const ParamRow& row, const std::string& model) {
  const auto& times = std::get<std::vector<double>>(row.get("spike_times"));
  const auto& mults = std::get<std::vector<long>>(row.get("spike_multiplicities"));
  const bool precise = row.num("precise_times") != 0.0;
  if (precise && (row.num("allow_offgrid_times") != 0.0 || row.num("shift_now_spikes") != 0.0))
    throw BadProperty(model +
                      ": Option precise_times cannot be set to true when either allow_offgrid_times or "
                      "shift_now_spikes is set to true.");
  const bool flags_given =
      row.given("precise_times") || row.given("allow_offgrid_times") || row.given("shift_now_spikes");
  if (flags_given && !row.given("spike_times") && row.before("spike_times") &&
      !std::get<std::vector<double>>(*row.before("spike_times")).empty())
    throw BadProperty(model +
                      ": Options can only be set together with spike times or if no spike times have been set.");
  for (std::size_t k = 0; k < times.size(); ++k) {
    if (k > 0 && times[k] < times[k - 1])
      throw BadProperty(model + ": Spike times must be sorted in non-descending order.");
    if (times[k] == 0.0 && row.num("shift_now_spikes") == 0.0)
      throw BadProperty(model + ": spike time cannot be set to 0.");
    if (times[k] < 0.0) throw BadProperty(model + ": spike times must be positive");
    if (!std::isfinite(times[k])) throw BadProperty(model + ": spike times must be finite");
    if (row.grid && !precise && !row.grid->on_grid(times[k]) && row.num("allow_offgrid_times") == 0.0)
      throw BadProperty(model + ": Time point " + std::to_string(times[k]) +
                        " is not representable in current resolution.");
  }
  if (!mults.empty() && mults.size() != times.size())
    throw BadProperty(model +
                      ": spike_multiplicities must have the same number of elements as spike_times or 0 elements to "
                      "clear the property.");
  for (long m : mults)
    if (m < 0) throw BadProperty(model + ": spike_multiplicities must be >= 0");
}

}  // namespace nestkit::devices
