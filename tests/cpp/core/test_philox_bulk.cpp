// The bulk Philox generator against the block-at-a-time one (itself checked against
// Random123's known answers in test_rng.cpp): every word of every block, for runs of
// every length around the vector width, counters that wrap, and random keys.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "core/first_uniforms.hpp"
#include "nestkit/rng.hpp"

namespace nestkit {
namespace {

void expect_same_as_one_at_a_time(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key, std::size_t n) {
  std::vector<uint32_t> out(4 * n + 4, 0xDEADBEEFu);
  philox_blocks(ctr, key, n, out.data());
  for (std::size_t j = 0; j < n; ++j) {
    std::array<uint32_t, 4> c = ctr;
    c[0] += static_cast<uint32_t>(j);
    const auto b = Philox4x32::generate(c, key);
    for (int w = 0; w < 4; ++w) ASSERT_EQ(out[4 * j + w], b[w]) << "block " << j << " word " << w << " of " << n;
  }
  for (int w = 0; w < 4; ++w) EXPECT_EQ(out[4 * n + w], 0xDEADBEEFu) << "wrote past the end";
}

// philox_uniform_pairs: uniform() of words 0, 1 and of words 2, 3 of each block.
void expect_uniform_pairs(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key, std::size_t n) {
  std::vector<double> out(2 * n + 2, -1.0);
  philox_uniform_pairs(ctr, key, n, out.data());
  for (std::size_t j = 0; j < n; ++j) {
    std::array<uint32_t, 4> c = ctr;
    c[0] += static_cast<uint32_t>(j);
    const auto b = Philox4x32::generate(c, key);
    for (int h = 0; h < 2; ++h) {
      const uint64_t hi = b[2 * h] >> 5, lo = b[2 * h + 1] >> 6;
      ASSERT_EQ(out[2 * j + h], (hi * 67108864.0 + lo) * (1.0 / 9007199254740992.0)) << "block " << j << " of " << n;
    }
  }
  EXPECT_EQ(out[2 * n], -1.0) << "wrote past the end";
}

TEST(PhiloxBulk, UniformPairsAreTheBlocksWords) {
  for (std::size_t n = 0; n <= 40; ++n) expect_uniform_pairs({5, 6, 7, 8}, {11, 12}, n);
  expect_uniform_pairs({0xFFFFFFFAu, 1, 2, 3}, {0, 0}, 29);  // the counter wraps as a 32-bit word
  std::mt19937 gen(7);
  for (int trial = 0; trial < 100; ++trial)
    expect_uniform_pairs({static_cast<uint32_t>(gen()), static_cast<uint32_t>(gen()), static_cast<uint32_t>(gen()),
                          static_cast<uint32_t>(gen())},
                         {static_cast<uint32_t>(gen()), static_cast<uint32_t>(gen())}, 1 + gen() % 300);
}

TEST(PhiloxBulk, EveryRunLengthAroundTheVectorWidth) {
  for (std::size_t n = 0; n <= 40; ++n) expect_same_as_one_at_a_time({5, 6, 7, 8}, {11, 12}, n);
}

TEST(PhiloxBulk, CounterWrapsAsA32BitWord) { expect_same_as_one_at_a_time({0xFFFFFFFAu, 1, 2, 3}, {0, 0}, 29); }

TEST(PhiloxBulk, RandomCountersAndKeys) {
  std::mt19937 gen(12345);
  auto u = [&] { return static_cast<uint32_t>(gen()); };
  for (int trial = 0; trial < 200; ++trial)
    expect_same_as_one_at_a_time({u(), u(), u(), u()}, {u(), u()}, 1 + u() % 300);
}

// A long stream refills in bulk after its first block; its words must still be the
// blocks of its counter sequence in order (a short stream's are checked in test_rng.cpp).
TEST(PhiloxBulk, LongRandomStreamGivesItsBlocksInOrder) {
  const uint32_t seed = 99, a = 1234;
  const uint64_t b = 0x123456789ull;
  RandomStream rng(seed, Purpose::kConnect, a, b);
  for (uint32_t j = 0; j < 200; ++j) {
    const auto block = Philox4x32::generate({j, a, static_cast<uint32_t>(b), static_cast<uint32_t>(b >> 32)},
                                            {seed, static_cast<uint32_t>(Purpose::kConnect)});
    for (int w = 0; w < 4; ++w) ASSERT_EQ(rng.next_u32(), block[w]) << "block " << j << " word " << w;
  }
}

TEST(FirstUniforms, AreEachStreamsFirstUniform) {
  // first_uniforms (eight streams per AVX2 iteration) must give RandomStream(seed, purpose,
  // ids[j], b).uniform() exactly: any count around the vector width, ids up to 2^32 - 1,
  // b with high 32 bits set.
  std::mt19937_64 gen(11);
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{9}, std::size_t{63},
                        std::size_t{1000}}) {
    for (uint64_t b : {uint64_t{0}, uint64_t{123456}, (uint64_t{7} << 32) | 99u}) {
      std::vector<uint32_t> ids(n);
      for (auto& id : ids) id = static_cast<uint32_t>(gen());
      if (n > 2) ids[1] = 0xFFFFFFFFu;
      std::vector<double> u(n, -1.0);
      first_uniforms(17, Purpose::kPointProcess, ids.data(), b, n, u.data());
      for (std::size_t j = 0; j < n; ++j)
        ASSERT_EQ(u[j], RandomStream(17, Purpose::kPointProcess, ids[j], b).uniform()) << "n " << n << " j " << j;
    }
  }
}

}  // namespace
}  // namespace nestkit
