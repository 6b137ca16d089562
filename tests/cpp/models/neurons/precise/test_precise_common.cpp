// What the precise neurons share (models/neurons/precise/precise_common.hpp): the input
// queue gives every input back once, in the step it was added for, whatever the bucket
// capacity the memory budget picks and however many inputs overflow it, also across a
// resize that keeps the pending input.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

#include "models/neurons/precise/precise_common.hpp"

namespace pr = nestkit::precise;

namespace {

struct Sent {
  double offset, weight;
  bool operator<(const Sent& o) const { return offset != o.offset ? offset < o.offset : weight < o.weight; }
  bool operator==(const Sent& o) const { return offset == o.offset && weight == o.weight; }
};

// Adds random inputs (0 to 20 per node and step, so buckets overflow) for steps up to
// ring-1 ahead through both entry points, takes each step's inputs back and compares.
void check_round_trip(pr::EventQueue& q, std::size_t n, long ring, long steps, unsigned seed) {
  std::mt19937_64 g(seed);
  std::map<std::pair<std::size_t, long>, std::vector<Sent>> expected;
  std::vector<pr::TimedInput> out;
  for (long now = 0; now < steps; ++now) {
    // Deliveries made during step `now` arrive 1 .. ring-1 steps later.
    const long stamp = now + 1;
    const long delay = 1 + static_cast<long>(g() % static_cast<unsigned long>(ring - 1));
    for (std::size_t i = 0; i < n; ++i) {
      const int count = static_cast<int>(g() % 21);
      for (int k = 0; k < count; ++k) {
        const Sent s{std::uniform_real_distribution<double>(0.0, 0.1)(g), static_cast<double>(g() % 1000) - 500.0};
        if (k % 2)
          q.with_ring([&](auto& ring) { ring.add_at(i, ring.slot_index(stamp - 1), delay, s.offset, s.weight); });
        else
          q.add(i, stamp + delay - 1, s.offset, s.weight);
        expected[{i, stamp + delay - 1}].push_back(s);
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      out.clear();
      q.take(i, now, out);
      std::vector<Sent> got;
      for (const auto& in : out) got.push_back({in.offset, in.weight});
      std::vector<Sent> want = expected[{i, now}];
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
      ASSERT_EQ(got, want) << "node " << i << " step " << now;
      expected.erase({i, now});
    }
  }
}

}  // namespace

TEST(PreciseEventQueue, EveryInputReturnsOnceAtEveryCapacity) {
  // Budgets that select eleven, three and one input per bucket.
  const std::size_t n = 50;
  const long ring = 8;
  for (const auto& [budget, cap] :
       {std::pair{std::size_t{1} << 30, std::size_t{11}}, std::pair{n * ring * 64, std::size_t{3}},
        std::pair{std::size_t{1}, std::size_t{1}}}) {
    pr::EventQueue q;
    q.resize(n, ring, budget);
    EXPECT_EQ(q.capacity(), cap);
    check_round_trip(q, n, ring, 60, static_cast<unsigned>(cap));
  }
}

TEST(PreciseEventQueue, ResizeKeepsPendingInputOfTheNodesThatStay) {
  const long ring = 6;
  for (std::size_t budget : {std::size_t{1} << 30, std::size_t{1}}) {
    pr::EventQueue q;
    q.resize(10, ring, budget);
    std::vector<pr::TimedInput> out;
    // 15 inputs for node 3 (past every capacity) and one for node 9, due at step 4.
    for (int k = 0; k < 15; ++k) q.add(3, 4, 0.001 * k, k);
    q.add(9, 4, 0.05, -1.0);
    q.resize(20, ring, std::size_t{1} << 30);  // more nodes, the same ring: kept
    EXPECT_EQ(q.capacity(), 11u);
    q.take(3, 4, out);
    EXPECT_EQ(out.size(), 15u);
    out.clear();
    q.take(9, 4, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].weight, -1.0);
    out.clear();
    q.take(3, 4, out);  // taken once
    EXPECT_TRUE(out.empty());
    check_round_trip(q, 20, ring, 30, 7);
  }
}
