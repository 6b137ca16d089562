#pragma once
// The ion channels and receptors of cm_default (NEST 3.10's default channel set):
// Na and K channels with Hodgkin-Huxley kinetics (rate functions of Mainen's
// Branco-2010 .mod files, as in NEST), and double-exponential AMPA, GABA, NMDA and
// AMPA+NMDA receptors. Each step a current contributes (g, i) to its compartment's
// row of the implicit (Crank-Nicolson) system: g adds to the diagonal and i to the
// right-hand side; the expressions keep NEST's order of operations so that traces
// agree bit for bit.
#include <cmath>
#include <utility>

namespace nestkit::cm {

// Temperature factor of both channels' time constants (NEST's q10 = 1/3.21).
inline const double kQ10 = 1. / 3.21;
// Channels with a maximal conductance at or below this are skipped (as NEST).
inline constexpr double kChannelOff = 1e-9;

// Steady state and time constant of the Na activation m at v.
inline std::pair<double, double> na_m(double v) {
  const double x = v + 35.013;
  double alpha, inv_sum;
  if (std::abs(x) > 1e-5) {
    const double e = std::exp(0.111111111111111 * x);
    const double inv = 1. / (e - 1.);
    alpha = 0.182 * x * e * inv;
    const double beta = 0.124 * x * inv;
    inv_sum = 1. / (alpha + beta);
  } else {  // the 0/0 limit
    alpha = 1.638;
    inv_sum = 1. / (alpha + 1.116);
  }
  return {alpha * inv_sum, kQ10 * inv_sum};
}

// Steady state and time constant of the Na inactivation h at v.
inline std::pair<double, double> na_h(double v) {
  const double x50 = v + 50.013, x75 = v + 75.013;
  const double alpha = std::abs(x50) > 1e-5 ? 0.024 * x50 / (1.0 - std::exp(-0.2 * x50)) : 0.12;
  const double beta = std::abs(x75) > 1e-9 ? -0.0091 * x75 / (1.0 - std::exp(0.2 * x75)) : 0.0455;
  return {1. / (1. + std::exp((v + 65.) / 6.2)), kQ10 / (alpha + beta)};
}

// Steady state and time constant of the K activation n at v.
inline std::pair<double, double> k_n(double v) {
  const double x = v - 25.;
  double alpha, inv_sum;
  if (std::abs(x) > 1e-5) {
    const double e = std::exp(0.111111111111111 * x);
    const double inv = 1. / (e - 1.);
    alpha = 0.02 * x * e * inv;
    const double beta = 0.002 * x * inv;
    inv_sum = 1. / (alpha + beta);
  } else {
    alpha = 0.18;
    inv_sum = 1. / (alpha + 0.018);
  }
  return {alpha * inv_sum, kQ10 * inv_sum};
}

// A gate relaxes exactly toward its steady state over one step of length dt.
inline void relax(double& x, std::pair<double, double> inf_tau, double dt) {
  const double p = std::exp(-dt / inf_tau.second);
  x *= p;
  x += (1. - p) * inf_tau.first;
}

// NMDA's magnesium block and its voltage derivative.
inline std::pair<double, double> nmda_block(double v) {
  const double e = std::exp(-.1 * v);
  const double denom = 1. + 0.3 * e;
  return {1. / denom, 0.03 * e / std::pow(denom, 2)};
}

// Peak normalisation of a double exponential with rise tau_r and decay tau_d.
inline double double_exp_norm(double tau_r, double tau_d) {
  const double tp = (tau_r * tau_d) / (tau_d - tau_r) * std::log(tau_d / tau_r);
  return 1. / (-std::exp(-tp / tau_r) + std::exp(-tp / tau_d));
}

}  // namespace nestkit::cm
