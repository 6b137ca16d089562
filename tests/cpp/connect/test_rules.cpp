// Connection rules: exact degrees of the fixed-degree rules, binomial counts of
// pairwise_bernoulli, the autapse/multapse options, and the same through Connect.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "connect/rules.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/simulator.hpp"
#include "test_util.hpp"

namespace nestkit {
namespace {

struct Pair {
  uint32_t source, target;
};

// Runs a rule and flattens its staged output (owners with their partners) into
// (source, target) pairs, checking the layout on the way.
std::vector<Pair> generate(const std::string& rule, const Dict& params, const NodeCollection& pre,
                           const NodeCollection& post, uint32_t seed, uint32_t call, int threads = 1) {
  StagedCall c;
  rules::generate(rule, params, pre, post, seed, call, threads, c);
  std::vector<Pair> out;
  EXPECT_EQ(c.offsets.size(), c.owners.size() + 1);
  if (c.offsets.size() != c.owners.size() + 1) return out;
  EXPECT_EQ(c.offsets.front(), 0u);
  EXPECT_EQ(c.offsets.back(), c.partners.size());
  for (std::size_t i = 0; i < c.owners.size(); ++i) {
    EXPECT_LE(c.offsets[i], c.offsets[i + 1]);
    for (uint64_t j = c.offsets[i]; j < c.offsets[i + 1] && j < c.partners.size(); ++j)
      out.push_back(c.target_major ? Pair{c.partners[j], c.owners[i]} : Pair{c.owners[i], c.partners[j]});
  }
  return out;
}

NodeCollection ids(uint32_t first, std::size_t n) { return NodeCollection::range(first, n); }

std::map<uint32_t, long> in_degrees(const std::vector<Pair>& p) {
  std::map<uint32_t, long> d;
  for (const Pair& x : p) ++d[x.target];
  return d;
}
std::map<uint32_t, long> out_degrees(const std::vector<Pair>& p) {
  std::map<uint32_t, long> d;
  for (const Pair& x : p) ++d[x.source];
  return d;
}
bool has_autapse(const std::vector<Pair>& p) {
  for (const Pair& x : p)
    if (x.source == x.target) return true;
  return false;
}
bool has_multapse(const std::vector<Pair>& p) {
  std::set<std::pair<uint32_t, uint32_t>> seen;
  for (const Pair& x : p)
    if (!seen.insert({x.source, x.target}).second) return true;
  return false;
}
void expect_within(const std::vector<Pair>& p, const NodeCollection& pre, const NodeCollection& post) {
  for (const Pair& x : p) {
    ASSERT_TRUE(pre.contains(x.source)) << x.source;
    ASSERT_TRUE(post.contains(x.target)) << x.target;
  }
}

TEST(Rules, AllToAll) {
  const NodeCollection pre = ids(1, 7), post = ids(8, 5);
  const auto p = generate("all_to_all", {}, pre, post, 1, 1);
  EXPECT_EQ(p.size(), 35u);
  EXPECT_FALSE(has_multapse(p));
  expect_within(p, pre, post);
  // Same population without autapses: n (n - 1).
  const NodeCollection n = ids(1, 9);
  const auto q = generate("all_to_all", {{"allow_autapses", false}}, n, n, 1, 1);
  EXPECT_EQ(q.size(), 72u);
  EXPECT_FALSE(has_autapse(q));
  EXPECT_EQ(generate("all_to_all", {}, n, n, 1, 1).size(), 81u);
}

TEST(Rules, OneToOne) {
  const NodeCollection pre = ids(1, 6), post = ids(11, 6);
  const auto p = generate("one_to_one", {}, pre, post, 1, 1);
  ASSERT_EQ(p.size(), 6u);
  for (std::size_t k = 0; k < 6; ++k) {
    EXPECT_EQ(p[k].source, pre[k]);
    EXPECT_EQ(p[k].target, post[k]);
  }
  EXPECT_THROW(generate("one_to_one", {}, pre, ids(11, 5), 1, 1), BadProperty);
  // Onto itself without autapses: nothing left.
  EXPECT_TRUE(generate("one_to_one", {{"allow_autapses", false}}, pre, pre, 1, 1).empty());
}

TEST(Rules, FixedIndegreeIsExact) {
  const NodeCollection pre = ids(1, 50), post = ids(51, 200);
  const long k = 12;
  const auto p = generate("fixed_indegree", {{"indegree", k}}, pre, post, 17, 3);
  EXPECT_EQ(p.size(), static_cast<std::size_t>(200 * k));
  expect_within(p, pre, post);
  const auto d = in_degrees(p);
  EXPECT_EQ(d.size(), 200u);
  for (auto [t, n] : d) EXPECT_EQ(n, k) << "target " << t;
  // Sources are drawn uniformly: each is picked 200 k / 50 = 48 times on average;
  // Var = 2400 (1/50)(49/50); allow 5 sigma.
  const auto o = out_degrees(p);
  const double mean = 200.0 * k / 50, sd = std::sqrt(200.0 * k * (1.0 / 50) * (49.0 / 50));
  for (uint32_t s : pre.ids()) EXPECT_NEAR(o.count(s) ? o.at(s) : 0, mean, 5 * sd) << "source " << s;
}

TEST(Rules, FixedIndegreeWithoutAutapsesOrMultapses) {
  const NodeCollection n = ids(1, 30);
  const auto p = generate("fixed_indegree", {{"indegree", 29L}, {"allow_autapses", false}, {"allow_multapses", false}},
                          n, n, 5, 1);
  EXPECT_EQ(p.size(), 30u * 29u);
  EXPECT_FALSE(has_autapse(p));
  EXPECT_FALSE(has_multapse(p));
  for (auto [t, c] : in_degrees(p)) EXPECT_EQ(c, 29) << t;

  const auto q = generate("fixed_indegree", {{"indegree", 10L}, {"allow_autapses", false}}, n, n, 5, 2);
  EXPECT_FALSE(has_autapse(q));
  for (auto [t, c] : in_degrees(q)) EXPECT_EQ(c, 10) << t;

  EXPECT_THROW(generate("fixed_indegree", {{"indegree", 31L}, {"allow_multapses", false}}, n, n, 5, 3), BadProperty);
  EXPECT_THROW(generate("fixed_indegree", {{"indegree", 30L}, {"allow_multapses", false}, {"allow_autapses", false}}, n,
                        n, 5, 3),
               BadProperty);
  EXPECT_THROW(generate("fixed_indegree", {}, n, n, 5, 3), BadProperty);  // indegree missing
  EXPECT_THROW(generate("fixed_indegree", {{"indegree", -1L}}, n, n, 5, 3), BadProperty);
  EXPECT_THROW(generate("fixed_indegree", {{"indegree", 2.5}}, n, n, 5, 3), BadProperty);
}

TEST(Rules, FixedOutdegreeIsExact) {
  const NodeCollection pre = ids(1, 120), post = ids(121, 40);
  const long k = 25;
  const auto p = generate("fixed_outdegree", {{"outdegree", k}, {"allow_multapses", false}}, pre, post, 3, 9);
  EXPECT_EQ(p.size(), static_cast<std::size_t>(120 * k));
  expect_within(p, pre, post);
  EXPECT_FALSE(has_multapse(p));
  const auto d = out_degrees(p);
  EXPECT_EQ(d.size(), 120u);
  for (auto [s, n] : d) EXPECT_EQ(n, k) << "source " << s;
  EXPECT_THROW(generate("fixed_outdegree", {{"outdegree", 41L}, {"allow_multapses", false}}, pre, post, 3, 9),
               BadProperty);
  const NodeCollection n = ids(1, 10);
  const auto q = generate("fixed_outdegree", {{"outdegree", 9L}, {"allow_autapses", false}, {"allow_multapses", false}},
                          n, n, 3, 10);
  EXPECT_EQ(q.size(), 90u);
  EXPECT_FALSE(has_autapse(q));
  EXPECT_FALSE(has_multapse(q));
}

TEST(Rules, FixedTotalNumberIsExact) {
  const NodeCollection pre = ids(1, 40), post = ids(41, 60);
  for (long n : {0L, 1L, 37L, 1000L, 5000L}) {
    const auto p = generate("fixed_total_number", {{"N", n}}, pre, post, 8, 1);
    EXPECT_EQ(p.size(), static_cast<std::size_t>(n));
    expect_within(p, pre, post);
  }
  // Without autapses on one population.
  const NodeCollection m = ids(1, 20);
  const auto q = generate("fixed_total_number", {{"N", 3000L}, {"allow_autapses", false}}, m, m, 8, 2);
  EXPECT_EQ(q.size(), 3000u);
  EXPECT_FALSE(has_autapse(q));
  // Each of the 40 x 60 pairs is equally likely: sources are hit N/40 times on average.
  const auto p = generate("fixed_total_number", {{"N", 24000L}}, pre, post, 8, 3);
  const auto o = out_degrees(p);
  const double mean = 24000.0 / 40, sd = std::sqrt(24000.0 / 40 * 39 / 40);
  for (uint32_t s : pre.ids()) EXPECT_NEAR(o.count(s) ? o.at(s) : 0, mean, 5 * sd) << s;
}

TEST(Rules, FixedTotalNumberSpreadsOverLargePopulations) {
  // Sources beyond one block of the parallel generation (4096) with a short last block:
  // every (source, target) pair is equally likely, so each out-degree is Binomial(N,
  // 1/|pre|) whichever block holds the source, the counts per block follow the block
  // sizes, and the in-degrees are Binomial(N, 1/|post|).
  const NodeCollection pre = ids(1, 10000), post = ids(10001, 50);
  const long n = 400000;
  const auto p = generate("fixed_total_number", {{"N", n}}, pre, post, 12, 4, 2);
  ASSERT_EQ(p.size(), static_cast<std::size_t>(n));
  expect_within(p, pre, post);
  const auto d = out_degrees(p);
  const double mean = static_cast<double>(n) / 10000, var = mean * (1 - 1.0 / 10000);
  double sum2 = 0;
  std::vector<double> block(3, 0.0);
  for (uint32_t s : pre.ids()) {
    const double k = d.count(s) ? d.at(s) : 0;
    sum2 += (k - mean) * (k - mean);
    block[(s - 1) / 4096] += k;
  }
  EXPECT_NEAR(sum2 / 10000, var, 5 * var * std::sqrt(2.0 / 9999));
  const double sizes[] = {4096, 4096, 10000 - 2 * 4096};
  for (int b = 0; b < 3; ++b) {
    const double q = sizes[b] / 10000;
    EXPECT_NEAR(block[b], n * q, 5 * std::sqrt(n * q * (1 - q))) << "block " << b;
  }
  const auto in = in_degrees(p);
  for (uint32_t t : post.ids()) EXPECT_NEAR(in.at(t), n / 50.0, 5 * std::sqrt(n / 50.0)) << t;
}

TEST(Rules, PairwiseBernoulliCountsAreBinomial) {
  const NodeCollection pre = ids(1, 300), post = ids(301, 200);
  for (double p : {0.0, 0.01, 0.1, 0.5, 1.0}) {
    const auto c = generate("pairwise_bernoulli", {{"p", p}}, pre, post, 21, 4);
    const double n = 300.0 * 200.0;
    const double sd = std::sqrt(n * p * (1 - p));
    EXPECT_NEAR(static_cast<double>(c.size()), n * p, 5 * sd + 1e-9) << "p " << p;
    EXPECT_FALSE(has_multapse(c));
    expect_within(c, pre, post);
    // Per-target in-degrees are Binomial(300, p) too.
    if (p > 0 && p < 1) {
      const auto d = in_degrees(c);
      double sum = 0, sum2 = 0;
      for (uint32_t t : post.ids()) {
        const double k = d.count(t) ? d.at(t) : 0;
        sum += k, sum2 += k * k;
      }
      const double mean = sum / 200, var = sum2 / 200 - mean * mean, v = 300 * p * (1 - p);
      EXPECT_NEAR(mean, 300 * p, 5 * std::sqrt(v / 200));
      EXPECT_NEAR(var, v, 5 * v * std::sqrt(2.0 / 199) + 5 * std::sqrt(v / 200));
    }
  }
  // Without autapses on one population: n (n - 1) candidate pairs.
  const NodeCollection m = ids(1, 150);
  const auto c = generate("pairwise_bernoulli", {{"p", 0.3}, {"allow_autapses", false}}, m, m, 21, 5);
  EXPECT_FALSE(has_autapse(c));
  const double n = 150.0 * 149.0;
  EXPECT_NEAR(static_cast<double>(c.size()), n * 0.3, 5 * std::sqrt(n * 0.3 * 0.7));
  EXPECT_THROW(generate("pairwise_bernoulli", {{"p", 1.5}}, m, m, 1, 1), BadProperty);
  EXPECT_THROW(generate("pairwise_bernoulli", {{"p", -0.1}}, m, m, 1, 1), BadProperty);
}

TEST(Rules, SameSeedAndCallSameConnectionsOtherwiseDifferent) {
  const NodeCollection pre = ids(1, 100), post = ids(101, 50);
  auto key = [](const std::vector<Pair>& p) {
    std::vector<std::pair<uint32_t, uint32_t>> k;
    for (const Pair& x : p) k.push_back({x.source, x.target});
    return k;
  };
  const auto a = key(generate("fixed_indegree", {{"indegree", 10L}}, pre, post, 42, 1));
  EXPECT_EQ(a, key(generate("fixed_indegree", {{"indegree", 10L}}, pre, post, 42, 1)));
  EXPECT_NE(a, key(generate("fixed_indegree", {{"indegree", 10L}}, pre, post, 43, 1)));
  EXPECT_NE(a, key(generate("fixed_indegree", {{"indegree", 10L}}, pre, post, 42, 2)));
}

TEST(Rules, ResultDoesNotDependOnTheThreadCount) {
  // Rules fill their output in parallel blocks of owners; the concatenation must
  // equal the serial result.
  const NodeCollection pre = ids(1, 700), post = ids(701, 900);
  auto key = [](const std::vector<Pair>& p) {
    std::vector<std::pair<uint32_t, uint32_t>> k;
    for (const Pair& x : p) k.push_back({x.source, x.target});
    return k;
  };
  const std::vector<std::pair<std::string, Dict>> specs = {
      {"fixed_indegree", {{"indegree", 15L}}},
      {"fixed_outdegree", {{"outdegree", 9L}, {"allow_multapses", false}}},
      {"pairwise_bernoulli", {{"p", 0.02}}},
      {"all_to_all", {}},
      {"fixed_total_number", {{"N", 5000L}}}};
  for (const auto& [rule, params] : specs) {
    const auto serial = key(generate(rule, params, pre, post, 77, 5, 1));
    ASSERT_FALSE(serial.empty()) << rule;
    for (int threads : {2, 3, 8}) EXPECT_EQ(key(generate(rule, params, pre, post, 77, 5, threads)), serial) << rule;
  }
}

TEST(Rules, UnknownRuleAndUnknownKey) {
  const NodeCollection n = ids(1, 3);
  try {
    generate("fixed_indgree", {{"indegree", 1L}}, n, n, 1, 1);
    FAIL() << "expected BadProperty";
  } catch (const BadProperty& e) {
    EXPECT_NE(std::string(e.what()).find("'fixed_indegree'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(generate("all_to_all", {{"p", 0.5}}, n, n, 1, 1), UnknownParameter);
}

// --- the same through Simulator::connect --------------------------------------------

TEST(Rules, ThroughConnect) {
  Simulator sim;
  NodeCollection a = sim.create("iaf_psc_alpha", 40);
  NodeCollection b = sim.create("iaf_psc_alpha", 30);
  sim.connect(a, b, {"fixed_indegree", {{"indegree", 7L}}});
  EXPECT_EQ(sim.num_connections(), 210u);
  sim.connect(a, b, {"fixed_outdegree", {{"outdegree", 3L}}});
  EXPECT_EQ(sim.num_connections(), 330u);
  sim.connect(b, a, {"fixed_total_number", {{"N", 55L}}});
  EXPECT_EQ(sim.num_connections(), 385u);
  sim.connect(a, a, {"all_to_all", {{"allow_autapses", false}}});
  EXPECT_EQ(sim.num_connections(), 385u + 40u * 39u);
  sim.connect(a, a, {"one_to_one", {}});
  EXPECT_EQ(sim.num_connections(), 385u + 40u * 39u + 40u);

  // In-degrees of the fixed_indegree call, read back from the store.
  Simulator s2;
  NodeCollection x = s2.create("iaf_psc_alpha", 40);
  NodeCollection y = s2.create("iaf_psc_alpha", 30);
  s2.connect(x, y, {"fixed_indegree", {{"indegree", 7L}, {"allow_multapses", false}}});
  for (uint32_t t : y.ids()) {
    const NodeCollection one({t});
    const SynapseCollection c = s2.get_connections(nullptr, &one);
    EXPECT_EQ(c.index.size(), 7u) << t;
    const ConnectionTable tab = s2.connection_values(c, {"source"});
    std::set<long> sources;
    for (const Value& v : tab.columns[0]) sources.insert(std::get<long>(v));
    EXPECT_EQ(sources.size(), 7u) << "duplicate sources for target " << t;
  }
}

}  // namespace
}  // namespace nestkit
