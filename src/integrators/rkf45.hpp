#pragma once
// Adaptive Runge-Kutta-Fehlberg 4(5) with the step-size control NEST gets from
// GSL's legacy ODE driver (gsl_odeiv_evolve_apply + gsl_odeiv_control_standard +
// gsl_odeiv_step_rkf45), reproduced operation by operation so that results agree
// with NEST to rounding. Written once, templated on the model's right-hand side;
// a model calls `evolve_apply` in a `while (t < h)` loop per neuron exactly where
// NEST calls GSL, keeping each neuron's step size in one of its state columns.
//
// The algorithm (see docs/integrators.md):
//  1. k1 = f(t0, y0) is computed once per call (RKF45 can reuse it on retries).
//  2. A trial step of size h (clipped to the remaining interval, then marked final)
//     evaluates the six Fehlberg stages, the 5th-order solution and the error
//     estimate yerr = h * sum(e_i k_i), and f at the new point.
//  3. Control: D_i = eps_rel (a_y |y_i| + a_dydt |h y'_i|) + eps_abs and
//     r = max |yerr_i| / D_i. r > 1.1: shrink h by max(0.2, 0.9 r^(-1/5)) and retry
//     from y0 (unless h would no longer move t); r < 0.5: grow h by
//     min(5, max(1, 0.9 r^(-1/6))) for the next call; otherwise keep h.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "integrators/lanes.hpp"

namespace nestkit::integrators {

// GSL's "standard" error control. y_new(abs, rel) = {abs, rel, 1, 0};
// yp_new(abs, rel) = {abs, rel, 0, 1}.
struct ErrorControl {
  double eps_abs = 1e-6;
  double eps_rel = 1e-6;
  double a_y = 1.0;
  double a_dydt = 0.0;
  static ErrorControl y(double eps_abs, double eps_rel) { return {eps_abs, eps_rel, 1.0, 0.0}; }
  static ErrorControl yp(double eps_abs, double eps_rel) { return {eps_abs, eps_rel, 0.0, 1.0}; }
};

namespace fehlberg {
inline constexpr double ah[] = {1.0 / 4.0, 3.0 / 8.0, 12.0 / 13.0, 1.0, 1.0 / 2.0};
inline constexpr double b3[] = {3.0 / 32.0, 9.0 / 32.0};
inline constexpr double b4[] = {1932.0 / 2197.0, -7200.0 / 2197.0, 7296.0 / 2197.0};
inline constexpr double b5[] = {8341.0 / 4104.0, -32832.0 / 4104.0, 29440.0 / 4104.0, -845.0 / 4104.0};
inline constexpr double b6[] = {-6080.0 / 20520.0, 41040.0 / 20520.0, -28352.0 / 20520.0, 9295.0 / 20520.0,
                                -5643.0 / 20520.0};
inline constexpr double c1 = 902880.0 / 7618050.0, c3 = 3953664.0 / 7618050.0, c4 = 3855735.0 / 7618050.0,
                        c5 = -1371249.0 / 7618050.0, c6 = 277020.0 / 7618050.0;
// Differences of the 5th- and 4th-order weights (error estimate).
inline constexpr double e1 = 1.0 / 360.0, e3 = -128.0 / 4275.0, e4 = -2197.0 / 75240.0, e5 = 1.0 / 50.0,
                        e6 = 2.0 / 55.0;
inline constexpr unsigned kOrder = 5;
}  // namespace fehlberg

// One RKF45 trial step from (t, y) with k1 = f(t, y), for one neuron (T = double)
// or for a lane vector of neurons (T = Lanes<W>::V; rkf45_lanes.hpp): y becomes
// the 5th-order solution, yerr the error estimate, dydt_out = f(t + h, y_new).
// `f(t, y, dydt)` returns false if the model cannot evaluate (then y is restored).
// The expressions are GSL's, in its order; each lane computes the scalar bits.
template <std::size_t N, class T, typename Rhs>
[[gnu::always_inline]] inline bool fehlberg_step(const Rhs& f, T t, T h, T* y, T* yerr, const T* k1, T* dydt_out) {
  using namespace fehlberg;
  T y0[N], ytmp[N], k2[N], k3[N], k4[N], k5[N], k6[N];
  std::copy(y, y + N, y0);
  for (std::size_t i = 0; i < N; ++i) ytmp[i] = y[i] + ah[0] * h * k1[i];
  if (!f(t + ah[0] * h, ytmp, k2)) return false;
  for (std::size_t i = 0; i < N; ++i) ytmp[i] = y[i] + h * (b3[0] * k1[i] + b3[1] * k2[i]);
  if (!f(t + ah[1] * h, ytmp, k3)) return false;
  for (std::size_t i = 0; i < N; ++i) ytmp[i] = y[i] + h * (b4[0] * k1[i] + b4[1] * k2[i] + b4[2] * k3[i]);
  if (!f(t + ah[2] * h, ytmp, k4)) return false;
  for (std::size_t i = 0; i < N; ++i)
    ytmp[i] = y[i] + h * (b5[0] * k1[i] + b5[1] * k2[i] + b5[2] * k3[i] + b5[3] * k4[i]);
  if (!f(t + ah[3] * h, ytmp, k5)) return false;
  for (std::size_t i = 0; i < N; ++i)
    ytmp[i] = y[i] + h * (b6[0] * k1[i] + b6[1] * k2[i] + b6[2] * k3[i] + b6[3] * k4[i] + b6[4] * k5[i]);
  if (!f(t + ah[4] * h, ytmp, k6)) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const T d = c1 * k1[i] + c3 * k3[i] + c4 * k4[i] + c5 * k5[i] + c6 * k6[i];
    y[i] += h * d;
  }
  if (!f(t + h, y, dydt_out)) {
    std::copy(y0, y0 + N, y);
    return false;
  }
  for (std::size_t i = 0; i < N; ++i) yerr[i] = h * (e1 * k1[i] + e3 * k3[i] + e4 * k4[i] + e5 * k5[i] + e6 * k6[i]);
  return true;
}

// The scalar trial step. Flattened so that the model's right-hand side is
// inlined into the stages (the compiler otherwise keeps large lambdas out of
// line, costing ~10 %).
template <std::size_t N, typename Rhs>
[[gnu::flatten]] bool rkf45_step(const Rhs& f, double t, double h, double* y, double* yerr, const double* k1,
                                 double* dydt_out) {
  return fehlberg_step<N, double>(f, t, h, y, yerr, k1, dydt_out);
}

// GSL's standard control, first half: the largest ratio of the error estimate to
// the tolerance D_i = eps_rel (a_y |y_i| + a_dydt |h y'_i|) + eps_abs, for one
// neuron or per lane. As GSL, `r > rmax ? r : rmax`: a NaN ratio is ignored.
template <std::size_t N, class T>
[[gnu::always_inline]] inline T error_ratio(T eps_abs, T eps_rel, double a_y, double a_dydt, const T* y, const T* yerr,
                                            const T* yp, T h) {
  T rmax = splat<T>(std::numeric_limits<double>::min());
  for (std::size_t i = 0; i < N; ++i) {
    const T d0 = eps_rel * (a_y * lane_abs(y[i]) + a_dydt * lane_abs(h * yp[i])) + eps_abs;
    const T r = lane_abs(yerr[i]) / lane_abs(d0);
    rmax = r > rmax ? r : rmax;
  }
  return rmax;
}

enum class Adjust { kDecrease, kNone, kIncrease };

// GSL's standard control raises the largest error ratio to 1/5 to shrink the step and to
// 1/6 to grow it; 0: the step stays (no power taken).
inline double control_exponent(double rmax) {
  return rmax > 1.1 ? 1.0 / fehlberg::kOrder : rmax < 0.5 ? 1.0 / (fehlberg::kOrder + 1.0) : 0.0;
}

// GSL's standard control, second half: given the largest error ratio of a trial step of size
// h_old and powed = std::pow(rmax, control_exponent(rmax)) (taken for many lanes at once by
// the vector stepper), proposes the next step in h.
inline Adjust propose_step_from(double rmax, double powed, double h_old, double& h) {
  if (rmax > 1.1) {
    double r = 0.9 / powed;
    if (r < 0.2) r = 0.2;
    h = r * h_old;
    return Adjust::kDecrease;
  }
  if (rmax < 0.5) {
    double r = 0.9 / powed;
    r = std::clamp(r, 1.0, 5.0);
    h = r * h_old;
    return Adjust::kIncrease;
  }
  h = h_old;
  return Adjust::kNone;
}

inline Adjust propose_step(double rmax, double h_old, double& h) {
  const double e = control_exponent(rmax);
  return propose_step_from(rmax, e == 0.0 ? 1.0 : std::pow(rmax, e), h_old, h);
}

// GSL's standard control: proposes a new h from the error estimate.
template <std::size_t N>
Adjust adjust_step(const ErrorControl& c, const double* y, const double* yerr, const double* yp, double& h) {
  const double h_old = h;
  return propose_step(error_ratio<N, double>(c.eps_abs, c.eps_rel, c.a_y, c.a_dydt, y, yerr, yp, h_old), h_old, h);
}

// After a decrease: GSL retries only if the step really shrank and still moves t
// (the end of the rejected step) by at least one ulp.
inline bool worth_retry(double t, double h_old, double h_new) {
  const volatile double t_curr = t;
  const volatile double t_next = t + h_new;
  return std::fabs(h_new) < std::fabs(h_old) && t_next != t_curr;
}

// Advances (t, y) towards t1 by one accepted step, as gsl_odeiv_evolve_apply;
// `h` is the proposed step in and the proposal for the next call out.
// Returns false if the right-hand side failed (t and y unchanged).
template <std::size_t N, typename Rhs>
bool evolve_apply(const Rhs& f, const ErrorControl& c, double& t, double t1, double& h, double* y) {
  const double t0 = t;
  const double dt = t1 - t0;
  double h0 = h;
  std::array<double, N> y0, yerr, dydt_in, dydt_out;
  std::copy(y, y + N, y0.begin());
  if (!f(t0, y, dydt_in.data())) return false;
  while (true) {
    const bool final_step = (dt >= 0.0 && h0 > dt) || (dt < 0.0 && h0 < dt);
    if (final_step) h0 = dt;
    if (!rkf45_step<N>(f, t0, h0, y, yerr.data(), dydt_in.data(), dydt_out.data())) {
      h = h0;
      t = t0;
      return false;
    }
    t = final_step ? t1 : t0 + h0;
    const double h_old = h0;
    if (adjust_step<N>(c, y, yerr.data(), dydt_out.data(), h0) == Adjust::kDecrease) {
      if (worth_retry(t, h_old, h0)) {
        std::copy(y0.begin(), y0.end(), y);
        continue;
      }
      h0 = h_old;
    }
    h = h0;
    return true;
  }
}

}  // namespace nestkit::integrators
