#pragma once
// Per-step Poisson counts drawn from one 32-bit uniform by table inversion: the
// table holds 2^32 * P(N <= k) for the generator's mean, so a draw is a few
// comparisons. Means too large for a short table use the general sampler.
#include <cmath>
#include <cstdint>
#include <vector>

namespace nestkit {

struct PoissonTable {
  double mu = 0.0;
  bool large = false;
  std::vector<uint32_t> thresholds;

  static PoissonTable make(double mu) {
    PoissonTable t;
    t.mu = mu;
    if (mu <= 0.0) return t;
    if (mu > 20.0) {
      t.large = true;
      return t;
    }
    double p = std::exp(-mu), cdf = p;
    for (long k = 0; k < 200; ++k) {
      const double scaled = std::floor(cdf * 4294967296.0);
      if (scaled >= 4294967295.0) break;  // the remaining tail is below 2^-32
      t.thresholds.push_back(static_cast<uint32_t>(scaled));
      p *= mu / (k + 1);
      cdf += p;
    }
    return t;
  }
  // Counts the thresholds at or below u, without data-dependent branches (the
  // table is short; unpredictable early exits cost more than the comparisons).
  uint32_t sample(uint32_t u) const {
    uint32_t k = 0;
    const uint32_t* t = thresholds.data();
    const std::size_t n = thresholds.size();
    for (std::size_t j = 0; j < n; ++j) k += u >= t[j];
    return k;
  }
};

}  // namespace nestkit
