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
  if (v < 0 || std::floor(v) != v)
    throw BadProperty("'" + k + "' must be a non-negative integer, got " + std::to_string(v));
  return static_cast<long>(v);
}

void check_keys(const Dict& d, const std::string& rule, std::vector<std::string> allowed, bool symmetric_ok = false) {
  for (const char* common : {"rule", "allow_autapses", "allow_multapses", "make_symmetric"}) allowed.push_back(common);
  for (auto& [k, v] : d)
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      throw UnknownParameter("'" + k + "' is not a parameter of connection rule '" + rule + "'." +
                             did_you_mean(k, allowed));
  if (!symmetric_ok && get_bool(d, "make_symmetric", false))
    throw BadProperty("make_symmetric is not supported by rule '" + rule + "' in nestkit yet");
}

}  // namespace

const std::vector<std::string>& known_rules() {
  static const std::vector<std::string> r = {
      "all_to_all",         "one_to_one",         "fixed_indegree",   "fixed_outdegree",
      "fixed_total_number", "pairwise_bernoulli", "pairwise_poisson", "symmetric_pairwise_bernoulli"};
  return r;
}

namespace {
// Runs `fill(owner_index, rng, partners)` for every owner, in parallel blocks;
// blocks are concatenated in owner order, so the result is thread-independent.
// As per_owner, for rules that make exactly `degree` synapses per owner: threads
// write straight into their own range of the result (no intermediate copies,
// which matters for peak memory on large networks).
template <typename Fill>
void per_owner_fixed(const NodeCollection& owners, long degree, uint32_t seed, uint32_t call, int threads,
                     StagedCall& out, const std::vector<uint8_t>* local, Fill fill) {
  const std::size_t n = owners.size();
  out.owners = owners.ids();
  out.offsets.resize(n + 1);
  out.offsets[0] = 0;
  for (std::size_t o = 0; o < n; ++o)
    out.offsets[o + 1] = out.offsets[o] + (!local || (*local)[owners[o]] ? static_cast<uint64_t>(degree) : 0);
  out.partners.resize(out.offsets[n]);
  const int nt = std::max(1, std::min<int>(threads, static_cast<int>(n / 64) + 1));
#pragma omp parallel for num_threads(nt) schedule(static, 1)
  for (int b = 0; b < nt; ++b) {
    std::vector<uint32_t> one;
    for (std::size_t o = n * b / nt; o < n * (b + 1) / nt; ++o) {
      if (out.offsets[o + 1] == out.offsets[o]) continue;  // another process's target
      one.clear();
      RandomStream rng(seed, Purpose::kConnect, owners[o], call);
      fill(o, rng, one);
      std::copy(one.begin(), one.end(), out.partners.begin() + out.offsets[o]);
    }
  }
}

// `skip_owner(o)`: the owner's draws are skipped (it makes no synapses here). With
// `slots`, fill also notes each synapse's index among its owner's (filtered rules).
template <typename Fill, typename Skip>
void per_owner(const NodeCollection& owners, uint32_t seed, uint32_t call, int threads, StagedCall& out, Fill fill,
               Skip skip_owner, bool slots = false) {
  const std::size_t n = owners.size();
  out.owners = owners.ids();
  out.offsets.assign(n + 1, 0);
  const int nt = std::max(1, std::min<int>(threads, static_cast<int>(n / 64) + 1));
  std::vector<std::vector<uint32_t>> block(nt), slot(slots ? nt : 0);
  std::vector<std::vector<uint64_t>> counts(nt);
#pragma omp parallel for num_threads(nt) schedule(static, 1)
  for (int b = 0; b < nt; ++b) {
    const std::size_t lo = n * b / nt, hi = n * (b + 1) / nt;
    counts[b].reserve(hi - lo);
    for (std::size_t o = lo; o < hi; ++o) {
      const std::size_t before = block[b].size();
      if (!skip_owner(o)) {
        RandomStream rng(seed, Purpose::kConnect, owners[o], call);
        fill(o, rng, block[b], slots ? &slot[b] : nullptr);
      }
      counts[b].push_back(block[b].size() - before);
    }
  }
  if (slots) {
    out.slots.clear();
    for (auto& v : slot) {
      out.slots.insert(out.slots.end(), v.begin(), v.end());
      std::vector<uint32_t>().swap(v);
    }
  }
  std::size_t total = 0;
  for (auto& v : block) total += v.size();
  out.partners.clear();
  out.partners.reserve(total);
  std::size_t o = 0;
  for (int b = 0; b < nt; ++b) {
    for (uint64_t c : counts[b]) {
      out.offsets[o + 1] = out.offsets[o] + c;
      ++o;
    }
    out.partners.insert(out.partners.end(), block[b].begin(), block[b].end());
    std::vector<uint32_t>().swap(block[b]);
  }
}

// fixed_total_number, made source-major: the sources form fixed blocks of kTotalBlock; a
// multinomial draw from the call's stream splits the N synapses over the blocks in
// proportion to their sizes, then every block draws its synapses, uniform (source,
// target) pairs, from a stream of its own, in parallel. A source's targets are sorted,
// which fixes the index that keys its synapses' random values. Neither blocks nor draws
// depend on the number of threads. Source-major output goes into the store's rows
// without the random scatter of a transposition (which cost a cache and TLB miss per
// synapse on 10^8 synapses). With `filtered`, only local targets are kept, each with
// its index among its source's synapses (StagedCall::slots).
template <typename Local>
void total_number(const NodeCollection& pre, const NodeCollection& post, long n, bool autapses, uint32_t seed,
                  uint32_t call, int threads, StagedCall& out, Local is_local, bool filtered) {
  constexpr std::size_t kTotalBlock = 4096;
  const std::size_t n_pre = pre.size(), nblocks = (n_pre + kTotalBlock - 1) / kTotalBlock;
  std::vector<long> per_block(nblocks, 0);
  {
    RandomStream rng(seed, Purpose::kTotalNumber, 0, call);
    long left = n;
    std::size_t size_left = n_pre;
    for (std::size_t b = 0; b < nblocks && left > 0; ++b) {
      const std::size_t size = std::min(kTotalBlock, n_pre - b * kTotalBlock);
      per_block[b] = b + 1 == nblocks ? left : rng.binomial(left, static_cast<double>(size) / size_left);
      left -= per_block[b];
      size_left -= size;
    }
  }
  // Per block: its sources' kept synapse counts, their targets and (filtered) slots.
  std::vector<std::vector<uint32_t>> counts(nblocks), targets(nblocks), slots(filtered ? nblocks : 0);
  const int nt = std::max(1, std::min<int>(threads, static_cast<int>(nblocks)));
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
  for (std::size_t b = 0; b < nblocks; ++b) {
    const std::size_t first = b * kTotalBlock, size = std::min(kTotalBlock, n_pre - first);
    RandomStream rng(seed, Purpose::kTotalNumber, static_cast<uint32_t>(b + 1), call);
    std::vector<uint32_t> src, tgt;  // src: index within the block
    src.reserve(per_block[b]);
    tgt.reserve(per_block[b]);
    for (long made = 0; made < per_block[b];) {
      const uint32_t s = static_cast<uint32_t>(rng.uniform_int(size));
      const uint32_t t = post[rng.uniform_int(post.size())];
      if (!autapses && pre[first + s] == t) continue;
      ++made;
      src.push_back(s);
      tgt.push_back(t);
    }
    std::vector<uint64_t> start(size + 1, 0);
    for (uint32_t s : src) ++start[s + 1];
    for (std::size_t k = 0; k < size; ++k) start[k + 1] += start[k];
    std::vector<uint32_t> grouped(tgt.size());
    {
      std::vector<uint64_t> fill(start.begin(), start.end() - 1);
      for (std::size_t k = 0; k < src.size(); ++k) grouped[fill[src[k]]++] = tgt[k];
    }
    std::vector<uint32_t>().swap(src);
    std::vector<uint32_t>().swap(tgt);
    std::vector<uint32_t>& cnt = counts[b];
    cnt.assign(size, 0);
    std::vector<uint32_t>& kept = targets[b];
    kept.reserve(grouped.size());
    for (std::size_t s = 0; s < size; ++s) {
      std::sort(grouped.begin() + start[s], grouped.begin() + start[s + 1]);
      for (uint64_t k = start[s]; k < start[s + 1]; ++k) {
        if (filtered && !is_local(grouped[k])) continue;
        kept.push_back(grouped[k]);
        if (filtered) slots[b].push_back(static_cast<uint32_t>(k - start[s]));
        ++cnt[s];
      }
    }
  }
  std::size_t total = 0;
  for (auto& v : targets) total += v.size();
  out.target_major = false;
  out.owners.clear();
  out.offsets.assign(1, 0);
  out.partners.clear();
  out.partners.reserve(total);
  out.slots.clear();
  for (std::size_t b = 0; b < nblocks; ++b) {
    for (std::size_t s = 0; s < counts[b].size(); ++s)
      if (counts[b][s] > 0) {
        out.owners.push_back(pre[b * kTotalBlock + s]);
        out.offsets.push_back(out.offsets.back() + counts[b][s]);
      }
    out.partners.insert(out.partners.end(), targets[b].begin(), targets[b].end());
    std::vector<uint32_t>().swap(targets[b]);
    if (filtered) {
      out.slots.insert(out.slots.end(), slots[b].begin(), slots[b].end());
      std::vector<uint32_t>().swap(slots[b]);
    }
  }
}
}  // namespace

StagedCall*& pregenerated() {
  thread_local StagedCall* staged = nullptr;
  return staged;
}

void generate(const std::string& rule, const Dict& params, const NodeCollection& pre, const NodeCollection& post,
              uint32_t seed, uint32_t call, int threads, StagedCall& out, const std::vector<uint8_t>* local) {
  if (rule == kPregenerated && pregenerated()) {
    out = std::move(*pregenerated());
    return;
  }
  Options o{get_bool(params, "allow_autapses", true), get_bool(params, "allow_multapses", true)};
  out.target_major = true;
  auto is_local = [local](uint32_t t) { return !local || (*local)[t] != 0; };
  // Rules that draw per target: another process's target makes nothing here.
  auto remote_target = [&](std::size_t k) { return !is_local(post[k]); };
  if (rule == "all_to_all") {
    check_keys(params, rule, {});
    per_owner(
        post, seed, call, threads, out,
        [&](std::size_t k, RandomStream&, std::vector<uint32_t>& dst, std::vector<uint32_t>*) {
          const uint32_t t = post[k];
          for (uint32_t s : pre.ids())
            if (o.autapses || s != t) dst.push_back(s);
        },
        remote_target);
  } else if (rule == "one_to_one") {
    check_keys(params, rule, {});
    if (pre.size() != post.size())
      throw BadProperty("one_to_one: source and target populations must have the same size (" +
                        std::to_string(pre.size()) + " != " + std::to_string(post.size()) + ")");
    out.owners = post.ids();
    out.offsets.assign(post.size() + 1, 0);
    for (std::size_t k = 0; k < pre.size(); ++k) {
      if ((o.autapses || pre[k] != post[k]) && is_local(post[k])) out.partners.push_back(pre[k]);
      out.offsets[k + 1] = out.partners.size();
    }
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
    out.target_major = in;
    // One owner's draws; `keep` says which partners stay (fixed_outdegree: local targets).
    auto draw = [&](std::size_t k, RandomStream& rng, std::vector<uint32_t>& dst, std::vector<uint32_t>* slots) {
      const uint32_t owner = owners[k];
      const bool self_in_pool = !o.autapses && pool.contains(owner);
      std::unordered_set<uint32_t> chosen;
      long made = 0;
      while (made < degree) {
        const uint32_t c = pool[rng.uniform_int(pool.size())];
        if (self_in_pool && c == owner) continue;
        if (!o.multapses && !chosen.insert(c).second) continue;
        if (!slots || is_local(c)) {
          dst.push_back(c);
          if (slots) slots->push_back(static_cast<uint32_t>(made));
        }
        ++made;
      }
    };
    if (in || !local)
      per_owner_fixed(
          owners, degree, seed, call, threads, out, in ? local : nullptr,
          [&](std::size_t k, RandomStream& rng, std::vector<uint32_t>& dst) { draw(k, rng, dst, nullptr); });
    else
      per_owner(owners, seed, call, threads, out, draw, [](std::size_t) { return false; }, true);
  } else if (rule == "fixed_total_number") {
    check_keys(params, rule, {"N"});
    const long n = get_count(params, rule, "N");
    if (!o.multapses) throw BadProperty("fixed_total_number: allow_multapses=False is not supported (as in NEST)");
    if (n > 0 && (pre.empty() || post.empty())) throw BadProperty("fixed_total_number: empty population");
    if (n > 0 && !o.autapses && pre.size() == 1 && post.size() == 1 && pre[0] == post[0])
      throw BadProperty("fixed_total_number: only autapses possible");
    total_number(pre, post, n, o.autapses, seed, call, threads, out, is_local, local != nullptr);
  } else if (rule == "pairwise_bernoulli") {
    check_keys(params, rule, {"p"});
    const double p = get_number(params, rule, "p");
    if (!(p >= 0.0 && p <= 1.0)) throw BadProperty("pairwise_bernoulli: p must be in [0, 1], got " + std::to_string(p));
    per_owner(
        post, seed, call, threads, out,
        [&](std::size_t k, RandomStream& rng, std::vector<uint32_t>& dst, std::vector<uint32_t>*) {
          const uint32_t t = post[k];
          for (uint32_t s : pre.ids()) {
            if (!o.autapses && s == t) continue;
            if (rng.uniform() < p) dst.push_back(s);
          }
        },
        remote_target);
  } else if (rule == "pairwise_poisson") {
    // NEST's PoissonBuilder: for every (source, target) pair a Poisson-distributed
    // number of synapses with mean pairwise_avg_num_conns.
    check_keys(params, rule, {"pairwise_avg_num_conns"});
    const double mu = get_number(params, rule, "pairwise_avg_num_conns");
    if (!(mu >= 0.0)) throw BadProperty("Connection parameter 0 \u2264 pairwise_avg_num_conns required.");
    if (!o.multapses) throw BadProperty("Multapses must be allowed for this connection rule.");
    per_owner(
        post, seed, call, threads, out,
        [&](std::size_t k, RandomStream& rng, std::vector<uint32_t>& dst, std::vector<uint32_t>*) {
          const uint32_t t = post[k];
          for (uint32_t s : pre.ids()) {
            if (!o.autapses && s == t) continue;
            for (long n = rng.poisson(mu); n > 0; --n) dst.push_back(s);
          }
        },
        remote_target);
  } else if (rule == "symmetric_pairwise_bernoulli") {
    // NEST's SymmetricBernoulliBuilder: every target draws an in-degree from
    // Binomial(|sources|, p), redrawn while it reaches |sources|, then that many
    // distinct sources other than itself; each drawn pair (s, t) makes s -> t and
    // t -> s. Each target draws from its own stream, so threads do not matter.
    check_keys(params, rule, {"p"}, true);
    const double p = get_number(params, rule, "p");
    if (!(p >= 0.0 && p < 1.0)) throw BadProperty("Connection probability 0 <= p < 1 required.");
    if (!o.multapses) throw BadProperty("Multapses must be enabled.");
    if (o.autapses) throw BadProperty("Autapses must be disabled.");
    if (!get_bool(params, "make_symmetric", false)) throw BadProperty("Symmetric connections must be enabled.");
    StagedCall drawn;
    const std::size_t ns = pre.size();
    if (ns > 0)
      per_owner(
          post, seed, call, threads, drawn,
          [&](std::size_t k, RandomStream& rng, std::vector<uint32_t>& dst, std::vector<uint32_t>*) {
            const uint32_t t = post[k];
            long indegree = static_cast<long>(ns);
            while (indegree >= static_cast<long>(ns)) indegree = rng.binomial(static_cast<long>(ns), p);
            const std::size_t first = dst.size();
            std::unordered_set<uint32_t> seen;
            for (long i = 0; i < indegree;) {
              const uint32_t s = pre[rng.uniform_int(ns)];
              if (s == t || !seen.insert(s).second) continue;
              dst.push_back(s);
              ++i;
            }
            std::sort(dst.begin() + first, dst.end());
          },
          [](std::size_t) { return false; });
    else
      drawn.offsets = {0};
    // Both directions, grouped by target (stable: a target's own draws first).
    std::vector<std::pair<uint32_t, uint32_t>> pairs;  // (target, source)
    pairs.reserve(2 * drawn.partners.size());
    for (std::size_t k = 0; k < drawn.owners.size(); ++k)
      for (uint64_t e = drawn.offsets[k]; e < drawn.offsets[k + 1]; ++e) {
        if (is_local(drawn.owners[k])) pairs.emplace_back(drawn.owners[k], drawn.partners[e]);
        if (is_local(drawn.partners[e])) pairs.emplace_back(drawn.partners[e], drawn.owners[k]);
      }
    StagedCall().partners.swap(drawn.partners);
    std::stable_sort(pairs.begin(), pairs.end(), [](auto& a, auto& b) { return a.first < b.first; });
    out.owners.clear();
    out.offsets.clear();
    out.partners.clear();
    out.partners.reserve(pairs.size());
    for (std::size_t k = 0; k < pairs.size(); ++k) {
      if (out.owners.empty() || out.owners.back() != pairs[k].first) {
        out.offsets.push_back(k);
        out.owners.push_back(pairs[k].first);
      }
      out.partners.push_back(pairs[k].second);
    }
    out.offsets.push_back(out.partners.size());
  } else {
    throw BadProperty("unknown connection rule '" + rule + "'." + did_you_mean(rule, known_rules()));
  }
}

}  // namespace nestkit::rules
