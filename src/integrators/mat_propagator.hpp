#pragma once
// Exact propagators of the multi-timescale adaptive threshold models (MAT, AMAT):
// a leaky membrane driven by a constant current I0 and two exponentially decaying
// synaptic currents, plus (AMAT only) a voltage-dependent threshold component
//   theta_v(t) = beta * integral_0^inf s exp(-s / tau_v) dV/dt(t - s) ds,
// which obeys the two linear equations
//   d(dtheta)/dt = -dtheta / tau_v + beta dV/dt,   d(theta_v)/dt = -theta_v / tau_v + dtheta.
// Both models forbid the time constants whose equality makes these forms singular.
#include <cmath>

#include "integrators/iaf_propagator.hpp"

namespace nestkit::integrators {

// Propagator matrix entries of AMAT's linear subsystem over one step h. Indices
// follow the state numbering 0 = I0 (constant input), 1 = I_ex, 2 = I_in, 3 = V,
// 6 = dtheta, 7 = theta_v; e.g. p71 is the gain from I_ex to theta_v.
struct Amat2Propagator {
  double p30, p31, p32, p33;
  double p60, p61, p62, p63, p66;
  double p70, p71, p72, p73, p76, p77;

  Amat2Propagator(double h, double c_m, double beta, double tau_m, double tau_ex, double tau_in, double tau_v) {
    const double a_m = 1.0 / tau_m, a_v = 1.0 / tau_v;
    const double e_m = std::exp(-h * a_m), e_v = std::exp(-h * a_v);
    // For a membrane component exp(-l s), the response of dtheta is beta * k1(l) and
    // that of theta_v is beta * k2(l), the integrals over the step of the kernels
    // exp(-a_v u) and u exp(-a_v u) against exp(-l s).
    auto k1 = [&](double l) { return (std::exp(-h * l) - e_v) / (a_v - l); };
    auto k2 = [&](double l) {
      const double x = (a_v - l) * h;
      // 1 - e^{-x}(1 + x), arranged to lose fewer digits for small x.
      const double g = -std::expm1(-x) - x * std::exp(-x);
      return std::exp(-h * l) * g / ((a_v - l) * (a_v - l));
    };
    const double k1m = k1(a_m), k2m = k2(a_m);
    p33 = e_m;
    p30 = -tau_m / c_m * std::expm1(-h * a_m);
    // Constant input: dV/dt = (I0 / C) exp(-a_m s).
    p60 = beta / c_m * k1m;
    p70 = beta / c_m * k2m;
    // Initial V alone: dV/dt = -a_m V0 exp(-a_m s).
    p63 = -beta * a_m * k1m;
    p73 = -beta * a_m * k2m;
    p66 = e_v;
    p76 = h * e_v;
    p77 = e_v;
    // Exponential current with rate a_s: V(s) = I(0) / C (e^{-a_s s} - e^{-a_m s}) / (a_m - a_s).
    auto synapse = [&](double tau_s, double& p3, double& p6, double& p7) {
      const double a_s = 1.0 / tau_s;
      const double d = c_m * (a_m - a_s);
      p3 = IafPropagator(tau_s, tau_m, c_m).p32(h);  // the shared current-to-voltage propagator
      p6 = beta * (a_m * k1m - a_s * k1(a_s)) / d;
      p7 = beta * (a_m * k2m - a_s * k2(a_s)) / d;
    };
    synapse(tau_ex, p31, p61, p71);
    synapse(tau_in, p32, p62, p72);
  }
};

}  // namespace nestkit::integrators
