// The connection store: what is staged comes back out of the finalized rows, whether
// the targets are kept as 32-bit ids or as 16-bit offsets from each segment's smallest.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "nestkit/connection_store.hpp"

namespace nestkit {
namespace {

using Pairs = std::vector<std::pair<uint32_t, uint32_t>>;  // (source, target)

// A target-major call: each target (owner) with its sources (partners).
StagedCall target_major(const Pairs& pairs, double weight, bool plastic) {
  std::map<uint32_t, std::vector<uint32_t>> by_target;
  for (const auto& [s, t] : pairs) by_target[t].push_back(s);
  StagedCall c;
  c.target_major = true;
  c.offsets.push_back(0);
  for (const auto& [t, sources] : by_target) {
    c.owners.push_back(t);
    c.partners.insert(c.partners.end(), sources.begin(), sources.end());
    c.offsets.push_back(c.partners.size());
  }
  c.weight = weight;
  c.weight_each = plastic;
  return c;
}

// One population block per entry of `firsts`, all delivered by thread 0.
DeliveryBlocks blocks_at(const std::vector<uint32_t>& firsts) {
  DeliveryBlocks b;
  b.first = firsts;
  for (std::size_t p = 0; p < firsts.size(); ++p) {
    b.pop.push_back(static_cast<uint32_t>(p));
    b.thread.push_back(0);
  }
  return b;
}

// Every synapse as (source, target), read back row by row both ways the store offers.
Pairs read_back(const ConnectionStore& store, uint32_t max_gid) {
  Pairs out;
  std::vector<uint32_t> buffer;
  for (uint32_t s = 0; s <= max_gid; ++s) {
    const auto [a, b] = store.row(s);
    for (uint32_t j = a; j < b; ++j) {
      const Segment& sg = store.segments()[j];
      const uint32_t* t = store.targets(sg, buffer);
      EXPECT_TRUE(std::is_sorted(t, t + sg.count)) << "segment " << j;
      for (uint32_t k = 0; k < sg.count; ++k) {
        EXPECT_EQ(store.target(sg.begin + k), t[k]);
        out.emplace_back(sg.source, t[k]);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Pairs random_pairs(uint32_t n, uint32_t lo, uint32_t hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<uint32_t> id(lo, hi);
  Pairs p(n);
  for (auto& x : p) x = {id(rng), id(rng)};
  return p;
}

Pairs sorted(Pairs p) {
  std::sort(p.begin(), p.end());
  return p;
}

TEST(ConnectionStore, SmallBlocksKeepTwoBytesPerTarget) {
  const Pairs pairs = random_pairs(20000, 1, 5000, 1);
  ConnectionStore store;
  store.stage(target_major(pairs, 1.5, false));
  store.finalize(5000, blocks_at({1}));
  EXPECT_TRUE(store.narrow());
  EXPECT_EQ(read_back(store, 5000), sorted(pairs));
  // Narrow targets: 2 bytes per synapse, plus the rows and segment headers.
  EXPECT_LT(store.memory_bytes(), 20000 * 2 + 5001 * (4 + 8) + store.segments().size() * sizeof(Segment) + 4096);
}

TEST(ConnectionStore, TargetIdsBeyondSixteenBitsDecodeFromTheirSegmentsBase) {
  // Three populations of 60,000; the synapses target the second and third.
  Pairs pairs = random_pairs(30000, 60001, 180000, 2);
  for (auto& p : pairs) p.first = 1 + p.first % 500;
  ConnectionStore store;
  store.stage(target_major(pairs, 1.0, false));
  store.finalize(180000, blocks_at({1, 60001, 120001}));
  EXPECT_TRUE(store.narrow());
  for (const Segment& sg : store.segments()) EXPECT_GE(sg.base, 60001u);
  EXPECT_EQ(read_back(store, 180000), sorted(pairs));
}

TEST(ConnectionStore, ABlockWiderThanSixteenBitsKeepsFullIds) {
  // One block of 100,000 nodes: a source reaching both ends cannot use 16-bit offsets.
  Pairs pairs = random_pairs(5000, 1, 100000, 3);
  pairs.emplace_back(7, 1);
  pairs.emplace_back(7, 100000);
  ConnectionStore store;
  store.stage(target_major(pairs, 1.0, false));
  store.finalize(100000, blocks_at({1}));
  EXPECT_FALSE(store.narrow());
  EXPECT_EQ(read_back(store, 100000), sorted(pairs));
}

TEST(ConnectionStore, LaterCallsAndRemovalsKeepEverySynapse) {
  const Pairs first = random_pairs(8000, 1, 3000, 4), second = random_pairs(8000, 1, 3000, 5);
  ConnectionStore store;
  store.stage(target_major(first, 1.0, false));
  store.finalize(3000, blocks_at({1}));
  ASSERT_TRUE(store.narrow());
  store.stage(target_major(second, 2.0, false));
  store.finalize(3000, blocks_at({1}));
  ASSERT_TRUE(store.narrow());
  Pairs all = first;
  all.insert(all.end(), second.begin(), second.end());
  EXPECT_EQ(read_back(store, 3000), sorted(all));

  // Remove every third synapse: the rest stay, still narrow.
  std::vector<uint64_t> gone;
  Pairs kept;
  std::vector<uint32_t> buffer;
  for (uint32_t s = 0; s <= 3000; ++s) {
    const auto [a, b] = store.row(s);
    for (uint32_t j = a; j < b; ++j) {
      const Segment& sg = store.segments()[j];
      for (uint32_t k = 0; k < sg.count; ++k) {
        if ((sg.begin + k) % 3 == 0)
          gone.push_back(sg.begin + k);
        else
          kept.emplace_back(s, store.target(sg, sg.begin + k));
      }
    }
  }
  store.remove(gone);
  EXPECT_TRUE(store.narrow());
  EXPECT_EQ(read_back(store, 3000), sorted(kept));
}

TEST(ConnectionStore, PlasticWeightsStartAtTheCallsWeightInBothLayouts) {
  for (const uint32_t n : {4000u, 100000u}) {
    Pairs pairs = random_pairs(6000, 1, n, 6);
    pairs.emplace_back(3, 1);
    pairs.emplace_back(3, n);
    ConnectionStore store;
    store.stage(target_major(pairs, 0.25, true));
    store.finalize(n, blocks_at({1}), 2);
    EXPECT_EQ(store.narrow(), n < 65536) << n;
    EXPECT_EQ(read_back(store, n), sorted(pairs));
    for (const Segment& sg : store.segments()) {
      ASSERT_TRUE(sg.weight_each());
      for (uint32_t k = 0; k < sg.count; ++k) ASSERT_EQ(store.weights(sg)[k], 0.25);
    }
  }
}

}  // namespace
}  // namespace nestkit
