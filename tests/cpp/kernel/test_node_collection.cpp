// NodeCollection: construction, slicing, concatenation and their errors.
#include <gtest/gtest.h>

#include <vector>

#include "nestkit/errors.hpp"
#include "nestkit/node_collection.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

std::vector<uint32_t> v(std::initializer_list<uint32_t> x) { return x; }

TEST(NodeCollection, RangeAndAccess) {
  const NodeCollection c = NodeCollection::range(5, 4);
  EXPECT_EQ(c.size(), 4u);
  EXPECT_FALSE(c.empty());
  EXPECT_EQ(c.ids(), v({5, 6, 7, 8}));
  EXPECT_EQ(c[0], 5u);
  EXPECT_EQ(c[3], 8u);
  EXPECT_TRUE(c.contains(7));
  EXPECT_FALSE(c.contains(4));
  EXPECT_FALSE(c.contains(9));
  EXPECT_EQ(c.index_of(5), 0);
  EXPECT_EQ(c.index_of(8), 3);
  EXPECT_EQ(c.index_of(9), -1);
  EXPECT_TRUE(NodeCollection().empty());
  EXPECT_TRUE(NodeCollection::range(1, 0).empty());
}

TEST(NodeCollection, ExplicitIdsMustBeAscendingUniqueAndPositive) {
  auto make = [](std::vector<uint32_t> x) { return NodeCollection(std::move(x)); };
  EXPECT_EQ(make(v({1, 3, 10})).size(), 3u);
  EXPECT_THROW(make(v({3, 1})), BadProperty);
  EXPECT_THROW(make(v({2, 2})), BadProperty);
  EXPECT_THROW(make(v({0, 1})), UnknownNode);
}

TEST(NodeCollection, Slicing) {
  const NodeCollection c = NodeCollection::range(1, 10);  // 1..10
  EXPECT_EQ(c.slice(0, 10, 1), c);
  EXPECT_EQ(c.slice(2, 5, 1).ids(), v({3, 4, 5}));
  EXPECT_EQ(c.slice(0, 10, 3).ids(), v({1, 4, 7, 10}));
  EXPECT_EQ(c.slice(1, 10, 2).ids(), v({2, 4, 6, 8, 10}));
  EXPECT_EQ(c.slice(9, 10, 1).ids(), v({10}));
  EXPECT_TRUE(c.slice(4, 4, 1).empty());
  EXPECT_TRUE(c.slice(6, 3, 1).empty());
  EXPECT_EQ(c.slice(8, 100, 1).ids(), v({9, 10}));  // stop beyond the end is clipped
  EXPECT_THROW(c.slice(0, 10, 0), BadProperty);
  EXPECT_THROW(c.slice(0, 10, -1), BadProperty);
  // Slices of a non-contiguous collection keep positions, not ids.
  const NodeCollection s = c.slice(0, 10, 2);  // 1 3 5 7 9
  EXPECT_EQ(s.slice(1, 4, 2).ids(), v({3, 7}));
}

TEST(NodeCollection, Concatenation) {
  const NodeCollection a = NodeCollection::range(1, 3), b = NodeCollection::range(7, 2);
  EXPECT_EQ((a + b).ids(), v({1, 2, 3, 7, 8}));
  EXPECT_EQ((b + a).ids(), v({1, 2, 3, 7, 8}));  // ids stay sorted
  EXPECT_EQ((a + NodeCollection()).ids(), a.ids());
  const NodeCollection odd(v({1, 3, 5})), even(v({2, 4, 6}));
  EXPECT_EQ((odd + even).ids(), v({1, 2, 3, 4, 5, 6}));
  EXPECT_THROW(a + NodeCollection::range(3, 2), BadProperty);  // share node 3
  EXPECT_THROW(a + a, BadProperty);
}

TEST(NodeCollection, CreateReturnsConsecutiveIds) {
  Simulator sim;
  const NodeCollection a = sim.create("iaf_psc_alpha", 3);
  const NodeCollection b = sim.create("spike_recorder");
  const NodeCollection c = sim.create("iaf_psc_alpha", 2);
  EXPECT_EQ(a.ids(), v({1, 2, 3}));
  EXPECT_EQ(b.ids(), v({4}));
  EXPECT_EQ(c.ids(), v({5, 6}));
  EXPECT_EQ(sim.network_size(), 6u);
  EXPECT_EQ(sim.model_of(4), "spike_recorder");
  EXPECT_EQ(sim.model_of(6), "iaf_psc_alpha");
  // A collection spanning several Create calls works with get_status.
  const auto st = sim.get_status(a.slice(1, 3, 1) + c, {"global_id", "model"});
  ASSERT_EQ(st.size(), 4u);
  EXPECT_EQ(std::get<long>(st[0].at("global_id")), 2);
  EXPECT_EQ(std::get<long>(st[3].at("global_id")), 6);
  EXPECT_EQ(std::get<std::string>(st[3].at("model")), "iaf_psc_alpha");
}

}  // namespace
}  // namespace nestkit
