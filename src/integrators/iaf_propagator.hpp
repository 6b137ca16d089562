#pragma once
// Exact propagators for a leaky membrane driven by an exponential or alpha-shaped
// synaptic current (Rotter & Diesmann 1999). For tau_m -> tau_syn the closed forms
// suffer cancellation; there the limit expressions are used instead, switching at
// the same criterion as NEST (so results agree to rounding on both sides of it).
#include <cmath>
#include <cstdlib>

namespace nestkit::integrators {

class IafPropagator {
 public:
  IafPropagator(double tau_syn, double tau_m, double c_m)
      : tau_syn_(tau_syn),
        tau_m_(tau_m),
        c_m_(c_m),
        // Below this step size the regular P31 form loses all significant digits.
        h_min_regular_(1e-7 * tau_m * tau_m / std::abs(tau_m - tau_syn)),
        beta_(tau_syn * tau_m / (tau_m - tau_syn)),
        gamma_(beta_ / c_m),
        inv_beta_((tau_m - tau_syn) / (tau_syn * tau_m)) {}

  // Current-to-voltage propagator: V gain over h from a unit exponential current.
  double p32(double h) const {
    const double e_syn = std::exp(-h / tau_syn_);
    const double v = gamma_ * e_syn * std::expm1(h * inv_beta_);
    if (std::isnormal(v) && v > 0.0) return v;
    return h / c_m_ * std::exp(-h / tau_m_);  // limit tau_m == tau_syn
  }

  // Alpha current: (P31, P32) for the derivative and the current itself.
  std::pair<double, double> alpha(double h) const {
    const double P32 = p32(h);
    if (h > h_min_regular_) {
      const double P31 = gamma_ * std::exp(-h / tau_syn_) * (beta_ * std::expm1(h * inv_beta_) - h);
      return {P31, P32};
    }
    return {0.5 * h * h / c_m_ * std::exp(-h / tau_m_), P32};
  }

 private:
  double tau_syn_, tau_m_, c_m_, h_min_regular_, beta_, gamma_, inv_beta_;
};

// Propagator of a leaky membrane for a constant current over h: -tau/C * expm1(-h/tau).
inline double leak_current_propagator(double h, double tau_m, double c_m) {
  return -tau_m / c_m * std::expm1(-h / tau_m);
}

}  // namespace nestkit::integrators
