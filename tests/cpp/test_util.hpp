#pragma once
// Small helpers shared by the C++ tests: reading recorder events and the
// closed-form membrane responses that the model tests compare against.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nestkit/simulator.hpp"

namespace nestkit::testing {

// The column `name` of a multimeter's events; fails the test if absent.
inline std::vector<double> column(const Events& ev, const std::string& name) {
  for (const auto& [key, values] : ev.values)
    if (key == name) return values;
  ADD_FAILURE() << "no recorded column '" << name << "'";
  return {};
}

inline double as_number(const Value& v) {
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto l = std::get_if<long>(&v)) return static_cast<double>(*l);
  ADD_FAILURE() << "value is not a number";
  return NAN;
}

inline double status_number(const Simulator& sim, uint32_t gid, const std::string& key) {
  return as_number(sim.get_status(NodeCollection({gid}), {key}).at(0).at(key));
}

inline SynSpec syn(double weight, double delay) {
  SynSpec s;
  s.weight = ParamSource::of(weight);
  s.delay = ParamSource::of(delay);
  return s;
}

// Step index of a time in ms on a grid of step h (the time must be on the grid).
inline long step_of(double t, double h) { return std::lround(t / h); }

// Membrane response (relative to rest) to an alpha current
//   I(t) = w e/tau_s t exp(-t/tau_s),  t >= 0,
// of a leaky membrane (tau_m, C_m) at rest at t = 0:
//   V(t) = 1/C_m int_0^t exp(-(t-s)/tau_m) I(s) ds
//        = w e / (tau_s C_m a^2) [ (a t - 1) exp(-t/tau_s) + exp(-t/tau_m) ],  a = 1/tau_m - 1/tau_s,
// and, for tau_s == tau_m = tau, V(t) = w e / (tau C_m) t^2/2 exp(-t/tau).
inline double alpha_psp(double t, double w, double tau_s, double tau_m, double c_m) {
  if (t <= 0.0) return 0.0;
  const double a = 1.0 / tau_m - 1.0 / tau_s;
  if (a == 0.0) return w * M_E / (tau_s * c_m) * 0.5 * t * t * std::exp(-t / tau_m);
  return w * M_E / (tau_s * c_m * a * a) * ((a * t - 1.0) * std::exp(-t / tau_s) + std::exp(-t / tau_m));
}

// The alpha current itself (peak w at t = tau_s).
inline double alpha_current(double t, double w, double tau_s) {
  return t <= 0.0 ? 0.0 : w * M_E / tau_s * t * std::exp(-t / tau_s);
}

}  // namespace nestkit::testing
