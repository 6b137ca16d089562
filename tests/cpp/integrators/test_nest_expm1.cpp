// NEST's own expm1 (integrators/nest_expm1.hpp): its lanes must give the scalar
// function's bits, and the function must stay an accurate expm1 (it replaces the C
// library's where NEST's PyPI build uses its series). Bit identity with NEST itself is
// checked live (tests/python/parity/live_scripts/precise_network.py).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "integrators/nest_expm1.hpp"

namespace ig = nestkit::integrators;

namespace {
bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }
}  // namespace

TEST(NestExpm1, ArrayLanesGiveTheScalarBits) {
  std::mt19937_64 gen(3);
  std::vector<double> x, y;
  for (double range : {1e-9, 0.01, 0.3, 0.69, 2.0, 40.0})
    for (std::size_t n = 0; n < 70; ++n) {
      std::uniform_real_distribution<double> u(-range, range);
      x.resize(n);
      y.assign(n, 0.0);
      for (auto& v : x) v = u(gen);
      if (n > 8) {
        x[1] = 0.0;
        x[2] = -0.0;
        x[3] = NAN;
        x[4] = INFINITY;
        x[5] = -INFINITY;
        x[6] = 0x1.62e42fefa39efp-1;  // ln 2: the last argument of the series
        x[7] = std::nextafter(x[6], 1.0);
        x[8] = -x[6];
      }
      ig::nest_expm1_array(x.data(), y.data(), n);
      for (std::size_t i = 0; i < n; ++i) EXPECT_TRUE(same(ig::nest_expm1(x[i]), y[i])) << "x " << x[i];
      ig::nest_expm1_array(x.data(), x.data(), n);  // in place
      for (std::size_t i = 0; i < n; ++i) EXPECT_TRUE(same(x[i], y[i]));
    }
}

TEST(NestExpm1, IsAnAccurateExpm1) {
  // Within a few ulps of the C library's expm1 over the series' range and beyond, and
  // exactly the defined values at the branch points.
  std::mt19937_64 gen(9);
  std::uniform_real_distribution<double> m(0.5, 1.0);
  for (int e = -60; e <= 4; ++e)
    for (int k = 0; k < 500; ++k)
      for (double s : {1.0, -1.0}) {
        const double x = s * std::ldexp(m(gen), e);
        const double ref = std::expm1(x), got = ig::nest_expm1(x);
        EXPECT_LE(std::abs(got - ref), 8 * std::abs(std::nextafter(ref, 2 * ref) - ref)) << "x " << x;
      }
  EXPECT_EQ(ig::nest_expm1(0.0), 0.0);
  EXPECT_FALSE(std::signbit(ig::nest_expm1(-0.0)));  // NEST returns +0 for -0
  EXPECT_EQ(ig::nest_expm1(3.0), std::exp(3.0) - 1);
  EXPECT_TRUE(std::isnan(ig::nest_expm1(NAN)));
}
