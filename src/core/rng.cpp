#include <math.h>  // lgamma_r

#include <cmath>

#include "nestkit/rng.hpp"

namespace nestkit {

long RandomStream::poisson(double mu) {
  if (mu <= 0.0) return 0;
  if (mu < 30.0) return poisson_by_inversion(uniform(), mu, std::exp(-mu));
  // Hörmann's transformed rejection with squeeze (PTRS), for large means.
  const double smu = std::sqrt(mu);
  const double b = 0.931 + 2.53 * smu;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  const double log_mu = std::log(mu);
  while (true) {
    const double u = uniform() - 0.5;
    const double v = uniform();
    const double us = 0.5 - std::fabs(u);
    const long k = static_cast<long>(std::floor((2.0 * a / us + b) * u + mu + 0.43));
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    // lgamma_r, not std::lgamma: lgamma also writes the global signgam, a data race when
    // threads draw at once (found by TSan).
    int sign = 0;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <= -mu + k * log_mu - lgamma_r(k + 1.0, &sign))
      return k;
  }
}

long RandomStream::binomial_btrs(long n, double p) {
  // Transformed rejection with squeeze (Hörmann, "The generation of binomial random
  // variates", 1993): exact, a few uniforms per variate whatever n.
  const double q = 1.0 - p, spq = std::sqrt(n * p * q);
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = n * p + 0.5;
  const double vr = 0.92 - 4.2 / b;
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double lpq = std::log(p / q);
  const double m = std::floor((n + 1) * p);
  int sign = 0;
  const double h = lgamma_r(m + 1.0, &sign) + lgamma_r(n - m + 1.0, &sign);
  while (true) {
    const double u = uniform() - 0.5;
    double v = uniform();
    const double us = 0.5 - std::fabs(u);
    const double kd = std::floor((2.0 * a / us + b) * u + c);
    if (kd < 0.0 || kd > static_cast<double>(n)) continue;
    if (us >= 0.07 && v <= vr) return static_cast<long>(kd);
    v = std::log(v * alpha / (a / (us * us) + b));
    if (v <= h - lgamma_r(kd + 1.0, &sign) - lgamma_r(n - kd + 1.0, &sign) + (kd - m) * lpq)
      return static_cast<long>(kd);
  }
}

}  // namespace nestkit
