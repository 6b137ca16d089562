#include "connect/rules.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "nestkit/coerce.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/rng.hpp"

namespace nestkit::rules {
namespace {

struct Options {
  bool autapses = true, multapses = true;
};

bool get_bool(const Dict& d, const std::string& k, bool def) {
  auto it = d.find(k);
  if (it == d.end()) return def;
  if (auto b = std::get_if<bool>(&it->second)) return *b;
  if (auto l = std::get_if<long>(&it->second)) return *l != 0;
  throw BadProperty("conn_spec '" + k + "' must be a boolean");
}

double get_number(const Dict& d, const std::string& rule, const std::string& k) {
  auto it = d.find(k);
  if (it == d.end()) throw BadProperty("rule '" + rule + "' requires '" + k + "'");
  return coerce_number(it->second, "", "conn_spec '" + k + "'");
}

long get_count(const Dict& d, const std::string& rule, const std::string& k) {
  const double v = get_number(d, rule, k);
  if (v < 0 || std::floor(v) != v) throw BadProperty("'" + k + "' must be a non-negative integer, got " + std::to_string(v));
  return static_cast<long>(v);
}

void check_keys(const Dict& d, const std::string& rule, std::vector<std::string> allowed) {
  for (const char* common : {"rule", "allow_autapses", "allow_multapses", "make_symmetric"}) allowed.push_back(common);
  for (auto& [k, v] : d)
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      throw UnknownParameter("'" + k + "' is not a parameter of connection rule '" + rule + "'." +
                             did_you_mean(k, allowed));
  if (get_bool(d, "make_symmetric", false))
    throw BadProperty("make_symmetric is not supported by rule '" + rule + "' in nestkit yet");
}

// Draws `count` items from `pool` for `self`, honouring the autapse/multapse options.
void draw_from(const NodeCollection& pool, long count, uint32_t self, bool self_in_pool, const Options& o,
               RandomStream& rng, std::vector<uint32_t>& out) {
  out.clear();
  std::unordered_set<uint32_t> chosen;
  while (static_cast<long>(out.size()) < count) {
    const uint32_t c = pool[rng.uniform_int(pool.size())];
    if (!o.autapses && self_in_pool && c == self) continue;
    if (!o.multapses && !chosen.insert(c).second) continue;
    out.push_back(c);
  }
}

}  // namespace

const std::vector<std::string>& known_rules() {
  static const std::vector<std::string> r = {"all_to_all",      "one_to_one",         "fixed_indegree",
                                             "fixed_outdegree", "fixed_total_number", "pairwise_bernoulli"};
  return r;
}

std::vector<Pair> generate(const std::string& rule, const Dict& params, const NodeCollection& pre,
                           const NodeCollection& post, uint32_t seed, uint32_t call) {
  Options o{get_bool(params, "allow_autapses", true), get_bool(params, "allow_multapses", true)};
  std::vector<Pair> pairs;
  if (rule == "all_to_all") {
    check_keys(params, rule, {});
    pairs.reserve(pre.size() * post.size());
    for (uint32_t t : post.ids())
      for (uint32_t s : pre.ids())
        if (o.autapses || s != t) pairs.push_back({s, t, t});
  } else if (rule == "one_to_one") {
    check_keys(params, rule, {});
    if (pre.size() != post.size())
      throw BadProperty("one_to_one: source and target populations must have the same size (" +
                        std::to_string(pre.size()) + " != " + std::to_string(post.size()) + ")");
    for (std::size_t k = 0; k < pre.size(); ++k)
      if (o.autapses || pre[k] != post[k]) pairs.push_back({pre[k], post[k], post[k]});
  } else if (rule == "fixed_indegree" || rule == "fixed_outdegree") {
    const bool in = rule == "fixed_indegree";
    const std::string key = in ? "indegree" : "outdegree";
    check_keys(params, rule, {key});
    const long degree = get_count(params, rule, key);
    const NodeCollection& pool = in ? pre : post;
    const NodeCollection& owners = in ? post : pre;
    if (degree > 0 && pool.empty()) throw BadProperty(rule + ": the population to draw from is empty");
    if (!o.multapses) {
      // The largest pool any owner can draw from without repeats.
      const bool overlap = !o.autapses && std::any_of(owners.ids().begin(), owners.ids().end(),
                                                      [&](uint32_t g) { return pool.contains(g); });
      const long available = static_cast<long>(pool.size()) - (overlap ? 1 : 0);
      if (degree > available)
        throw BadProperty(rule + ": " + key + " " + std::to_string(degree) + " exceeds the " +
                          std::to_string(available) + " available " + (in ? "sources" : "targets") +
                          " while multapses are not allowed");
    } else if (!o.autapses && pool.size() == 1 && owners.contains(pool[0]) && degree > 0) {
      throw BadProperty(rule + ": no valid partner without autapses");
    }
    pairs.reserve(owners.size() * degree);
    std::vector<uint32_t> drawn;
    for (uint32_t owner : owners.ids()) {
      RandomStream rng(seed, Purpose::kConnect, owner, call);
      draw_from(pool, degree, owner, pool.contains(owner), o, rng, drawn);
      for (uint32_t x : drawn) pairs.push_back(in ? Pair{x, owner, owner} : Pair{owner, x, owner});
    }
  } else if (rule == "fixed_total_number") {
    check_keys(params, rule, {"N"});
    const long n = get_count(params, rule, "N");
    if (!o.multapses) throw BadProperty("fixed_total_number: allow_multapses=False is not supported (as in NEST)");
    if (n > 0 && (pre.empty() || post.empty())) throw BadProperty("fixed_total_number: empty population");
    RandomStream rng(seed, Purpose::kTotalNumber, 0, call);
    while (static_cast<long>(pairs.size()) < n) {
      const uint32_t s = pre[rng.uniform_int(pre.size())], t = post[rng.uniform_int(post.size())];
      if (!o.autapses && s == t) {
        if (pre.size() == 1 && post.size() == 1) throw BadProperty("fixed_total_number: only autapses possible");
        continue;
      }
      pairs.push_back({s, t, static_cast<uint32_t>(pairs.size())});
    }
    std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.target < b.target; });
  } else if (rule == "pairwise_bernoulli") {
    check_keys(params, rule, {"p"});
    const double p = get_number(params, rule, "p");
    if (!(p >= 0.0 && p <= 1.0)) throw BadProperty("pairwise_bernoulli: p must be in [0, 1], got " + std::to_string(p));
    for (uint32_t t : post.ids()) {
      RandomStream rng(seed, Purpose::kConnect, t, call);
      for (uint32_t s : pre.ids()) {
        if (!o.autapses && s == t) continue;
        if (rng.uniform() < p) pairs.push_back({s, t, t});
      }
    }
  } else {
    throw BadProperty("unknown connection rule '" + rule + "'." + did_you_mean(rule, known_rules()));
  }
  return pairs;
}

}  // namespace nestkit::rules
