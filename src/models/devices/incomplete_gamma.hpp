#pragma once
// The regularized incomplete gamma functions, from the power series of P(a, x)
// (x < a + 1) and the Legendre continued fraction of Q(a, x) (x >= a + 1),
// evaluated with the modified Lentz method.
#include <math.h>  // lgamma_r

#include <cmath>
#include <limits>

namespace nestkit::devices {

// x^a e^{-x} / Gamma(a), the factor common to both expansions. lgamma_r: std::lgamma also
// writes the global signgam, a data race if two threads call it.
inline double gamma_prefactor(double a, double x) {
  int sign = 0;
  return std::exp(a * std::log(x) - x - lgamma_r(a, &sign));
}

// Sum_{n>=0} x^n / (a (a+1) ... (a+n)); P(a, x) = prefactor * series.
inline double lower_series(double a, double x) {
  double term = 1.0 / a, sum = term;
  for (int n = 1; n < 100000; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * 1e-16) break;
  }
  return sum;
}

// The continued fraction 1/(x+1-a- 1(1-a)/(x+3-a- ...)); Q(a, x) = prefactor * cf.
inline double upper_fraction(double a, double x) {
  const double tiny = std::numeric_limits<double>::min() / std::numeric_limits<double>::epsilon();
  double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, f = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    f *= delta;
    if (std::fabs(delta - 1.0) < 1e-16) break;
  }
  return f;
}

// Q(a, x) = Gamma(a, x) / Gamma(a), for a > 0, x >= 0.
inline double gamma_q(double a, double x) {
  if (x <= 0.0) return 1.0;
  if (x < a + 1.0) return 1.0 - gamma_prefactor(a, x) * lower_series(a, x);
  return gamma_prefactor(a, x) * upper_fraction(a, x);
}

// x^{a-1} e^{-x} / Gamma(a, x): the hazard of a gamma process of order a at
// operational time x, computed without the underflow of Gamma(a, x) for large x.
inline double gamma_hazard_ratio(double a, double x) {
  if (x <= 0.0) return a == 1.0 ? 1.0 : 0.0;
  if (x < a + 1.0) return gamma_prefactor(a, x) / (x * gamma_q(a, x));
  return 1.0 / (x * upper_fraction(a, x));
}

}  // namespace nestkit::devices
