// The 4-lane exp must return the C library's exp bits in every lane: the ODE
// models' bit identity with NEST rests on it (src/integrators/exp_lanes.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>

#include "integrators/exp_lanes.hpp"
#include "integrators/lanes.hpp"

namespace ig = nestkit::integrators;
using V4 = ig::exp_detail::V4;

namespace {

// Counts lanes whose bits differ from std::exp (NaNs compare as equal).
long mismatches(const V4& x) {
  const V4 y = ig::exp_detail::exp4(x);
  long bad = 0;
  for (int l = 0; l < 4; ++l) {
    const double ref = std::exp(x[l]);
    if (std::memcmp(&ref, &y[l], sizeof ref) != 0 && !(std::isnan(ref) && std::isnan(y[l]))) ++bad;
  }
  return bad;
}

// exp4 over n uniform draws from [lo, hi).
long mismatches_over(double lo, double hi, long n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  long bad = 0;
  for (long i = 0; i < n; i += 4) bad += mismatches(V4{u(g), u(g), u(g), u(g)});
  return bad;
}

}  // namespace

TEST(ExpLanes, EqualsLibmOverTheModelsRange) {
  // Membrane-potential arguments of the HH and AdEx rate functions and beyond.
  EXPECT_EQ(mismatches_over(-60.0, 60.0, 400000, 1), 0);
  EXPECT_EQ(mismatches_over(-1.0, 1.0, 400000, 2), 0);
  EXPECT_EQ(mismatches_over(-745.5, 710.0, 200000, 3), 0);  // overflow, underflow, subnormal results
}

TEST(ExpLanes, EqualsLibmOverAllMagnitudes) {
  // Every binade from 2^-70 to 2^10, both signs: the main path, the tiny-argument
  // path (|x| < 2^-54) and the large-argument one.
  std::mt19937_64 g(4);
  std::uniform_real_distribution<double> m(0.5, 1.0);
  long bad = 0;
  for (int e = -70; e <= 10; ++e)
    for (int k = 0; k < 2000; ++k) {
      V4 x;
      for (int l = 0; l < 4; ++l) x[l] = std::ldexp((l & 1) ? -m(g) : m(g), e);
      bad += mismatches(x);
    }
  EXPECT_EQ(bad, 0);
}

TEST(ExpLanes, SpecialValuesAndRangeEdges) {
  const double v[] = {0.0,       -0.0,    0x1p-54, -0x1p-54, 0x1.fffffffffffffp-55, 512.0,         -512.0,
                      511.9999,  709.782, 709.783, -708.39,  -745.1332191019411,    -745.13321910, INFINITY,
                      -INFINITY, NAN};
  for (std::size_t k = 0; k < 16; k += 4) EXPECT_EQ(mismatches(V4{v[k], v[k + 1], v[k + 2], v[k + 3]}), 0) << k;
}

TEST(ExpLanes, LaneExpUsesItWhereTheLibraryIsTheFmaBuild) {
#if defined(__x86_64__) && defined(__GLIBC__)
  // glibc runs its FMA build of exp exactly on CPUs with FMA and AVX2; there the
  // vector exp must have been proven equal, else the models lose its speed.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2")) EXPECT_TRUE(ig::exact_exp_lanes());
#endif
  // Whatever the decision, lane_exp at 4 lanes returns std::exp's bits.
  using W4 = ig::Lanes<4>::V;
  const W4 x{-3.25, 0.125, 40.0, -700.0};
  const W4 y = ig::lane_exp(x);
  for (int l = 0; l < 4; ++l) EXPECT_EQ(y[l], std::exp(x[l]));
}

#include "integrators/exp_array.hpp"

TEST(ExpArray, HasTheLibrarysBitsForEveryLengthAndRange) {
  // exp_array (four lanes where proven, else std::exp per value) against std::exp, for
  // lengths that leave every tail (0-3 values) and arguments across the kernels' range
  // and the vector exp's fallbacks (tiny, huge, infinite, NaN).
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> range(-40.0, 5.0);
  std::vector<double> x, y;
  for (std::size_t n = 0; n < 40; ++n) {
    x.resize(n);
    y.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) x[i] = range(gen);
    if (n > 5) {
      x[1] = 1e-300;
      x[2] = 800.0;
      x[3] = -INFINITY;
      x[4] = NAN;
      x[5] = -0.0;
    }
    ig::exp_array(x.data(), y.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      const double ref = std::exp(x[i]);
      EXPECT_TRUE(std::memcmp(&ref, &y[i], sizeof ref) == 0 || (std::isnan(ref) && std::isnan(y[i])))
          << "n " << n << " x " << x[i];
    }
    ig::exp_array(x.data(), x.data(), n);  // in place
    for (std::size_t i = 0; i < n; ++i)
      EXPECT_TRUE(std::memcmp(&x[i], &y[i], sizeof y[i]) == 0 || (std::isnan(x[i]) && std::isnan(y[i])));
  }
}
