#pragma once
// Special functions the models here need and the C++ standard library lacks.
#include <cmath>
#include <limits>

namespace nestkit::misc_ode {

// Lower incomplete gamma function gamma(a, x) = int_0^x t^(a-1) e^(-t) dt (not
// normalised), for a > 0, x >= 0: the power series for x < a + 1, else Gamma(a)
// minus the upper function's continued fraction (modified Lentz).
inline double lower_incomplete_gamma(double a, double x) {
  if (!(a > 0.0) || x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return 0.0;
  const double eps = std::numeric_limits<double>::epsilon();
  const double prefactor = std::exp(a * std::log(x) - x);
  if (x < a + 1.0) {
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 1000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::fabs(term) < std::fabs(sum) * eps) break;
    }
    return prefactor * sum;
  }
  const double tiny = 1e-300;
  double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, f = d;
  for (int n = 1; n < 1000; ++n) {
    const double an = -n * (n - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    f *= delta;
    if (std::fabs(delta - 1.0) < eps) break;
  }
  return std::tgamma(a) - prefactor * f;
}

}  // namespace nestkit::misc_ode
