#pragma once
// What the precise-timing (_ps) neurons share: a per-node queue of input spikes
// that keeps each spike's offset inside its step (NEST's SliceRingBuffer), the
// Illinois variant of regula falsi that locates a threshold crossing inside a
// step, and the bookkeeping of a neuron whose refractoriness ends off the grid.
//
// Time inside a step is measured as NEST does, by the offset before the step's
// end: h at the start of the step, 0 at its end. A spike delivered with stamp s
// and delay d is processed in the update of step s + d - 1 at its offset.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "models/neurons/iaf/iaf_common.hpp"
#include "nestkit/errors.hpp"

namespace nestkit::precise {

// One input inside a step: a spike (weight, already multiplied by its
// multiplicity) or the end of refractoriness (a pseudo-event, as in NEST).
struct TimedInput {
  double offset;
  double weight;
  bool end_of_refractoriness;
};

// Earliest first: the larger offset lies earlier in the step. At equal offsets
// the end of refractoriness comes before spikes (NEST's rule), and spikes are
// ordered by weight so that sums do not depend on the order of delivery (which
// depends on the thread count).
inline bool earlier(const TimedInput& a, const TimedInput& b) {
  if (a.offset != b.offset) return a.offset > b.offset;
  if (a.end_of_refractoriness != b.end_of_refractoriness) return a.end_of_refractoriness;
  return a.weight < b.weight;
}

// Pending inputs of every node, bucketed by the absolute step in which they act
// (step modulo the ring size, like the kernel's input rings). The buckets are
// slot-major: one step's buckets lie in node order, so the update reads them as one
// stream, and a bucket holds its count and its first kCap inputs itself, so a delivery
// touches one or two cache lines. Further inputs of a node go to the node's overflow
// list, tagged with their bucket. Only the thread that delivers to a node (its owner)
// writes the node's buckets and list, so no two threads share one.
template <uint32_t kCap>
class BucketRing {
 public:
  BucketRing() = default;
  BucketRing(std::size_t n, long ring)
      : buckets_(n * static_cast<std::size_t>(ring)), overflow_(n), n_(n), ring_(ring) {}

  std::size_t slot_index(long step) const { return static_cast<std::size_t>(((step % ring_) + ring_) % ring_); }
  void add(std::size_t i, long step, double offset, double weight) { put(i, slot(i, step), offset, weight); }
  // An input `delay` steps after the step whose slot index is `base` (slot_index()).
  void add_at(std::size_t i, std::size_t base, long delay, double offset, double weight) {
    put(i, bucket_of(i, base, delay), offset, weight);
  }
  void prefetch(std::size_t i, std::size_t base, long delay) const {
    __builtin_prefetch(&buckets_[bucket_of(i, base, delay)], 1);
  }
  // Appends node i's inputs for `step` to `out` and forgets them.
  void take(std::size_t i, long step, std::vector<TimedInput>& out) { take_bucket(i, slot(i, step), out); }
  // Moves the pending inputs of the nodes both rings have into `to` (the same ring size).
  template <typename To>
  void move_pending_to(To& to) {
    std::vector<TimedInput> pending;
    for (long s = 0; s < ring_; ++s)
      for (std::size_t i = 0; i < std::min(n_, to.nodes()); ++i) {
        pending.clear();
        take_bucket(i, static_cast<std::size_t>(s) * n_ + i, pending);
        for (const TimedInput& in : pending) to.add(i, s, in.offset, in.weight);
      }
  }
  std::size_t nodes() const { return n_; }
  static constexpr std::size_t bucket_bytes() { return sizeof(Bucket); }

 private:
  struct Input {
    double offset, weight;
  };
  struct alignas(kCap >= 3 ? 64 : 8) Bucket {
    uint32_t count = 0;
    Input in[kCap];
  };
  // An input beyond its bucket's capacity.
  struct Spill {
    std::size_t bucket;
    double offset, weight;
  };
  void put(std::size_t i, std::size_t k, double offset, double weight) {
    Bucket& b = buckets_[k];
    if (b.count < kCap)
      b.in[b.count] = {offset, weight};
    else
      overflow_[i].push_back({k, offset, weight});
    ++b.count;
  }
  void take_bucket(std::size_t i, std::size_t k, std::vector<TimedInput>& out) {
    Bucket& b = buckets_[k];
    if (b.count == 0) return;
    const uint32_t here = std::min(b.count, kCap);
    for (uint32_t j = 0; j < here; ++j) out.push_back({b.in[j].offset, b.in[j].weight, false});
    if (b.count > kCap) {
      std::vector<Spill>& list = overflow_[i];
      std::size_t kept = 0;
      for (const Spill& sp : list) {
        if (sp.bucket == k)
          out.push_back({sp.offset, sp.weight, false});
        else
          list[kept++] = sp;
      }
      list.resize(kept);
    }
    b.count = 0;
  }
  // Delays are below the ring size (the ring spans min_delay + max_delay steps).
  std::size_t bucket_of(std::size_t i, std::size_t base, long delay) const {
    std::size_t s = base + static_cast<std::size_t>(delay);
    if (s >= static_cast<std::size_t>(ring_)) s -= static_cast<std::size_t>(ring_);
    return s * n_ + i;
  }
  std::size_t slot(std::size_t i, long step) const { return static_cast<std::size_t>(step % ring_) * n_ + i; }

  std::vector<Bucket> buckets_;
  std::vector<std::vector<Spill>> overflow_;  // per node
  std::size_t n_ = 0;
  long ring_ = 1;
};

// The buckets' capacity follows the memory: eleven inputs (192 bytes; a Brunel
// network's neuron receives about five per step) while the buckets of all nodes and
// slots fit in the budget, else three (64 bytes) or one (24 bytes, no more than a
// vector's header per bucket), so long delays (a large ring) do not multiply the
// memory. The capacity is a compile-time constant of each ring; with_ring() hands the
// ring in use to a generic lambda, so a batch's loop runs on one kind of bucket.
class EventQueue {
 public:
  static constexpr std::size_t kBudgetBytes = std::size_t{256} << 20;

  void resize(std::size_t n, long ring, std::size_t budget_bytes = kBudgetBytes) {
    if (n == n_ && ring == ring_) return;
    const std::size_t buckets = n * static_cast<std::size_t>(ring);
    Rings next;
    if (buckets * BucketRing<11>::bucket_bytes() <= budget_bytes)
      next.emplace<BucketRing<11>>(n, ring);
    else if (buckets * BucketRing<3>::bucket_bytes() <= budget_bytes)
      next.emplace<BucketRing<3>>(n, ring);
    else
      next.emplace<BucketRing<1>>(n, ring);
    // Keep pending input of the nodes that stay (a later run with the same ring).
    if (ring == ring_)
      std::visit([&](auto& from) { std::visit([&](auto& to) { from.move_pending_to(to); }, next); }, rings_);
    rings_ = std::move(next);
    n_ = n;
    ring_ = ring;
  }
  std::size_t capacity() const {
    return std::visit([](const auto& r) { return capacity_of(r); }, rings_);
  }
  template <typename F>
  decltype(auto) with_ring(F&& f) {
    return std::visit(std::forward<F>(f), rings_);
  }
  void add(std::size_t i, long step, double offset, double weight) {
    with_ring([&](auto& r) { r.add(i, step, offset, weight); });
  }
  void take(std::size_t i, long step, std::vector<TimedInput>& out) {
    with_ring([&](auto& r) { r.take(i, step, out); });
  }

 private:
  using Rings = std::variant<BucketRing<11>, BucketRing<3>, BucketRing<1>>;
  template <uint32_t kCap>
  static std::size_t capacity_of(const BucketRing<kCap>&) {
    return kCap;
  }
  Rings rings_;
  std::size_t n_ = 0;
  long ring_ = 0;
};

// The inputs of a block of nodes for one step, gathered before any of them is
// propagated, so that the models can compute the exponentials of every interval of
// the block at once (exp_array, nest_expm1_array: four lanes, the scalar bits).
// Node k of the block has the inputs [first_input[k], first_input[k+1]) of
// `inputs`, earliest first, and the intervals [first_interval[k],
// first_interval[k+1]) of `dt`: one ending at each input (from the previous
// input's offset, h at the step's start), then the remainder to the step's end
// when the last input lies before it. A node without input has no interval: it
// takes the whole-step propagators.
struct StepBatch {
  std::vector<TimedInput> inputs;
  std::vector<std::uint32_t> first_input, first_interval;
  std::vector<double> dt;

  void clear() {
    inputs.clear();
    dt.clear();
    first_input.assign(1, 0);
    first_interval.assign(1, 0);
  }
};

// The columns of a precise neuron's refractoriness: whether it is refractory, the last
// spike's step and offset, and the period in whole steps.
struct RefractoryColumns {
  int refractory, last_step, last_offset, refractory_steps;
};

// The calling thread's instance of a model's block buffers. Not inlined: the caller then
// holds a plain reference (inlined, the compiler looks the thread-local up again at every
// access, which cost 4 % of a precise Brunel network).
template <typename Block>
[[gnu::noinline]] Block& thread_block() {
  thread_local Block b;
  return b;
}

// Nodes per block: the block's inputs, intervals and exponentials stay in the cache.
inline constexpr std::size_t kBlockNodes = 128;

// Illinois regula falsi on [0, dt] for the root of f, which must change sign
// there; NaN when it does not or when the iteration fails (NEST's criteria:
// |f| < 1e-14, at most 500 iterations).
template <typename F>
double regula_falsi(const F& f, double dt) {
  double a = 0.0, b = dt;
  double fa = f(a), fb = f(b);
  if (fa * fb > 0.0) return std::numeric_limits<double>::quiet_NaN();
  int last_side = 0;
  for (int iter = 0; iter < 500; ++iter) {
    if (fb == fa) break;
    const double root = (a * fb - b * fa) / (fb - fa);
    const double fr = f(root);
    if (std::abs(fr) < 1e-14) return root;
    if (fa * fr > 0.0) {
      a = root;
      fa = fr;
      if (last_side == 1) fb /= 2.0;  // pull the next root towards b
      last_side = 1;
    } else if (fb * fr > 0.0) {
      b = root;
      fb = fr;
      if (last_side == -1) fa /= 2.0;
      last_side = -1;
    } else {
      break;
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// An offset must lie inside its step, [0, h]: a sender that ships another payload
// in the offset (iaf_tum_2000's released fraction) cannot drive a precise neuron.
inline bool offset_in_step(double offset, double h) { return offset >= 0.0 && offset <= h; }
inline std::string bad_offset(const std::string& model, const SpikeBatch& b) {
  return "BadProperty in " + model + ": a spike from node " + std::to_string(b.source) + " carries the offset " +
         std::to_string(b.offset) + " ms, outside its step [0, resolution]";
}

// The base of the _ps neurons: V relative to E_L (column kV), input spikes kept
// with their offsets, currents in a per-step ring (channel 0).
template <int kV, int kEL>
class PreciseNeuron : public iaf::RelativeVmPopulation<kV, kEL> {
 public:
  using iaf::RelativeVmPopulation<kV, kEL>::RelativeVmPopulation;

  void deliver_spikes(const SpikeBatch& b) override {
    if (!offset_in_step(b.offset, h_)) return this->report_error(bad_offset(this->model_name(), b));
    events_.with_ring([&](auto& ring) {
      // Each target's bucket is a cache miss: it is requested kAhead targets early.
      constexpr std::size_t kAhead = 24;
      const uint32_t first = this->first_gid_;
      const std::size_t base = ring.slot_index(b.stamp - 1);
      const std::size_t ahead = std::min(b.count, kAhead);
      for (std::size_t k = 0; k < ahead; ++k) ring.prefetch(b.target[k] - first, base, b.delay[k]);
      for (std::size_t k = 0; k < b.count; ++k) {
        if (k + kAhead < b.count) ring.prefetch(b.target[k + kAhead] - first, base, b.delay[k + kAhead]);
        const uint32_t m = this->multiplicity(b, k);
        if (m == 0) continue;
        ring.add_at(b.target[k] - first, base, b.delay[k], b.offset, b.weight[k] * b.weight_factor * m);
      }
    });
  }
  void deliver_current(const CurrentBatch& b) override { this->deliver_current_to(b, 0); }

 protected:
  void prepare_queue(const RunContext& rc) {
    this->prepare_input(rc, 1);
    events_.resize(this->n_, rc.ring_size);
    h_ = rc.grid->resolution();
  }
  // Fills `b` with the inputs of nodes [begin, end) for `step` and their intervals,
  // with the end of a node's refractoriness as an input where it falls into this step
  // (the period counts whole steps from the last spike's step; it ends at that spike's
  // offset).
  void gather(StepBatch& b, long step, std::size_t begin, std::size_t end, const RefractoryColumns& col) {
    events_.with_ring([&](auto& ring) { gather_from(ring, b, step, begin, end, col); });
  }
  template <typename Ring>
  void gather_from(Ring& ring, StepBatch& b, long step, std::size_t begin, std::size_t end,
                   const RefractoryColumns& col) {
    b.clear();
    const auto& num = this->num_;
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t from = b.inputs.size();
      ring.take(i, step, b.inputs);
      if (num[col.refractory][i] != 0.0 &&
          step + 1 - static_cast<long>(num[col.last_step][i]) == num[col.refractory_steps][i])
        b.inputs.push_back({num[col.last_offset][i], 0.0, true});
      if (b.inputs.size() - from > 1) std::sort(b.inputs.begin() + from, b.inputs.end(), earlier);
      if (b.inputs.size() > from) {
        double last = h_;
        for (std::size_t k = from; k < b.inputs.size(); ++k) {
          b.dt.push_back(last - b.inputs[k].offset);
          last = b.inputs[k].offset;
        }
        if (last > 0.0) b.dt.push_back(last);
      }
      b.first_input.push_back(static_cast<std::uint32_t>(b.inputs.size()));
      b.first_interval.push_back(static_cast<std::uint32_t>(b.dt.size()));
    }
  }
  // The current that acts in the step after `step` (NEST latches it at the step's end).
  double take_current(long step, std::size_t i) {
    double* row = this->input_.row(0, step);
    const double c = row[i];
    row[i] = 0.0;
    return c;
  }
  // A crossing regula falsi could not locate: NEST raises NumericalInstability.
  void fail_crossing(std::size_t i) {
    this->report_error("NumericalInstability in " + this->model_name() + " (node " +
                       std::to_string(this->first_gid_ + i) + "): regula falsi did not locate the threshold crossing");
  }

  EventQueue events_;
  double h_ = 0.1;
};

// Checks shared by the _ps neurons' declarations.
inline void require_reset_range(const ParamRow& row, const std::string& model) {
  iaf::require_reset_below_threshold(row, model);
  if (row.num("V_reset") < row.num("V_min"))
    throw BadProperty(model + ": Reset potential must be greater equal minimum potential (V_reset >= V_min).");
}
inline void require_refractory_step(const ParamRow& row, const std::string& model) {
  if (row.grid && row.grid->ms_to_steps(row.num("t_ref")) < 1)
    throw BadProperty(model +
                      ": Refractory time must be at least one time step (t_ref = " + std::to_string(row.num("t_ref")) +
                      " ms, resolution " + std::to_string(row.grid->resolution()) + " ms).");
}

}  // namespace nestkit::precise
