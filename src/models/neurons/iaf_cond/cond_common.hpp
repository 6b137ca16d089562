#pragma once
// Shared plumbing of the conductance-based IAF models, which NEST integrates with
// GSL's RKF45 under gsl_odeiv_control_y_new(1e-3, 0): per node and simulation
// step, repeated evolve_apply calls from t = 0 to t = h, each node carrying its
// last accepted integration step size over to the next step (B_.IntegrationStep_).
// Here that loop runs in the lock-step stepper of integrators/rkf45_lanes.hpp
// (bit-identical per node): each model has a lane driver whose `finish` does
// what NEST does after integrating (input, threshold, refractoriness, I_stim).
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "integrators/rkf45_lanes.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/registry.hpp"

namespace nestkit::iaf_cond {

inline const integrators::ErrorControl kControl = integrators::ErrorControl::y(1e-3, 0.0);

// A node's lane start: its carried integration step and kControl's tolerances.
inline integrators::LaneStart lane_start(double h_int) { return {h_int, kControl.eps_abs, kControl.eps_rel}; }

// Integrates every node in [begin, end) over one simulation step of length
// `step` under kControl (y_new: a_y = 1, a_dydt = 0). The right-hand sides of
// these models cannot fail and have no in-loop hooks (the driver's `accepted`
// returns true), so this is the scalar `while (t < step) evolve_apply` per node.
// `make.template operator()<W>()` returns the model's driver for W lanes.
template <std::size_t N, class Make>
inline void advance_lanes(const Make& make, double step, std::size_t begin, std::size_t end) {
  integrators::evolve_population<N>(make, kControl.a_y, kControl.a_dydt, step, begin, end);
}

// Peak normalisation of the beta kernel (NEST's beta_normalization_factor): the
// increment of dg that makes g peak at 1 nS per nS of weight; equal time constants
// (no distinct peak) fall back to the alpha kernel's e / tau.
inline double beta_normalization(double tau_rise, double tau_decay) {
  const double diff = tau_decay - tau_rise;
  double peak = 0.0;
  if (std::abs(diff) > std::numeric_limits<double>::epsilon()) {
    const double t_peak = tau_decay * tau_rise * std::log(tau_decay / tau_rise) / diff;
    peak = std::exp(-t_peak / tau_decay) - std::exp(-t_peak / tau_rise);
  }
  if (std::abs(peak) < std::numeric_limits<double>::epsilon()) return M_E / tau_decay;
  return (1.0 / tau_rise - 1.0 / tau_decay) / peak;
}

// The integration step starts at the resolution when a node first runs (NEST's
// init_buffers_), then is kept across Simulate calls; 0 marks "not yet run".
inline void init_integration_step(std::vector<double>& h_int, double resolution) {
  for (double& h : h_int)
    if (h <= 0.0) h = resolution;
}

// NEST's checks common to the iaf_cond models, in NEST's order.
inline void check_reset(const ParamRow& row, const std::string& model) {
  if (row.num("V_reset") >= row.num("V_th"))
    throw BadProperty(model + ": Reset potential must be smaller than threshold.");
}
inline void check_capacitance(const ParamRow& row, const std::string& model) {
  if (row.num("C_m") <= 0.0) throw BadProperty(model + ": Capacitance must be strictly positive.");
}
inline void check_t_ref(const ParamRow& row, const std::string& model) {
  if (row.num("t_ref") < 0.0) throw BadProperty(model + ": Refractory time cannot be negative.");
}
inline void check_time_constants(const ParamRow& row, const std::string& model,
                                 std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (row.num(n) <= 0.0) throw BadProperty(model + ": All time constants must be strictly positive.");
}

}  // namespace nestkit::iaf_cond
