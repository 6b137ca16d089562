// PoissonTable: Poisson counts by inversion of the cdf on 32-bit uniforms. The
// count k must be returned exactly for u in [2^32 F(k-1), 2^32 F(k)), F the exact
// Poisson cdf, so that each k has probability pmf(k) up to 2^-32.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "nestkit/poisson.hpp"

namespace nestkit {
namespace {

// Exact pmf and cdf, summed in long double from the log-pmf.
long double pmf(long k, double mu) { return std::exp(-mu + k * std::log((long double)mu) - std::lgamma(k + 1.0L)); }

TEST(PoissonTable, InvertsTheExactCdf) {
  const long double two32 = 4294967296.0L;
  for (double mu : {1e-4, 0.01, 0.1, 0.5, 1.0, 2.5, 7.0, 15.0, 20.0}) {
    const PoissonTable t = PoissonTable::make(mu);
    ASSERT_FALSE(t.large) << mu;
    EXPECT_EQ(t.sample(0), 0u) << mu;
    long double cdf = 0;
    int checked = 0;
    for (long k = 0; k < 200; ++k) {
      cdf += pmf(k, mu);
      // Only steps with room on both sides (at least 8 values of u each way).
      if (pmf(k, mu) * two32 < 16 || pmf(k + 1, mu) * two32 < 16) {
        if (k > mu) break;
        continue;
      }
      const long double edge = std::floor(cdf * two32);
      EXPECT_EQ(t.sample(static_cast<uint32_t>(edge - 4)), static_cast<uint32_t>(k)) << "mu " << mu << " k " << k;
      EXPECT_EQ(t.sample(static_cast<uint32_t>(edge + 4)), static_cast<uint32_t>(k + 1)) << "mu " << mu << " k " << k;
      ++checked;
    }
    EXPECT_GT(checked, 0) << mu;
  }
}

TEST(PoissonTable, ProbabilitiesAndMeanOverAllUniforms) {
  // P(k) = (number of u with sample(u) == k) / 2^32, computed from the sample
  // function at the boundaries found by bisection, must match the pmf.
  for (double mu : {0.05, 1.0, 6.0, 19.0}) {
    const PoissonTable t = PoissonTable::make(mu);
    auto first_u_above = [&](uint32_t k) {  // smallest u with sample(u) > k
      uint64_t lo = 0, hi = 4294967296ull;
      while (lo < hi) {
        const uint64_t mid = (lo + hi) / 2;
        if (t.sample(static_cast<uint32_t>(mid)) > k)
          hi = mid;
        else
          lo = mid + 1;
      }
      return lo;
    };
    uint64_t prev = 0;
    long double mean = 0;
    for (uint32_t k = 0; k < 200; ++k) {
      const uint64_t next = first_u_above(k);
      const long double p = (next - prev) / 4294967296.0L;
      EXPECT_NEAR(static_cast<double>(p), static_cast<double>(pmf(k, mu)), 5e-10) << "mu " << mu << " k " << k;
      mean += k * p;
      prev = next;
      if (next == 4294967296ull) break;
    }
    EXPECT_NEAR(static_cast<double>(mean), mu, 1e-8 * std::max(1.0, mu));
    // sample() is monotone and ends at the table size.
    EXPECT_EQ(t.sample(0xFFFFFFFFu), t.thresholds.size());
  }
}

TEST(PoissonTable, LargeAndZeroMeans) {
  EXPECT_TRUE(PoissonTable::make(25.0).large);
  EXPECT_TRUE(PoissonTable::make(1000.0).large);
  const PoissonTable zero = PoissonTable::make(0.0);
  EXPECT_FALSE(zero.large);
  EXPECT_EQ(zero.sample(0), 0u);
  EXPECT_EQ(zero.sample(0xFFFFFFFFu), 0u);
}

}  // namespace
}  // namespace nestkit
