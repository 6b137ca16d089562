// Philox4x32-10 against the Random123 known-answer vectors, the layout of the
// counter-based streams, and the moments of the derived distributions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "nestkit/rng.hpp"

namespace nestkit {
namespace {

// Known-answer vectors from Random123 (kat_vectors: "philox4x32 10 ctr[0..3] key[0..1] out[0..3]").
struct Kat {
  Philox4x32::Block ctr;
  std::array<uint32_t, 2> key;
  Philox4x32::Block out;
};

TEST(Philox4x32, Random123KnownAnswers) {
  const Kat kats[] = {
      {{0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u},
       {0x00000000u, 0x00000000u},
       {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
       {0xffffffffu, 0xffffffffu},
       {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
       {0xa4093822u, 0x299f31d0u},
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  };
  for (const Kat& k : kats) {
    const Philox4x32::Block got = Philox4x32::generate(k.ctr, k.key);
    for (int w = 0; w < 4; ++w) EXPECT_EQ(got[w], k.out[w]) << "word " << w << " of counter " << std::hex << k.ctr[0];
  }
}

TEST(Philox4x32, IsABijectionOfTheCounterForAFixedKey) {
  // Distinct counters must give distinct blocks (Philox is a permutation of counters).
  std::map<Philox4x32::Block, uint32_t> seen;
  for (uint32_t c = 0; c < 4096; ++c) {
    const auto b = Philox4x32::generate({c, 7u, 0u, 0u}, {1u, 2u});
    EXPECT_TRUE(seen.emplace(b, c).second) << "collision at counter " << c;
  }
}

TEST(RandomStream, WordsAreConsecutivePhiloxBlocksOfItsAddress) {
  // A stream (seed, purpose, a, b) reads blocks Philox(ctr = {i, a, lo(b), hi(b)}, key = {seed, purpose}), i = 0, 1,
  // ...
  const uint32_t seed = 12345u, a = 77u;
  const uint64_t b = 0x0000000500000009ull;
  RandomStream s(seed, Purpose::kPoisson, a, b);
  for (uint32_t block = 0; block < 3; ++block) {
    const auto expect = Philox4x32::generate({block, a, uint32_t(b), uint32_t(b >> 32)},
                                             {seed, static_cast<uint32_t>(Purpose::kPoisson)});
    for (int w = 0; w < 4; ++w) EXPECT_EQ(s.next_u32(), expect[w]) << "block " << block << " word " << w;
  }
}

TEST(RandomStream, SameAddressSameNumbersOtherAddressOtherNumbers) {
  RandomStream x(1, Purpose::kConnect, 3, 4), y(1, Purpose::kConnect, 3, 4);
  RandomStream other_seed(2, Purpose::kConnect, 3, 4), other_purpose(1, Purpose::kDelay, 3, 4);
  RandomStream other_a(1, Purpose::kConnect, 4, 4), other_b(1, Purpose::kConnect, 3, 5);
  int differ[4] = {0, 0, 0, 0};
  for (int i = 0; i < 64; ++i) {
    const uint32_t v = x.next_u32();
    EXPECT_EQ(v, y.next_u32());
    differ[0] += v != other_seed.next_u32();
    differ[1] += v != other_purpose.next_u32();
    differ[2] += v != other_a.next_u32();
    differ[3] += v != other_b.next_u32();
  }
  for (int d : differ) EXPECT_GE(d, 60);
}

// --- uniform ------------------------------------------------------------------------

TEST(RandomStream, UniformMomentsAndRange) {
  RandomStream s(42, Purpose::kWeight, 1, 2);
  const int n = 1000000;
  double sum = 0, sum2 = 0;
  long odd = 0;
  for (int i = 0; i < n; ++i) {
    const double u = s.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
    // 53 random bits: the lowest bit of u * 2^53 is a fair coin.
    odd += static_cast<uint64_t>(std::ldexp(u, 53)) & 1u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12.0 / n));
  // Var(sample variance) ~ (mu4 - sigma^4)/n with mu4 = 1/80 for U(0,1).
  EXPECT_NEAR(var, 1.0 / 12.0, 5 * std::sqrt((1.0 / 80.0 - 1.0 / 144.0) / n));
  EXPECT_NEAR(static_cast<double>(odd) / n, 0.5, 5 * 0.5 / std::sqrt(n));
}

TEST(RandomStream, UniformKolmogorovSmirnov) {
  RandomStream s(7, Purpose::kNodeParam, 0, 0);
  const int n = 100000;
  std::vector<double> u(n);
  for (auto& x : u) x = s.uniform();
  std::sort(u.begin(), u.end());
  double d = 0;
  for (int i = 0; i < n; ++i) d = std::max({d, (i + 1.0) / n - u[i], u[i] - static_cast<double>(i) / n});
  // Critical value of the KS statistic at significance 1e-4: sqrt(-ln(alpha/2)/2) / sqrt(n).
  EXPECT_LT(d, std::sqrt(-std::log(0.5e-4) / 2.0) / std::sqrt(n));
}

TEST(RandomStream, UniformPosIsInHalfOpenUnitIntervalFromAbove) {
  RandomStream s(3, Purpose::kWeight, 0, 0);
  for (int i = 0; i < 100000; ++i) {
    const double u = s.uniform_pos();
    ASSERT_GT(u, 0.0);
    ASSERT_LE(u, 1.0);
  }
}

TEST(RandomStream, UniformIntIsUnbiased) {
  RandomStream s(11, Purpose::kConnect, 5, 6);
  EXPECT_EQ(s.uniform_int(0), 0u);
  EXPECT_EQ(s.uniform_int(1), 0u);
  const int k = 7, n = 700000;
  std::vector<long> count(k, 0);
  for (int i = 0; i < n; ++i) {
    const uint64_t v = s.uniform_int(k);
    ASSERT_LT(v, static_cast<uint64_t>(k));
    ++count[v];
  }
  double chi2 = 0;
  for (long c : count) chi2 += (c - n / k) * double(c - n / k) / (n / k);
  EXPECT_LT(chi2, 40.0);  // chi^2 with 6 degrees of freedom: P(chi2 > 40) < 1e-6

  // Beyond 32 bits: still below n and uniform on average.
  const uint64_t big = 1ull << 40;
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const uint64_t v = s.uniform_int(big);
    ASSERT_LT(v, big);
    sum += static_cast<double>(v) / static_cast<double>(big);
  }
  EXPECT_NEAR(sum / 100000, 0.5, 5 * std::sqrt(1.0 / 12.0 / 100000));
}

// --- normal, exponential --------------------------------------------------------------

TEST(RandomStream, NormalMoments) {
  RandomStream s(99, Purpose::kNodeParam, 3, 0);
  const int n = 1000000;
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  long within_one = 0;
  for (int i = 0; i < n; ++i) {
    const double x = s.normal();
    m1 += x, m2 += x * x, m3 += x * x * x, m4 += x * x * x * x;
    within_one += std::fabs(x) < 1.0;
  }
  m1 /= n, m2 /= n, m3 /= n, m4 /= n;
  EXPECT_NEAR(m1, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(m2, 1.0, 5 * std::sqrt(2.0 / n));
  EXPECT_NEAR(m3, 0.0, 5 * std::sqrt(15.0 / n));     // Var(x^3) = E x^6 = 15
  EXPECT_NEAR(m4, 3.0, 5 * std::sqrt(96.0 / n));     // Var(x^4) = 105 - 9
  const double p1 = std::erf(1.0 / std::sqrt(2.0));  // P(|x| < 1)
  EXPECT_NEAR(static_cast<double>(within_one) / n, p1, 5 * std::sqrt(p1 * (1 - p1) / n));
}

TEST(RandomStream, ExponentialMoments) {
  RandomStream s(5, Purpose::kDelay, 0, 1);
  const double lambda = 2.5;
  const int n = 500000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = s.exponential(lambda);
    ASSERT_GE(x, 0.0);
    sum += x, sum2 += x * x;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 1 / lambda, 5 / lambda / std::sqrt(n));
  EXPECT_NEAR(sum2 / n - mean * mean, 1 / (lambda * lambda), 5 * std::sqrt(8.0 / n) / (lambda * lambda));
}

// --- Poisson ------------------------------------------------------------------------

double poisson_pmf(long k, double mu) { return std::exp(-mu + k * std::log(mu) - std::lgamma(k + 1.0)); }

TEST(PoissonByInversion, SwitchesExactlyAtTheCdfSteps) {
  // The sample is the smallest k with u < F(k), F the exact Poisson cdf.
  for (double mu : {1e-3, 0.1, 1.0, 5.0, 20.0}) {
    const double e = std::exp(-mu);
    EXPECT_EQ(poisson_by_inversion(0.0, mu, e), 0) << "mu " << mu;
    double cdf = 0;
    for (long k = 0; k < 200; ++k) {
      cdf += poisson_pmf(k, mu);
      const double next = poisson_pmf(k + 1, mu);
      if (cdf > 1 - 1e-8 || next < 1e-8) break;
      if (poisson_pmf(k, mu) < 1e-8) continue;
      const double delta = 1e-10;
      EXPECT_EQ(poisson_by_inversion(cdf - delta, mu, e), k) << "mu " << mu << " below F(" << k << ")";
      EXPECT_EQ(poisson_by_inversion(cdf + delta, mu, e), k + 1) << "mu " << mu << " above F(" << k << ")";
    }
  }
}

TEST(PoissonByInversion, FrequenciesOnAUniformGridMatchThePmf) {
  // Over u_j = (j + 1/2)/M the share of each outcome k is pmf(k) up to 1/M.
  const int m = 100000;
  for (double mu : {0.05, 2.0, 12.5}) {
    const double e = std::exp(-mu);
    std::map<long, long> count;
    for (int j = 0; j < m; ++j) ++count[poisson_by_inversion((j + 0.5) / m, mu, e)];
    for (long k = 0; k < 80; ++k)
      EXPECT_NEAR(static_cast<double>(count[k]) / m, poisson_pmf(k, mu), 1.0 / m + 1e-12) << "mu " << mu << " k " << k;
  }
}

TEST(RandomStream, PoissonMeanAndVariance) {
  // Small means use inversion, large ones transformed rejection (PTRS); both must be Poisson.
  EXPECT_EQ(RandomStream(1, Purpose::kPoisson, 0, 0).poisson(0.0), 0);
  for (double mu : {0.5, 4.0, 29.5, 30.5, 100.0, 1000.0}) {
    RandomStream s(2024, Purpose::kPoissonLarge, static_cast<uint32_t>(mu * 10), 0);
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      const long k = s.poisson(mu);
      ASSERT_GE(k, 0);
      sum += k, sum2 += double(k) * k;
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    EXPECT_NEAR(mean, mu, 5 * std::sqrt(mu / n)) << "mu " << mu;
    // Var(sample variance) ~ (mu4 - sigma^4)/n with mu4 = mu (1 + 3 mu).
    EXPECT_NEAR(var, mu, 5 * std::sqrt((mu + 2 * mu * mu) / n)) << "mu " << mu;
  }
}

TEST(RandomStream, PoissonRejectionSamplerFitsThePmf) {
  // Chi-square goodness of fit of the PTRS branch against the exact pmf.
  for (double mu : {45.0, 400.0}) {
    RandomStream s(77, Purpose::kPoissonLarge, 1, static_cast<uint64_t>(mu));
    const int n = 200000;
    std::map<long, long> count;
    for (int i = 0; i < n; ++i) ++count[s.poisson(mu)];
    // Bins with an expected count >= 20; all other outcomes form one more bin.
    double chi2 = 0, p_binned = 0;
    long n_binned = 0;
    int bins = 0;
    for (long k = static_cast<long>(mu - 6 * std::sqrt(mu)); k <= static_cast<long>(mu + 6 * std::sqrt(mu)); ++k) {
      const double expect = n * poisson_pmf(k, mu);
      if (expect < 20) continue;
      chi2 += (count[k] - expect) * (count[k] - expect) / expect;
      p_binned += poisson_pmf(k, mu);
      n_binned += count[k];
      ++bins;
    }
    const double expect_rest = n * (1 - p_binned), rest = n - n_binned;
    ASSERT_GE(expect_rest, 20.0);
    chi2 += (rest - expect_rest) * (rest - expect_rest) / expect_rest;
    bins += 1;
    // Normal approximation of chi^2 (dof = bins - 1): mean dof, sd sqrt(2 dof); allow 6 sd.
    EXPECT_LT(chi2, (bins - 1) + 6 * std::sqrt(2.0 * (bins - 1))) << "mu " << mu;
  }
}

double binomial_pmf(long k, long n, double p) {
  return std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) + k * std::log(p) +
                  (n - k) * std::log1p(-p));
}

TEST(RandomStream, BinomialLargeCountsFitThePmf) {
  // n > 4096 with n p >= 30 goes through BTRS (transformed rejection): chi-square against
  // the exact pmf, as for Poisson above; p > 0.5 through the complement.
  for (const auto& [n_trials, p] :
       {std::pair<long, double>{100000, 0.3}, {5000, 0.02}, {10000000, 0.001}, {20000, 0.9}}) {
    RandomStream s(31, Purpose::kTotalNumber, 9, static_cast<uint64_t>(n_trials));
    const int n = 200000;
    std::map<long, long> count;
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      const long k = s.binomial(n_trials, p);
      ASSERT_GE(k, 0);
      ASSERT_LE(k, n_trials);
      ++count[k];
      sum += k;
    }
    const double mu = n_trials * p, sd = std::sqrt(mu * (1 - p));
    EXPECT_NEAR(sum / n, mu, 5 * sd / std::sqrt(n)) << n_trials << " " << p;
    double chi2 = 0, p_binned = 0;
    long n_binned = 0;
    int bins = 0;
    for (long k = static_cast<long>(mu - 6 * sd); k <= static_cast<long>(mu + 6 * sd); ++k) {
      if (k < 0 || k > n_trials) continue;
      const double expect = n * binomial_pmf(k, n_trials, p);
      if (expect < 20) continue;
      chi2 += (count[k] - expect) * (count[k] - expect) / expect;
      p_binned += binomial_pmf(k, n_trials, p);
      n_binned += count[k];
      ++bins;
    }
    const double expect_rest = n * (1 - p_binned), rest = n - n_binned;
    if (expect_rest >= 20) {
      chi2 += (rest - expect_rest) * (rest - expect_rest) / expect_rest;
      bins += 1;
    }
    EXPECT_LT(chi2, (bins - 1) + 6 * std::sqrt(2.0 * (bins - 1))) << n_trials << " " << p;
  }
}

TEST(RandomStream, UniformFillIsRepeatedUniform) {
  // uniform_fill must give the values of as many uniform() calls and leave the stream
  // where they would: any length, after an odd number of 32-bit words (a draw that
  // straddles a refill), in the first (one-block) refill and the bulk ones after it.
  for (int skip = 0; skip < 5; ++skip)
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{17},
                          std::size_t{100}, std::size_t{1001}}) {
      RandomStream a(5, Purpose::kConnect, 3, 77), b(5, Purpose::kConnect, 3, 77);
      for (int k = 0; k < skip; ++k) EXPECT_EQ(a.next_u32(), b.next_u32());
      std::vector<double> filled(n);
      a.uniform_fill(filled.data(), n);
      for (std::size_t i = 0; i < n; ++i)
        ASSERT_EQ(filled[i], b.uniform()) << "skip " << skip << " n " << n << " i " << i;
      EXPECT_EQ(a.next_u32(), b.next_u32()) << "skip " << skip << " n " << n;  // the same place in the stream
    }
}

}  // namespace
}  // namespace nestkit
