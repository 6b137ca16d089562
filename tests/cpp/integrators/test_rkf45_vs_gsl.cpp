// Cross-check of integrators::evolve_apply against GSL's own legacy driver
// (gsl_odeiv_evolve_apply with gsl_odeiv_step_rkf45 and the standard control),
// call by call: t, the proposed step h and every component of y must agree
// bit for bit. GSL is a test-only dependency.
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "integrators/rkf45.hpp"

namespace {

using nestkit::integrators::ErrorControl;

// AdEx neuron with alpha conductances (NEST's aeif_cond_alpha right-hand side,
// default parameters, 800 pA drive); y = V, dg_ex, g_ex, dg_in, g_in, w.
struct Aeif {
  static constexpr std::size_t N = 6;
  double I_e = 800.0;
  bool refractory = false;
  bool operator()(double, const double* y, double* f) const {
    const double V_peak = 0.0, V_reset = -60.0, g_L = 30.0, C_m = 281.0, E_ex = 0.0, E_in = -85.0, E_L = -70.6;
    const double Delta_T = 2.0, tau_w = 144.0, a = 4.0, V_th = -50.4, tau_ex = 0.2, tau_in = 2.0;
    const double V = refractory ? V_reset : std::min(y[0], V_peak);
    const double I_spike = g_L * Delta_T * std::exp((V - V_th) / Delta_T);
    f[0] = refractory ? 0.0 : (-g_L * (V - E_L) + I_spike - y[2] * (V - E_ex) - y[4] * (V - E_in) - y[5] + I_e) / C_m;
    f[1] = -y[1] / tau_ex;
    f[2] = y[1] - y[2] / tau_ex;
    f[3] = -y[3] / tau_in;
    f[4] = y[3] - y[4] / tau_in;
    f[5] = (a * (V - E_L) - y[5]) / tau_w;
    return true;
  }
};

// Hodgkin-Huxley membrane (squid axon rates, mV and ms) with an alpha-shaped
// excitatory current; y = V, m, h, n, dI, I.
struct HodgkinHuxley {
  static constexpr std::size_t N = 6;
  double I_e = 10.0;
  bool operator()(double, const double* y, double* f) const {
    const double V = y[0], m = y[1], h = y[2], n = y[3];
    const double g_Na = 120.0, g_K = 36.0, g_L = 0.3, E_Na = 50.0, E_K = -77.0, E_L = -54.4, C_m = 1.0, tau = 0.5;
    const double a_m = 0.1 * (V + 40.0) / (1.0 - std::exp(-(V + 40.0) / 10.0));
    const double b_m = 4.0 * std::exp(-(V + 65.0) / 18.0);
    const double a_h = 0.07 * std::exp(-(V + 65.0) / 20.0);
    const double b_h = 1.0 / (1.0 + std::exp(-(V + 35.0) / 10.0));
    const double a_n = 0.01 * (V + 55.0) / (1.0 - std::exp(-(V + 55.0) / 10.0));
    const double b_n = 0.125 * std::exp(-(V + 65.0) / 80.0);
    const double I_Na = g_Na * m * m * m * h * (V - E_Na);
    const double I_K = g_K * n * n * n * n * (V - E_K);
    f[0] = (-I_Na - I_K - g_L * (V - E_L) + y[5] + I_e) / C_m;
    f[1] = a_m * (1.0 - m) - b_m * m;
    f[2] = a_h * (1.0 - h) - b_h * h;
    f[3] = a_n * (1.0 - n) - b_n * n;
    f[4] = -y[4] / tau;
    f[5] = y[4] - y[5] / tau;
    return true;
  }
};

template <typename Rhs>
int gsl_rhs(double t, const double y[], double f[], void* p) {
  return (*static_cast<const Rhs*>(p))(t, y, f) ? GSL_SUCCESS : GSL_EFAILED;
}

// Drives both integrators through `steps` simulation steps of length `dt` the
// way NEST does (while (t < dt) evolve_apply, step size carried over), applying
// the same event `kick` to both states after each call, and compares every call.
template <typename Rhs, typename Kick>
long cross_check(Rhs rhs, const ErrorControl& c, double dt, long steps, std::array<double, Rhs::N> y0, Kick kick) {
  gsl_odeiv_step* s = gsl_odeiv_step_alloc(gsl_odeiv_step_rkf45, Rhs::N);
  gsl_odeiv_control* con =
      c.a_dydt == 0.0 ? gsl_odeiv_control_y_new(c.eps_abs, c.eps_rel) : gsl_odeiv_control_yp_new(c.eps_abs, c.eps_rel);
  gsl_odeiv_evolve* e = gsl_odeiv_evolve_alloc(Rhs::N);
  gsl_odeiv_system sys{&gsl_rhs<Rhs>, nullptr, Rhs::N, &rhs};

  std::array<double, Rhs::N> yg = y0, yn = y0;
  double hg = dt, hn = dt;
  long calls = 0;
  for (long k = 0; k < steps; ++k) {
    double tg = 0.0, tn = 0.0;
    while (tg < dt) {
      EXPECT_EQ(gsl_odeiv_evolve_apply(e, con, s, &sys, &tg, dt, &hg, yg.data()), GSL_SUCCESS);
      EXPECT_TRUE(nestkit::integrators::evolve_apply<Rhs::N>(rhs, c, tn, dt, hn, yn.data()));
      ++calls;
      // Bitwise equality (memcmp also distinguishes -0.0 and NaN payloads).
      EXPECT_EQ(std::memcmp(&tg, &tn, sizeof(double)), 0) << "t at step " << k << ": " << tg << " vs " << tn;
      EXPECT_EQ(std::memcmp(&hg, &hn, sizeof(double)), 0) << "h at step " << k << ": " << hg << " vs " << hn;
      for (std::size_t i = 0; i < Rhs::N; ++i)
        EXPECT_EQ(std::memcmp(&yg[i], &yn[i], sizeof(double)), 0)
            << "y[" << i << "] at step " << k << ": " << yg[i] << " vs " << yn[i];
      if (::testing::Test::HasFailure()) {
        k = steps;
        break;
      }
      kick(k, yg.data(), rhs);
      kick(k, yn.data(), rhs);
    }
  }
  gsl_odeiv_evolve_free(e);
  gsl_odeiv_control_free(con);
  gsl_odeiv_step_free(s);
  return calls;
}

// AdEx with NEST's in-loop reset and synaptic input every 37 steps: spikes make
// the step size collapse and regrow, exercising rejected steps and growth caps.
TEST(Rkf45VsGsl, AeifCondAlphaYpControl) {
  Aeif rhs;
  const long calls =
      cross_check(rhs, ErrorControl::yp(1e-6, 1e-6), 0.1, 3000, {-70.6, 0, 0, 0, 0, 0}, [](long k, double* y, Aeif&) {
        if (y[0] >= 0.0) {
          y[0] = -60.0;
          y[5] += 80.5;
        }
        if (k % 37 == 0) y[1] += 2.0 * M_E / 0.2;
        if (k % 53 == 0) y[3] += 3.0 * M_E / 2.0;
      });
  EXPECT_GT(calls, 3000);  // more than one integration step in some simulation steps
}

TEST(Rkf45VsGsl, AeifCondAlphaYControl) {
  Aeif rhs;
  rhs.I_e = 500.0;
  cross_check(rhs, ErrorControl::y(1e-3, 0.0), 0.1, 2000, {-70.6, 0, 0, 0, 0, 0}, [](long, double* y, Aeif&) {
    if (y[0] >= 0.0) {
      y[0] = -60.0;
      y[5] += 80.5;
    }
  });
}

TEST(Rkf45VsGsl, HodgkinHuxleyYControl) {
  HodgkinHuxley rhs;
  const long calls = cross_check(rhs, ErrorControl::y(1e-3, 0.0), 0.1, 5000, {-65.0, 0.05, 0.6, 0.32, 0.0, 0.0},
                                 [](long k, double* y, HodgkinHuxley&) {
                                   if (k % 101 == 0) y[4] += 20.0 * M_E / 0.5;
                                 });
  EXPECT_GT(calls, 5000);
}

TEST(Rkf45VsGsl, HodgkinHuxleyYpControlFineResolution) {
  HodgkinHuxley rhs;
  cross_check(rhs, ErrorControl::yp(1e-6, 1e-6), 0.025, 4000, {-65.0, 0.05, 0.6, 0.32, 0.0, 0.0},
              [](long, double*, HodgkinHuxley&) {});
}

}  // namespace
