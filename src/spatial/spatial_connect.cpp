// Spatial connection rules (NEST's ConnectionCreator): pairwise_bernoulli
// (target- or source-centred), fixed_indegree and fixed_outdegree, with masks and
// spatial kernels. Candidates come from the position tree (position_tree.hpp), so a small mask costs its
// own candidate pairs, not the whole layer. Each owner (target, or source for
// fixed_outdegree) draws from its own stream, keyed by (seed, call, owner), so
// the connections do not depend on the thread count.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <new>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <utility>

#include "connect/param_program.hpp"
#include "connect/rules.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/spatial.hpp"
#include "spatial/position_tree.hpp"

namespace nestkit::spatial {

namespace {

// A pool of candidate nodes: the tree (with a mask) or the plain positions (without).
struct Pool {
  std::optional<PositionTree> tree;
  std::vector<Point> pos;
  std::vector<uint32_t> gid;
  Pool(const Layer& layer, uint32_t first, const NodeCollection& nodes, const Layer* geometry) {
    if (geometry) {
      // NEST's tree keeps this layer's lower left corner and takes the extent of
      // the geometry layer in its periodic dimensions.
      Point ext = layer.extent();
      if (geometry->periodic()) ext = geometry->extent();
      tree.emplace(layer, first, nodes, layer.lower_left(), ext, geometry->periodic());
    } else {
      for (std::size_t k = 0; k < nodes.size(); ++k) {
        pos.push_back(layer.position(nodes[k] - first));
        gid.push_back(nodes[k]);
      }
    }
  }
  std::size_t size() const { return gid.size(); }
  const Point& at(std::size_t k) const { return tree ? tree->pos(k) : pos[k]; }
  const Point* points() const { return tree ? tree->positions() : pos.data(); }
  const uint32_t* gids() const { return tree ? tree->gids() : gid.data(); }
  uint32_t gid_of(std::size_t k) const { return tree ? tree->gid(k) : gid[k]; }
};

void check_mask(const Mask& mask, const Layer& layer, bool allow_oversized) {
  if (mask.dim() != layer.dim())
    throw BadProperty("the " + std::to_string(mask.dim()) + "-D mask '" + mask.description() +
                      "' is incompatible with a " + std::to_string(layer.dim()) + "-D layer");
  if (allow_oversized || !layer.periodic()) return;
  const auto [lo, hi] = mask.bbox();
  for (int i = 0; i < layer.dim(); ++i)
    if (hi[i] - lo[i] > layer.extent()[i])
      throw BadProperty("Mask size must not exceed layer size; set allow_oversized_mask to override. (mask '" +
                        mask.description() + "' spans " + std::to_string(hi[i] - lo[i]) + " in dimension " +
                        std::to_string(i) + ", the layer " + std::to_string(layer.extent()[i]) + ")");
}

// What one thread made for its owners, in owner order: partners (and per-connection
// weights and delays where the syn_spec draws them), and where each owner's end.
struct Made {
  std::vector<uint32_t> partner;
  std::vector<double> weight, delay;
  std::vector<std::size_t> end;
  // Reserves room for `owners` owners at the rate of the first `sampled` (with a margin):
  // the buffers then rarely grow by copying. Room not written is never touched, so
  // generous room costs address space, not memory; room the system refuses (a sample far
  // denser than the rest) is simply not reserved.
  void reserve_like_sample(std::size_t sampled, std::size_t owners) {
    const std::size_t want = partner.size() * owners / sampled * 5 / 4 + 1024;
    try {
      for (auto* v : {&weight, &delay})
        if (!v->empty()) v->reserve(std::max(v->capacity(), want));
      partner.reserve(std::max(partner.capacity(), want));
    } catch (const std::bad_alloc&) {  // an optimisation only: the buffers grow as needed
    } catch (const std::length_error&) {
    }
  }
};
// Owners whose connections estimate a thread's total (Made::reserve_like_sample).
constexpr std::size_t kSampleOwners = 64;

// The owners [0, n) in pieces, taken by the threads in order as each becomes free: one
// large piece per thread first (4/5 of the owners), then small ones, so that a thread
// the machine slows does not hold the others up. The pieces' connections are joined in
// order, so the call does not depend on which thread made which piece.
std::vector<std::pair<std::size_t, std::size_t>> owner_pieces(std::size_t n, int threads) {
  if (threads <= 1) return {{0, n}};
  const std::size_t t = static_cast<std::size_t>(threads), first = n * 4 / 5;
  std::vector<std::pair<std::size_t, std::size_t>> pieces;
  for (std::size_t b = 0; b < t; ++b) pieces.emplace_back(first * b / t, first * (b + 1) / t);
  const std::size_t small = std::max<std::size_t>(16, (n - first) / (8 * t));
  for (std::size_t lo = first; lo < n; lo += small) pieces.emplace_back(lo, std::min(n, lo + small));
  return pieces;
}

// Chooses k of `cand` by weights `w` (all equal when empty), NEST's lottery
// with rejection of repeats (no multapses) and of the owner itself (no autapses).
template <typename Accept>
void lottery(const std::vector<double>& w, std::size_t n, long k, RandomStream& rng, bool multapses, Accept&& accept) {
  std::vector<double> cum;
  if (!w.empty()) {
    cum.resize(n);
    std::partial_sum(w.begin(), w.end(), cum.begin());
  }
  std::vector<bool> chosen(n, false);
  while (k > 0) {
    std::size_t r;
    if (cum.empty()) {
      r = rng.uniform_int(n);
    } else {
      const double u = rng.uniform() * cum.back();
      r = static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin());
      if (r >= n) r = n - 1;
      if (w[r] <= 0) continue;
    }
    if (!multapses && chosen[r]) continue;
    if (!accept(r)) continue;
    chosen[r] = true;
    --k;
  }
}

}  // namespace

std::vector<uint32_t> select_by_mask(const Layer& layer, uint32_t first, const NodeCollection& nodes, const Mask& mask,
                                     const Point& anchor) {
  if (mask.is_grid()) {
    const auto box = Mask::for_layer(std::make_shared<Mask>(mask), layer, false);
    return select_by_mask(layer, first, nodes, *box, anchor);
  }
  check_mask(mask, layer, false);
  PositionTree tree(layer, first, nodes, layer.lower_left(), layer.extent(), layer.periodic());
  std::vector<uint32_t> idx;
  masked_candidates(tree, mask, anchor, idx);
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  return idx;
}

void connect_layers(Simulator& sim, const Layer& src, uint32_t src_first, const NodeCollection& pre, const Layer& tgt,
                    uint32_t tgt_first, const NodeCollection& post, const ConnectRequest& req, SynSpec syn,
                    uint32_t call) {
  const std::string& rule = req.rule;
  const bool poisson = rule == "pairwise_poisson";
  if (rule != "pairwise_bernoulli" && rule != "fixed_indegree" && rule != "fixed_outdegree" && !poisson)
    throw BadProperty(
        "When using kernel or mask, the only possible connection rules are 'pairwise_bernoulli', "
        "'fixed_indegree', or 'fixed_outdegree'; got '" +
        rule + "'");
  if (src.dim() != tgt.dim())
    throw BadProperty("source and target layers must have the same number of dimensions (" + std::to_string(src.dim()) +
                      " != " + std::to_string(tgt.dim()) + ")");
  if (req.p) req.p->validate(poisson ? "pairwise_avg_num_conns" : "p");
  if (poisson && !req.p) throw BadProperty("pairwise_poisson requires 'pairwise_avg_num_conns'");
  if (poisson && !req.allow_multapses) throw BadProperty("Multapses must be allowed for this connection rule.");
  if (rule != "pairwise_bernoulli" && !poisson && req.number < 0)
    throw BadProperty(rule + ": '" + std::string(rule == "fixed_indegree" ? "indegree" : "outdegree") +
                      "' must be a non-negative integer");
  for (ParamSource* ps : {&syn.weight, &syn.delay})
    if (ps->kind == ParamSource::kRandom) ps->dist.validate(ps == &syn.weight ? "weight" : "delay");

  const bool outdegree = rule == "fixed_outdegree";
  const bool bernoulli = rule == "pairwise_bernoulli";  // (asked per owner below: no string compare there)
  // pairwise_poisson is target driven with the mask and kernel in the source layer,
  // like NEST's pairwise_bernoulli_on_source.
  const bool on_source = rule == "fixed_indegree" || poisson || (rule == "pairwise_bernoulli" && req.use_on_source);
  // Which layer's geometry (periodicity, extent) the mask and the kernel use.
  const Layer& geometry = on_source ? src : tgt;
  std::shared_ptr<const Mask> mask = req.mask;
  if (mask) {
    mask = Mask::for_layer(mask, geometry, req.allow_oversized);
    check_mask(*mask, geometry, req.allow_oversized);
    // Target-centred pairwise_bernoulli searches the sources with the mirrored mask.
    if (rule == "pairwise_bernoulli" && !req.use_on_source) mask = Mask::converse(mask);
  }
  const NodeCollection& owners = outdegree ? pre : post;
  const Layer& owner_layer = outdegree ? src : tgt;
  const uint32_t owner_first = outdegree ? src_first : tgt_first;
  // The tree takes the geometry layer's periodicity (NEST's MaskedLayer).
  const Pool pool = outdegree ? Pool(tgt, tgt_first, post, mask ? &geometry : nullptr)
                              : Pool(src, src_first, pre, mask ? &geometry : nullptr);
  const bool weight_each = syn.weight.kind == ParamSource::kRandom;
  const bool delay_each = syn.delay.kind == ParamSource::kRandom;
  const std::optional<ParamProgram> kernel = req.p ? std::optional<ParamProgram>(*req.p) : std::nullopt;
  const std::optional<ParamProgram> weight_expr =
      weight_each ? std::optional<ParamProgram>(syn.weight.dist) : std::nullopt;
  const std::optional<ParamProgram> delay_expr =
      delay_each ? std::optional<ParamProgram>(syn.delay.dist) : std::nullopt;
  const bool batch_kernel = kernel && kernel->pair_function();
  for (const auto* e : {&kernel, &weight_expr, &delay_expr})
    if (*e) (*e)->check_dims(src.dim());

  const std::size_t n = owners.size();
  const int threads = std::max(1, std::min<int>(sim.num_virtual_processes(), static_cast<int>(n / 64) + 1));
  const std::vector<std::pair<std::size_t, std::size_t>> pieces = owner_pieces(n, threads);
  std::vector<Made> made(pieces.size());
  std::atomic<std::size_t> next_piece{0};
  // Whether each candidate takes exactly one uniform (pairwise_bernoulli with a kernel
  // and syn_spec values that draw nothing): then the draws are made first and the
  // candidates kept without a branch per candidate, in the same order as one by one.
  const bool draws_first =
      batch_kernel && (!weight_expr || weight_expr->pair_function()) && (!delay_expr || delay_expr->pair_function());
  std::vector<std::exception_ptr> errors(threads);
#pragma omp parallel for num_threads(threads) schedule(static, 1)
  for (int b = 0; b < threads; ++b) {
    try {
      SpatialContext ctx;
      current_context() = &ctx;
      std::vector<uint32_t> cand;
      std::vector<double> w, kernel_values, other[3], draws, fresh;
      std::vector<uint32_t> kept;
      for (std::size_t piece; (piece = next_piece.fetch_add(1)) < pieces.size();) {
        Made& out = made[piece];
        const auto [lo, hi] = pieces[piece];
        out.end.reserve(hi - lo);
        for (std::size_t o = lo; o < hi; ++o) {
          // The first piece's buffers become the call's: room for all owners.
          if (o == lo + kSampleOwners) out.reserve_like_sample(kSampleOwners, piece == 0 ? n : hi - lo);
          struct EndOfOwner {  // records where this owner's partners end, however the body exits
            Made& m;
            ~EndOfOwner() { m.end.push_back(m.partner.size()); }
          } end_of_owner{out};
          const uint32_t owner = owners[o];
          const Point owner_pos = owner_layer.position(owner - owner_first);
          RandomStream rng(sim.seed(), Purpose::kConnect, owner, (uint64_t{1} << 63) | call);
          if (mask) {
            masked_candidates_in_tree_order(*pool.tree, *mask, owner_pos, cand);
          } else {
            cand.resize(pool.size());
            std::iota(cand.begin(), cand.end(), 0u);
          }
          auto set_pair = [&](uint32_t k, const Layer& layer) {
            ctx.source = outdegree ? owner_pos : pool.at(k);
            ctx.target = outdegree ? pool.at(k) : owner_pos;
            ctx.layer = &layer;
          };
          // The kernel for every candidate at once, where it is a function of the pair
          // only (it then draws nothing, so the stream is consumed as per pair).
          auto kernel_batch = [&](const Layer& layer) {
            ParamProgram::Pairs pairs;
            pairs.layer = &layer;
            pairs.owner = owner_pos;
            pairs.owner_is_source = outdegree;
            pairs.n = cand.size();
            const int dim = layer.dim();
            for (int a = 0; a < dim; ++a) {
              other[a].resize(cand.size());
              pairs.other[a] = other[a].data();
            }
            const Point* at = pool.points();
            const std::size_t c = cand.size();
            if (dim == 2) {
              for (std::size_t j = 0; j < c; ++j) {
                const Point& p = at[cand[j]];
                other[0][j] = p[0];
                other[1][j] = p[1];
              }
            } else {
              for (std::size_t j = 0; j < c; ++j)
                for (int a = 0; a < dim; ++a) other[a][j] = at[cand[j]][a];
            }
            kernel_values.resize(cand.size());
            kernel->eval_pairs(pairs, kernel_values.data());
          };
          // The kernel of candidate j (in `layer`'s geometry): from the batch, or evaluated now.
          auto kernel_at = [&](std::size_t j, const Layer& layer) {
            if (batch_kernel) return kernel_values[j];
            set_pair(cand[j], layer);
            return kernel->eval(ctx, rng);
          };
          auto emit = [&](uint32_t k, const Layer& layer) {
            set_pair(k, layer);
            out.partner.push_back(pool.gid_of(k));
            if (delay_expr) out.delay.push_back(delay_expr->eval(ctx, rng));
            if (weight_expr) out.weight.push_back(weight_expr->eval(ctx, rng));
          };
          if (bernoulli && draws_first) {
            kernel_batch(geometry);
            const std::size_t c = cand.size();
            draws.resize(c);
            if (req.allow_autapses) {
              rng.uniform_fill(draws.data(), c);
            } else {  // the owner itself takes no draw (NaN: never below p); the others take the next
              fresh.resize(c);
              rng.uniform_fill(fresh.data(), c);
              for (std::size_t j = 0, r = 0; j < c; ++j) {
                const bool self = pool.gid_of(cand[j]) == owner;
                draws[j] = self ? std::numeric_limits<double>::quiet_NaN() : fresh[r];
                r += !self;
              }
            }
            if (delay_expr || weight_expr) {
              kept.resize(c);
              std::size_t count = 0;
              for (std::size_t j = 0; j < c; ++j) {
                kept[count] = static_cast<uint32_t>(j);
                count += draws[j] < kernel_values[j];  // NaN (self) is never below
              }
              for (std::size_t a = 0; a < count; ++a) emit(cand[kept[a]], geometry);
            } else {
              // Every candidate's node written at the next free place, which advances only
              // for the kept ones: one pass, no branch per candidate.
              const std::size_t base = out.partner.size();
              out.partner.resize(base + c);
              uint32_t* dst = out.partner.data() + base;
              const uint32_t* gids = pool.gids();
              std::size_t count = 0;
              for (std::size_t j = 0; j < c; ++j) {
                dst[count] = gids[cand[j]];
                count += draws[j] < kernel_values[j];  // NaN (self) is never below
              }
              out.partner.resize(base + count);
            }
            continue;
          }
          if (bernoulli) {
            if (batch_kernel) kernel_batch(geometry);
            for (std::size_t j = 0; j < cand.size(); ++j) {
              const uint32_t k = cand[j];
              if (!req.allow_autapses && pool.gid_of(k) == owner) continue;
              if (kernel) {
                const double p = kernel_at(j, geometry);  // before the uniform: a kernel may draw too
                if (!(rng.uniform() < p)) continue;
              }
              emit(k, geometry);
            }
            continue;
          }
          if (poisson) {
            if (batch_kernel) kernel_batch(geometry);
            for (std::size_t j = 0; j < cand.size(); ++j) {
              const uint32_t k = cand[j];
              if (!req.allow_autapses && pool.gid_of(k) == owner) continue;
              const double mu = kernel_at(j, geometry);
              if (!(mu >= 0) || !std::isfinite(mu))
                throw BadProperty("Connection parameter 0 \u2264 pairwise_avg_num_conns required (the kernel gave " +
                                  std::to_string(mu) + ")");
              for (long c = rng.poisson(mu); c > 0; --c) emit(k, geometry);
            }
            continue;
          }
          // fixed_indegree / fixed_outdegree: `number` partners drawn by the kernel's weights.
          const std::string what = outdegree ? "sources" : "targets";
          const bool only_self = !req.allow_autapses && cand.size() == 1 && pool.gid_of(cand[0]) == owner;
          if (cand.empty() || only_self || (!req.allow_multapses && cand.size() < static_cast<std::size_t>(req.number)))
            throw KernelException(std::string(outdegree ? "Global source ID " : "Global target ID ") +
                                  std::to_string(owner) + ": Not enough " + (outdegree ? "targets" : "sources") +
                                  " found" + (mask ? " inside mask" : "") + " (" + std::to_string(cand.size()) +
                                  " for " + std::to_string(req.number) + ")");
          w.clear();
          if (kernel) {
            std::size_t positive = 0;
            // NEST evaluates the kernel in the source layer for both rules.
            if (batch_kernel) kernel_batch(src);
            for (std::size_t j = 0; j < cand.size(); ++j) {
              const uint32_t k = cand[j];
              const double v = kernel_at(j, src);
              if (!(v >= 0) || !std::isfinite(v))
                throw BadProperty("the connection probability kernel gave " + std::to_string(v) +
                                  "; it must be finite and >= 0");
              w.push_back(v);
              if (v > 0 && (req.allow_autapses || pool.gid_of(k) != owner)) ++positive;
            }
            if (positive == 0 && req.number > 0)
              throw KernelException("Global " + std::string(outdegree ? "source" : "target") + " ID " +
                                    std::to_string(owner) + ": the kernel is zero for every candidate");
            if (!req.allow_multapses && positive < static_cast<std::size_t>(req.number))
              throw KernelException("Global " + std::string(outdegree ? "source" : "target") + " ID " +
                                    std::to_string(owner) + ": Not enough " + (outdegree ? "targets" : "sources") +
                                    " with a positive probability (" + std::to_string(positive) + " for " +
                                    std::to_string(req.number) + ")");
          }
          lottery(w, cand.size(), req.number, rng, req.allow_multapses, [&](std::size_t r) {
            const uint32_t k = cand[r];
            if (!req.allow_autapses && pool.gid_of(k) == owner) return false;
            emit(k, outdegree ? tgt : src);
            return true;
          });
        }
      }
      current_context() = nullptr;
    } catch (...) {
      current_context() = nullptr;
      errors[b] = std::current_exception();
    }
  }
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);

  // The connections go through Simulator::connect as a pregenerated rule, so they
  // are checked (delays, node kinds, receptor ports) and stored like any rule's.
  StagedCall staged;
  staged.target_major = !outdegree;
  staged.owners = owners.ids();
  staged.offsets.assign(n + 1, 0);
  std::size_t total = 0;
  for (std::size_t b = 0, o = 0; b < made.size(); ++b) {
    for (std::size_t e : made[b].end) staged.offsets[++o] = total + e;
    total += made[b].partner.size();
  }
  std::vector<double> weights, delays;
  // The first piece's buffers become the call's (its room, reserved for the whole call
  // from its sample, usually holds the others' connections too); the other pieces are
  // appended in order.
  staged.partners = std::move(made[0].partner);
  weights = std::move(made[0].weight);
  delays = std::move(made[0].delay);
  // Appended, not resized and copied: a resize would first write zeros over the room.
  for (std::size_t b = 1; b < made.size(); ++b) {
    Made& m = made[b];
    staged.partners.insert(staged.partners.end(), m.partner.begin(), m.partner.end());
    weights.insert(weights.end(), m.weight.begin(), m.weight.end());
    delays.insert(delays.end(), m.delay.begin(), m.delay.end());
    m = Made();  // free as we go: peak memory
  }
  if (weight_each) syn.weight = ParamSource::of(std::move(weights));
  if (delay_each) syn.delay = ParamSource::of(std::move(delays));
  rules::pregenerated() = &staged;
  try {
    sim.connect(pre, post, ConnSpec{rules::kPregenerated, {}}, syn);
  } catch (...) {
    rules::pregenerated() = nullptr;
    throw;
  }
  rules::pregenerated() = nullptr;
}

}  // namespace nestkit::spatial
