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

TEST(MinMax, SplitAmongThreadsAgreesWithOneScan) {
  // Long arrays split among threads: the extremes in any part, including the last
  // part's tail and the boundary between parts.
  std::mt19937 g(5);
  const std::size_t n = (std::size_t{1} << 21) + 37;
  std::vector<uint32_t> ids(n);
  for (auto& v : ids) v = 5000 + g() % 1000000;
  for (std::size_t where : {std::size_t{0}, n / 2 - 1, n / 2, n - 1}) {
    std::vector<uint32_t> v = ids;
    v[where] = 3;
    v[(where + n / 3) % n] = 0xfffffff0u;
    for (int threads : {1, 2, 3, 8}) {
      const auto got = nestkit::min_max(v.data(), n, threads);
      EXPECT_EQ(got.first, 3u) << "threads " << threads << " at " << where;
      EXPECT_EQ(got.second, 0xfffffff0u) << "threads " << threads << " at " << where;
    }
  }
  EXPECT_EQ(nestkit::min_max(ids.data(), 5, 8), nestkit::min_max(ids.data(), 5));  // short: one scan
}
