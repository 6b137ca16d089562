#pragma once
// Exact propagators for a leaky membrane driven by an exponential or alpha-shaped
// synaptic current (Rotter & Diesmann 1999). For tau_m -> tau_syn the closed forms
// suffer cancellation; there the limit expressions are used instead, switching at
// the same criterion as NEST. The constants and the arguments of exp/expm1 are
// formed as NEST 3.10 forms them (its IAFPropagator: products with precomputed
// inverses, not quotients), so the propagators carry NEST's bits.
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

#include "integrators/nest_expm1.hpp"

namespace nestkit::integrators {

class IafPropagator {
 public:
  IafPropagator(double tau_syn, double tau_m, double c_m)
      :  // Below this step size the regular P31 form loses all significant digits.
        h_min_regular_(1e-7 * tau_m * tau_m / std::abs(tau_m - tau_syn)),
        beta_(tau_syn * tau_m / (tau_m - tau_syn)),
        gamma_(beta_ / c_m),
        inv_tau_syn_(1 / tau_syn),
        inv_tau_m_(1 / tau_m),
        inv_c_m_(1 / c_m),
        inv_beta_((tau_m - tau_syn) / (tau_syn * tau_m)) {}

  // The two exponentials the propagators over h are made of: exp(-h/tau_syn) and
  // expm1(h/beta), the latter as NEST's numerics::expm1 (nest_expm1.hpp). Callers
  // that evaluate many h at once compute them in bulk.
  double exp_syn_arg(double h) const { return -h * inv_tau_syn_; }
  double expm1_beta_arg(double h) const { return h * inv_beta_; }

  // Current-to-voltage propagator: V gain over h from a unit exponential current.
  double p32(double h) const { return p32(h, std::exp(exp_syn_arg(h)), nest_expm1(expm1_beta_arg(h))); }
  double p32(double h, double exp_syn, double expm1_beta) const {
    const double v = gamma_ * exp_syn * expm1_beta;
    if (std::isnormal(v) && v > 0.0) return v;
    return h * inv_c_m_ * std::exp(-h * inv_tau_m_);  // limit tau_m == tau_syn
  }

  // Alpha current: (P31, P32) for the derivative and the current itself.
  std::pair<double, double> alpha(double h) const {
    return alpha(h, std::exp(exp_syn_arg(h)), nest_expm1(expm1_beta_arg(h)));
  }
  std::pair<double, double> alpha(double h, double exp_syn, double expm1_beta) const {
    double P32 = gamma_ * exp_syn * expm1_beta;
    double exp_m = std::numeric_limits<double>::quiet_NaN();
    if (!(std::isnormal(P32) && P32 > 0.0)) {
      exp_m = std::exp(-h * inv_tau_m_);
      P32 = h * inv_c_m_ * exp_m;  // limit tau_m == tau_syn
    }
    if (h > h_min_regular_) return {gamma_ * exp_syn * (beta_ * expm1_beta - h), P32};
    if (std::isnan(exp_m)) exp_m = std::exp(-h * inv_tau_m_);
    return {0.5 * h * h * inv_c_m_ * exp_m, P32};
  }

 private:
  double h_min_regular_, beta_, gamma_, inv_tau_syn_, inv_tau_m_, inv_c_m_, inv_beta_;
};

// Propagator of a leaky membrane for a constant current over h: -tau/C * expm1(-h/tau).
inline double leak_current_propagator(double h, double tau_m, double c_m) {
  return -tau_m / c_m * std::expm1(-h / tau_m);
}

}  // namespace nestkit::integrators
