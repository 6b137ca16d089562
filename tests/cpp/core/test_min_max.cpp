// min_max must agree with std::minmax_element for every length (lane tails
// included), wherever the extremes lie, on whichever loop the CPU selects.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "core/min_max.hpp"

TEST(MinMax, AgreesWithTheStandardAlgorithmForEveryLength) {
  std::mt19937 g(3);
  for (std::size_t n = 1; n < 300; ++n)
    for (int trial = 0; trial < 4; ++trial) {
      std::vector<uint32_t> ids(n);
      for (auto& v : ids) v = 1000 + g() % 100000;
      // Extremes at the ends, in the lane tail, or at the top of the unsigned range.
      if (trial == 1) ids.back() = 7;
      if (trial == 2) ids.front() = 0xffffffffu;
      if (trial == 3) ids[n / 2] = 0x80000001u;
      const auto [lo, hi] = std::minmax_element(ids.begin(), ids.end());
      const auto got = nestkit::min_max(ids.data(), n);
      ASSERT_EQ(got.first, *lo) << "n " << n << " trial " << trial;
      ASSERT_EQ(got.second, *hi) << "n " << n << " trial " << trial;
    }
}
