// The 4-lane pow must return the C library's pow bits in every lane: plastic
// synapses computed side by side (stdp_pl_synapse_hom) stay bit-identical to NEST
// only through it (src/integrators/pow_lanes.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "integrators/pow_array.hpp"
#include "integrators/pow_lanes.hpp"

namespace ig = nestkit::integrators;
using V4 = ig::pow_detail::V4;

namespace {

bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

long mismatches(const V4& x, const V4& y) {
  const V4 got = ig::pow_detail::pow4(x, y);
  long bad = 0;
  for (int l = 0; l < 4; ++l) bad += !same(std::pow(x[l], y[l]), got[l]);
  return bad;
}

// pow4 over n bases drawn uniformly from [lo, hi) with one exponent.
long mismatches_over(double lo, double hi, double y, long n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  long bad = 0;
  for (long i = 0; i < n; i += 4) bad += mismatches(V4{u(g), u(g), u(g), u(g)}, V4{} + y);
  return bad;
}

}  // namespace

TEST(PowLanes, EqualsLibmOverTheSynapsesRange) {
  // Weights of power-law and multiplicative STDP to their exponents (mu = 0.4 in the
  // HPC benchmark, 1 by default in stdp_synapse), and normalised weights in [0, 1].
  for (double mu : {0.4, 1.0, 0.5, 0.1, 2.0, 0.9999}) {
    EXPECT_EQ(mismatches_over(0.0, 200.0, mu, 100000, 1), 0) << "mu " << mu;
    EXPECT_EQ(mismatches_over(0.0, 1.0, mu, 100000, 2), 0) << "mu " << mu;
    EXPECT_EQ(mismatches_over(0.999, 1.001, mu, 40000, 3), 0) << "mu " << mu;  // log x near 0
  }
}

TEST(PowLanes, EqualsLibmOverAllMagnitudesAndExponents) {
  // Every binade of the base from 2^-1074 (subnormal) to 2^1023, both signs, with
  // exponents from 2^-70 to 2^12 of both signs and integers: the main path, and
  // each way off it (negative, subnormal, zero or infinite bases; tiny or huge
  // exponents; results that overflow or underflow).
  std::mt19937_64 g(4);
  std::uniform_real_distribution<double> m(0.5, 1.0);
  long bad = 0;
  for (int e = -1074; e <= 1023; e += 7)
    for (int k = 0; k < 200; ++k) {
      V4 x, y;
      for (int l = 0; l < 4; ++l) {
        x[l] = std::ldexp(m(g), e) * ((k & 7) == 0 ? -1.0 : 1.0);
        y[l] = (k & 1) ? std::ldexp(m(g), static_cast<int>(g() % 83) - 70) * ((k & 2) ? -1.0 : 1.0)
                       : static_cast<double>(static_cast<int>(g() % 9) - 4);
      }
      bad += mismatches(x, y);
    }
  EXPECT_EQ(bad, 0);
  const double edges[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, NAN, 0x1p-1074, 0x1p-1022, 1e308};
  for (double a : edges)
    for (double b : edges) EXPECT_EQ(mismatches(V4{a, a, a, a}, V4{b, 0.4, -0.4, 1.0}), 0) << a << " " << b;
}

TEST(PowLanes, ArrayEqualsLibmWhateverPathItTakes) {
  std::mt19937_64 g(5);
  std::uniform_real_distribution<double> u(0.0, 100.0);
  std::vector<double> base(1003), out(1003);
  for (double& b : base) b = u(g);
  base[7] = 0.0;
  base[11] = -3.0;
  ig::pow_array(base.data(), 0.4, out.data(), base.size());
  long bad = 0;
  for (std::size_t i = 0; i < base.size(); ++i) bad += !same(std::pow(base[i], 0.4), out[i]);
  EXPECT_EQ(bad, 0);
}

TEST(PowLanes, ArrayWithAnExponentEachEqualsLibm) {
  std::mt19937_64 g(6);
  std::uniform_real_distribution<double> u(0.0, 2.0);
  std::vector<double> base(517), expo(517), out(517);
  for (std::size_t i = 0; i < base.size(); ++i) {
    base[i] = u(g);
    expo[i] = (i % 3 == 0) ? 1.0 : u(g) - 1.0;
  }
  base[4] = 0.0;
  expo[9] = 0.0;
  ig::pow_array(base.data(), expo.data(), out.data(), base.size());
  long bad = 0;
  for (std::size_t i = 0; i < base.size(); ++i) bad += !same(std::pow(base[i], expo[i]), out[i]);
  EXPECT_EQ(bad, 0);
}
