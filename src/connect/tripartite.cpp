// NEST's TripartiteConnect with the third_factor_bernoulli_with_pool rule
// (astrocytes between neurons, Hahne et al. / NEST 3.7+). The primary rule makes
// the pairs pre -> post; then, for every pair, with probability p one node of the
// target's pool in `third` is chosen: third -> target gets the "third_out"
// specification and source -> third the "third_in" one. A target's pool is
// pool_size nodes of `third`, drawn at random (pool_type "random") or a block
// (pool_type "block": consecutive targets share consecutive nodes).
//
// Draws come from one stream per target keyed by (seed, call, target): the pool
// first, then one Bernoulli trial (and, for pools larger than one, one index) per
// primary source in ascending order, so the result is independent of threads.
#include <algorithm>
#include <cmath>
#include <map>

#include "connect/rules.hpp"
#include "nestkit/coerce.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

struct PoolRule {
  double p = 1.0;
  std::size_t pool_size = 0;
  bool random_pool = true;
};

PoolRule parse_third_rule(const ConnSpec& spec, std::size_t n_post, std::size_t n_third) {
  if (spec.rule != "third_factor_bernoulli_with_pool")
    throw BadProperty("TripartiteConnect: unknown third-factor rule '" + spec.rule +
                      "'; the only one is 'third_factor_bernoulli_with_pool'");
  PoolRule r;
  r.pool_size = n_third;
  for (const auto& [key, value] : spec.params) {
    if (key == "rule") continue;
    if (key == "p") {
      r.p = coerce_number(value, "", "third_factor_bernoulli_with_pool 'p'");
    } else if (key == "pool_size") {
      const double v = coerce_number(value, "", "third_factor_bernoulli_with_pool 'pool_size'");
      if (std::floor(v) != v)
        throw BadProperty("third_factor_bernoulli_with_pool: pool_size must be an integer, got " + std::to_string(v));
      if (v < 1 || v > static_cast<double>(n_third))
        throw BadProperty("third_factor_bernoulli_with_pool: pool_size = " + std::to_string(static_cast<long>(v)) +
                          ": Pool size 1 <= pool_size <= size of third-factor population (" + std::to_string(n_third) +
                          ") required");
      r.pool_size = static_cast<std::size_t>(v);
    } else if (key == "pool_type") {
      const auto* s = std::get_if<std::string>(&value);
      if (!s || (*s != "random" && *s != "block"))
        throw BadProperty("third_factor_bernoulli_with_pool: pool_type must be 'random' or 'block'");
      r.random_pool = *s == "random";
    } else {
      throw UnknownParameter("'" + key + "' is not a parameter of connection rule 'third_factor_bernoulli_with_pool'." +
                             did_you_mean(key, {"p", "pool_size", "pool_type"}));
    }
  }
  if (n_third == 0) throw BadProperty("TripartiteConnect: the third-factor population is empty");
  if (!(r.p >= 0.0 && r.p <= 1.0))
    throw BadProperty("third_factor_bernoulli_with_pool: p = " + std::to_string(r.p) +
                      ": Conditional probability of third-factor connection 0 <= p <= 1 required");
  if (!r.random_pool && !(n_post * r.pool_size == n_third || (r.pool_size == 1 && n_post % n_third == 0)))
    throw BadProperty(
        "third_factor_bernoulli_with_pool: The sizes of target (" + std::to_string(n_post) + ") and third-factor (" +
        std::to_string(n_third) + ") populations and the chosen pool size (" + std::to_string(r.pool_size) +
        ") do not fit. If pool_size == 1, the target population size must be a multiple of the third-factor "
        "population size. For pool_size > 1, size(targets) * pool_size == size(third factor) is required. For all "
        "other cases, use random pools.");
  return r;
}

// Target-major staged pairs from per-target partner lists (ascending owners).
StagedCall target_major(const std::map<uint32_t, std::vector<uint32_t>>& by_target) {
  StagedCall c;
  c.target_major = true;
  c.offsets.push_back(0);
  for (const auto& [t, partners] : by_target) {
    if (partners.empty()) continue;
    c.owners.push_back(t);
    c.partners.insert(c.partners.end(), partners.begin(), partners.end());
    c.offsets.push_back(c.partners.size());
  }
  return c;
}

}  // namespace

void Simulator::tripartite_connect(const NodeCollection& pre, const NodeCollection& post, const NodeCollection& third,
                                   const ConnSpec& conn, const ConnSpec& third_conn,
                                   const std::vector<SynSpec>& primary, const std::vector<SynSpec>& third_in,
                                   const std::vector<SynSpec>& third_out) {
  for (const NodeCollection* nc : {&pre, &post, &third})
    if (!nc->empty()) pop_index(nc->ids().back());  // throws for unknown nodes
  for (const auto* specs : {&primary, &third_in, &third_out}) {
    if (specs->empty()) throw BadProperty("TripartiteConnect: every syn_specs entry needs a synapse specification");
    for (const SynSpec& s : *specs) synapse_id(s.synapse_model);
  }
  const PoolRule rule = parse_third_rule(third_conn, post.size(), third.size());

  const uint32_t first_id = connect_calls_ + 1;
  StagedCall pairs;
  rules::generate(conn.rule, conn.params, pre, post, seed_, first_id, threads_, pairs);

  // The primary sources of each target, ascending (the order of the draws below).
  std::map<uint32_t, std::vector<uint32_t>> sources_of;
  for (std::size_t o = 0; o < pairs.owners.size(); ++o) {
    const auto first = pairs.partners.begin() + static_cast<std::ptrdiff_t>(pairs.offsets[o]);
    const auto last = pairs.partners.begin() + static_cast<std::ptrdiff_t>(pairs.offsets[o + 1]);
    if (pairs.target_major) {
      auto& v = sources_of[pairs.owners[o]];  // one look-up per target, not per pair
      v.insert(v.end(), first, last);
    } else {
      for (auto it = first; it != last; ++it) sources_of[*it].push_back(pairs.owners[o]);
    }
  }
  std::map<uint32_t, std::size_t> index_in_post;
  if (!rule.random_pool)
    for (std::size_t k = 0; k < post.size(); ++k) index_in_post.emplace(post[k], k);

  const auto n_primary = static_cast<uint32_t>(primary.size());
  const uint32_t out_id = first_id + n_primary;
  std::map<uint32_t, std::vector<uint32_t>> out_pairs;  // target -> third nodes
  std::map<uint32_t, std::vector<uint32_t>> in_pairs;   // third node -> sources
  std::vector<uint32_t> pool(rule.pool_size);
  for (auto& [t, sources] : sources_of) {
    std::sort(sources.begin(), sources.end());
    RandomStream rng(seed_, Purpose::kAstrocyte, t, out_id);
    if (rule.random_pool) {
      // Selection sampling: pool_size distinct nodes of `third`, in their order there.
      std::size_t chosen = 0;
      for (std::size_t k = 0; k < third.size() && chosen < rule.pool_size; ++k)
        if (static_cast<double>(third.size() - k) * rng.uniform() < static_cast<double>(rule.pool_size - chosen))
          pool[chosen++] = third[k];
    } else {
      const std::size_t idx = index_in_post.at(t);
      const std::size_t first = rule.pool_size > 1 ? idx * rule.pool_size : idx / (post.size() / third.size());
      for (std::size_t k = 0; k < rule.pool_size; ++k) pool[k] = third[first + k];
    }
    for (const uint32_t s : sources) {
      if (!(rng.uniform() < rule.p)) continue;
      const uint32_t node = pool[rule.pool_size == 1 ? 0 : rng.uniform_int(rule.pool_size)];
      out_pairs[t].push_back(node);
      in_pairs[node].push_back(s);
    }
  }

  // Every call checked before any is stored.
  std::vector<StagedCall> calls;
  for (uint32_t k = 0; k < n_primary; ++k) {
    calls.push_back(pairs);
    finish_call(calls.back(), primary[k], first_id + k);
  }
  const StagedCall outs = target_major(out_pairs), ins = target_major(in_pairs);
  uint32_t id = out_id;
  for (const SynSpec& s : third_out) {
    calls.push_back(outs);
    finish_call(calls.back(), s, id++);
  }
  for (const SynSpec& s : third_in) {
    calls.push_back(ins);
    finish_call(calls.back(), s, id++);
  }
  connect_calls_ = id - 1;
  for (StagedCall& c : calls) commit(std::move(c));
}

}  // namespace nestkit
