#pragma once
// Per-step Poisson counts drawn from one 32-bit uniform by table inversion: the
// table holds 2^32 * P(N <= k) for the generator's mean, so a draw is a few
// comparisons. Means too large for a short table use the general sampler.
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace nestkit {

struct PoissonTable {
  double mu = 0.0;
  bool large = false;
  std::vector<uint32_t> thresholds;
  // guide[b]: the count for the smallest u of bucket b (top 8 bits of u); a draw
  // starts there and usually needs no further comparison.
  std::array<uint8_t, 256> guide{};

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
    for (uint32_t bucket = 0; bucket < 256; ++bucket) t.guide[bucket] = static_cast<uint8_t>(t.count(bucket << 24));
    return t;
  }
  // The number of thresholds at or below u: P(N = k) = P(t[k-1] <= u < t[k]).
  uint32_t sample(uint32_t u) const {
    uint32_t k = guide[u >> 24];
    const uint32_t n = static_cast<uint32_t>(thresholds.size());
    while (k < n && u >= thresholds[k]) ++k;
    return k;
  }
  uint32_t count(uint32_t u) const {
    uint32_t k = 0;
    for (uint32_t x : thresholds) k += u >= x;
    return k;
  }
};

}  // namespace nestkit
