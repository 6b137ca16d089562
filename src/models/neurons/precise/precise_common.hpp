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
// (step modulo the ring size, like the kernel's input rings).
class EventQueue {
 public:
  void resize(std::size_t n, long ring) {
    if (n == n_ && ring == ring_) return;
    std::vector<std::vector<Item>> next(n * static_cast<std::size_t>(ring));
    // Keep pending input of the nodes that stay (a later run with the same ring).
    if (ring == ring_)
      for (std::size_t i = 0; i < std::min(n, n_); ++i)
        for (long s = 0; s < ring; ++s) next[i * ring + s] = std::move(q_[i * ring_ + s]);
    q_ = std::move(next);
    n_ = n;
    ring_ = ring;
  }
  void add(std::size_t i, long step, double offset, double weight) {
    q_[slot(i, step)].push_back({step, {offset, weight, false}});
  }
  // Appends node i's inputs for `step` to `out` and forgets them.
  void take(std::size_t i, long step, std::vector<TimedInput>& out) {
    auto& b = q_[slot(i, step)];
    if (b.empty()) return;
    // A bucket holds only its own step: inputs are added at most ring-1 steps ahead.
    for (const Item& it : b) out.push_back(it.in);
    b.clear();
  }

 private:
  struct Item {
    long step;
    TimedInput in;
  };
  std::size_t slot(std::size_t i, long step) const {
    return i * static_cast<std::size_t>(ring_) + static_cast<std::size_t>(step % ring_);
  }
  std::vector<std::vector<Item>> q_;
  std::size_t n_ = 0;
  long ring_ = 0;
};

// The inputs of a block of nodes for one step, gathered before any of them is
// propagated, so that the models can compute the exponentials of every interval of
// the block at once (exp_array/expm1_array: four lanes, the C library's bits).
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
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = this->multiplicity(b, k);
      if (m == 0) continue;
      events_.add(b.target[k] - this->first_gid_, b.stamp + b.delay[k] - 1, b.offset,
                  b.weight[k] * b.weight_factor * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override { this->deliver_current_to(b, 0); }

 protected:
  void prepare_queue(const RunContext& rc) {
    this->prepare_input(rc, 1);
    events_.resize(this->n_, rc.ring_size);
    h_ = rc.grid->resolution();
  }
  // The inputs of node i in `step`, earliest first, with the end of
  // refractoriness when it falls into this step.
  std::vector<TimedInput>& inputs(std::size_t i, long step, bool end_of_refractoriness, double refr_offset) {
    thread_local std::vector<TimedInput> in;
    in.clear();
    events_.take(i, step, in);
    if (end_of_refractoriness) in.push_back({refr_offset, 0.0, true});
    if (in.size() > 1) std::sort(in.begin(), in.end(), earlier);
    return in;
  }
  // Fills `b` with the inputs of nodes [begin, end) for `step` and their intervals;
  // refractory_end(i) is the offset at which node i's refractoriness ends in this
  // step, or NaN.
  template <typename RefractoryEnd>
  void gather(StepBatch& b, long step, std::size_t begin, std::size_t end, const RefractoryEnd& refractory_end) {
    b.clear();
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t from = b.inputs.size();
      events_.take(i, step, b.inputs);
      if (const double r = refractory_end(i); !std::isnan(r)) b.inputs.push_back({r, 0.0, true});
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
