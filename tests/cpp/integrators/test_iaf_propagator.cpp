// Exact-integration propagators of a leaky membrane driven by exponential and
// alpha-shaped currents, against the integrals of the ODE solution computed here
// by quadrature and by closed forms derived independently.
//
// Membrane: dV/dt = -V/tau_m + I/C, V(0) = 0.
//   P32(h): I(t) = exp(-t/tau_s)         -> V(h) = 1/C int_0^h e^{-(h-s)/tau_m} e^{-s/tau_s} ds
//   P31(h): I(t) = t exp(-t/tau_s)       -> V(h) = 1/C int_0^h e^{-(h-s)/tau_m} s e^{-s/tau_s} ds
//           (the alpha state y1 = dI with y1(0) = 1, y2 = I with y2(0) = 0)
// With a = 1/tau_m - 1/tau_s, the integrals are
//   P32 = e^{-h/tau_m}/C (e^{ah} - 1)/a,       -> h/C e^{-h/tau}        as a -> 0
//   P31 = e^{-h/tau_m}/C [h e^{ah}/a - (e^{ah} - 1)/a^2]  -> h^2/(2C) e^{-h/tau} as a -> 0
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "integrators/iaf_propagator.hpp"

namespace nestkit::integrators {
namespace {

// Composite Gauss-Legendre quadrature (5 points per panel) of f over [0, h].
double integrate(const std::function<double(double)>& f, double h, int panels = 200) {
  static const double x[5] = {0.0, -0.5384693101056831, 0.5384693101056831, -0.9061798459386640, 0.9061798459386640};
  static const double w[5] = {0.5688888888888889, 0.4786286704993665, 0.4786286704993665, 0.2369268850561891,
                              0.2369268850561891};
  const double width = h / panels;
  double sum = 0.0;
  for (int p = 0; p < panels; ++p) {
    const double mid = (p + 0.5) * width;
    double s = 0.0;
    for (int k = 0; k < 5; ++k) s += w[k] * f(mid + 0.5 * width * x[k]);
    sum += 0.5 * width * s;
  }
  return sum;
}

double p32_quadrature(double h, double tau_s, double tau_m, double c) {
  return integrate([&](double s) { return std::exp(-(h - s) / tau_m) * std::exp(-s / tau_s); }, h) / c;
}
double p31_quadrature(double h, double tau_s, double tau_m, double c) {
  return integrate([&](double s) { return std::exp(-(h - s) / tau_m) * s * std::exp(-s / tau_s); }, h) / c;
}
// Closed forms from the header comment (well-conditioned only when a h is not tiny).
double p32_closed(double h, double tau_s, double tau_m, double c) {
  const double a = 1 / tau_m - 1 / tau_s;
  if (a == 0) return h / c * std::exp(-h / tau_m);
  return std::exp(-h / tau_m) / c * std::expm1(a * h) / a;
}
double p31_closed(double h, double tau_s, double tau_m, double c) {
  const double a = 1 / tau_m - 1 / tau_s;
  if (a == 0) return h * h / (2 * c) * std::exp(-h / tau_m);
  return std::exp(-h / tau_m) / c * (h * std::exp(a * h) / a - std::expm1(a * h) / (a * a));
}

struct Case {
  double tau_s, tau_m, c;
};
const Case kCases[] = {{2.0, 10.0, 250.0}, {0.5, 20.0, 250.0}, {10.0, 2.0, 100.0},
                       {5.0, 5.0, 250.0},  {0.1, 100.0, 1.0},  {8.0, 10.0, 500.0}};
const double kSteps[] = {0.01, 0.05, 0.1, 0.25, 1.0, 5.0};

TEST(IafPropagator, QuadratureAgreesWithTheClosedForms) {
  // Guards the reference itself: the two independent references must agree (the
  // closed form of P31 loses digits to cancellation when a h is small, hence 1e-10).
  for (const Case& k : kCases)
    for (double h : kSteps) {
      EXPECT_NEAR(p32_quadrature(h, k.tau_s, k.tau_m, k.c), p32_closed(h, k.tau_s, k.tau_m, k.c),
                  1e-13 * p32_closed(h, k.tau_s, k.tau_m, k.c));
      EXPECT_NEAR(p31_quadrature(h, k.tau_s, k.tau_m, k.c), p31_closed(h, k.tau_s, k.tau_m, k.c),
                  1e-10 * p31_closed(h, k.tau_s, k.tau_m, k.c));
    }
}

TEST(IafPropagator, P32MatchesTheIntegral) {
  for (const Case& k : kCases)
    for (double h : kSteps) {
      const IafPropagator p(k.tau_s, k.tau_m, k.c);
      const double ref = p32_quadrature(h, k.tau_s, k.tau_m, k.c);
      EXPECT_NEAR(p.p32(h), ref, 1e-12 * ref) << "tau_s " << k.tau_s << " tau_m " << k.tau_m << " h " << h;
      EXPECT_NEAR(p.alpha(h).second, ref, 1e-12 * ref);
    }
}

TEST(IafPropagator, P31MatchesTheIntegral) {
  for (const Case& k : kCases)
    for (double h : kSteps) {
      const IafPropagator p(k.tau_s, k.tau_m, k.c);
      const double ref = p31_quadrature(h, k.tau_s, k.tau_m, k.c);
      EXPECT_NEAR(p.alpha(h).first, ref, 1e-11 * ref) << "tau_s " << k.tau_s << " tau_m " << k.tau_m << " h " << h;
    }
}

TEST(IafPropagator, SingularLimitTauSynEqualsTauM) {
  for (double tau : {0.5, 2.0, 10.0, 33.0})
    for (double h : kSteps) {
      const double c = 250.0;
      const IafPropagator p(tau, tau, c);
      const double p32 = h / c * std::exp(-h / tau);
      const double p31 = h * h / (2 * c) * std::exp(-h / tau);
      EXPECT_TRUE(std::isfinite(p.p32(h)));
      EXPECT_NEAR(p.p32(h), p32, 1e-14 * p32) << "tau " << tau << " h " << h;
      EXPECT_NEAR(p.alpha(h).first, p31, 1e-14 * p31) << "tau " << tau << " h " << h;
      EXPECT_NEAR(p.alpha(h).second, p32, 1e-14 * p32);
    }
}

TEST(IafPropagator, NearlyEqualTimeConstantsAreAccurate) {
  // Relative distance d = tau_s/tau_m - 1 from 1e-15 to 1e-1, on both sides, at
  // several step sizes: the result must follow the integral across the switch
  // between the regular and the limit expressions.
  const double tau_m = 10.0, c = 250.0;
  for (double h : {0.05, 0.1, 1.0})
    for (int sign : {-1, 1})
      for (double e = -15.0; e <= -1.0; e += 0.125) {
        const double tau_s = tau_m * (1.0 + sign * std::pow(10.0, e));
        const IafPropagator p(tau_s, tau_m, c);
        const double r32 = p32_quadrature(h, tau_s, tau_m, c);
        const double r31 = p31_quadrature(h, tau_s, tau_m, c);
        const auto [P31, P32] = p.alpha(h);
        EXPECT_NEAR(P32, r32, 1e-11 * r32) << "h " << h << " d " << sign << "e" << e;
        EXPECT_NEAR(P31, r31, 1e-6 * r31) << "h " << h << " d " << sign << "e" << e;
        EXPECT_NEAR(p.p32(h), r32, 1e-11 * r32);
      }
}

TEST(IafPropagator, ContinuousAcrossTheSwitch) {
  // Neighbouring time constants give neighbouring propagators: sweep tau_s finely
  // through the region where the evaluation changes and bound the jumps by the
  // change of the exact integral plus 1e-6 relative.
  const double tau_m = 10.0, c = 250.0, h = 0.1;
  double prev31 = 0, prev_ref = 0;
  bool first = true;
  for (double e = -9.0; e <= -2.0; e += 0.01) {
    const double tau_s = tau_m * (1.0 + std::pow(10.0, e));
    const double P31 = IafPropagator(tau_s, tau_m, c).alpha(h).first;
    const double ref = p31_quadrature(h, tau_s, tau_m, c);
    if (!first) {
      EXPECT_NEAR(P31 - prev31, ref - prev_ref, 1e-6 * ref) << "at d = 1e" << e;
    }
    prev31 = P31, prev_ref = ref, first = false;
  }
}

TEST(IafPropagator, PropagatesTheOdeExactly) {
  // Composing two steps of h must equal one step of 2h (exact propagators form a
  // semigroup). For the alpha state (y1, y2, V) with y1(0) = 1:
  //   y1(h) = e^{-h/tau_s}, y2(h) = h e^{-h/tau_s}, V(h) = P31(h),
  //   V(2h) = e^{-h/tau_m} V(h) + P31(h) y1(h) + P32(h) y2(h).
  for (const Case& k : kCases)
    for (double h : {0.1, 0.25, 1.0}) {
      const IafPropagator p(k.tau_s, k.tau_m, k.c);
      const auto [p31, p32] = p.alpha(h);
      const double y1 = std::exp(-h / k.tau_s), y2 = h * std::exp(-h / k.tau_s);
      const double v2 = std::exp(-h / k.tau_m) * p31 + p31 * y1 + p32 * y2;
      const double ref = p.alpha(2 * h).first;
      EXPECT_NEAR(v2, ref, 1e-12 * ref) << "tau_s " << k.tau_s << " tau_m " << k.tau_m << " h " << h;
    }
}

TEST(LeakPropagator, ConstantCurrent) {
  // V(h) for a unit constant current: 1/C int_0^h e^{-(h-s)/tau} ds = tau/C (1 - e^{-h/tau}).
  for (double tau : {1.0, 10.0, 100.0})
    for (double h : kSteps) {
      const double ref = integrate([&](double s) { return std::exp(-(h - s) / tau); }, h) / 250.0;
      EXPECT_NEAR(leak_current_propagator(h, tau, 250.0), ref, 1e-13 * ref);
    }
}

}  // namespace
}  // namespace nestkit::integrators
