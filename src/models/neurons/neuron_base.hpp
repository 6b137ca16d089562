#pragma once
// Shared plumbing of spiking neuron populations: the input ring and the
// standard ways incoming spikes and currents land in it.
#include <algorithm>
#include <limits>
#include <string>

#include "nestkit/errors.hpp"
#include "nestkit/population.hpp"

namespace nestkit {

class NeuronPopulation : public Population {
 public:
  using Population::Population;
  bool parallel() const override { return true; }

 protected:
  // Sizes the ring on the first run; later runs keep pending input, also when the
  // channel count changes (ports added or removed between runs keep their overlap).
  void prepare_input(const RunContext& rc, int channels) {
    if (input_.ring_size() == rc.ring_size && channels == channels_) return;
    InputRing next;
    next.resize(channels, n_, rc.ring_size);
    if (input_.ring_size() == rc.ring_size)
      for (int ch = 0; ch < std::min(channels, channels_); ++ch)
        for (long s = 0; s < rc.ring_size; ++s) std::copy_n(input_.row(ch, s), n_, next.row(ch, s));
    input_ = std::move(next);
    channels_ = channels;
  }
  // Sends a spike of node i stamped at the end of step stamp-1; plastic synapses
  // onto this node see it in the node's spike history (once per multiplicity, as NEST).
  void emit(StepContext& ctx, std::size_t i, long stamp, uint32_t multiplicity = 1, double offset = 0.0) {
    ctx.spikes->push_back({first_gid_ + static_cast<uint32_t>(i), multiplicity, stamp, offset});
    if (archive_)
      for (uint32_t m = 0; m < multiplicity; ++m)
        archive_->record(i, grid_ptr_->steps_to_ms(stamp) - offset, min_delay_ms_);
  }
  static uint32_t multiplicity(const SpikeBatch& b, std::size_t k) {
    return b.per_synapse_multiplicity ? b.per_synapse_multiplicity[k] : b.multiplicity;
  }
  // Positive weights to `ex`, others to `in` (NEST's sign convention).
  void deliver_sign_split(const SpikeBatch& b, int ex, int in) {
    if (!b.weight.data && !b.delay.data) {
      // One weight and delay for the whole batch (the common case): a plain
      // scatter-add into one ring row.
      const double w = b.weight.value * b.weight_factor;
      const long step = b.stamp + b.delay.value - 1;
      double* ex_row = input_.row(ex, step) - first_gid_;
      double* in_row = input_.row(in, step) - first_gid_;
      if (!b.per_synapse_multiplicity) {
        const double s = w * b.multiplicity;
        double* row = s > 0.0 ? ex_row : in_row;
        for (std::size_t k = 0; k < b.count; ++k) row[b.target[k]] += s;
      } else {
        // Per-target counts (a poisson_generator's draws): no branch on a zero count, which
        // is frequent and unpredictable; adding w * 0 leaves the ring's sum unchanged.
        double* row = w > 0.0 ? ex_row : in_row;
        for (std::size_t k = 0; k < b.count; ++k) row[b.target[k]] += w * b.per_synapse_multiplicity[k];
      }
      return;
    }
    if (!b.delay.data) {
      // Per-synapse weights with one delay (a plastic segment's output): two ring rows, each
      // small enough to stay cached, so no prefetching and no slot arithmetic per synapse.
      const long step = b.stamp + b.delay.value - 1;
      double* ex_row = input_.row(ex, step) - first_gid_;
      double* in_row = input_.row(in, step) - first_gid_;
      for (std::size_t k = 0; k < b.count; ++k) {
        const uint32_t m = multiplicity(b, k);
        if (m == 0) continue;
        const double s = b.weight[k] * b.weight_factor * m;
        (s > 0.0 ? ex_row : in_row)[b.target[k]] += s;
      }
      return;
    }
    const long s0 = input_.slot_of(b.stamp - 1);
    auto place = [&](std::size_t k) -> double& {
      const bool excitatory = b.weight[k] * b.weight_factor > 0.0;  // the sign of s below (m >= 1)
      return input_.at(excitatory ? ex : in, input_.slot_after(s0, b.delay[k]), b.target[k] - first_gid_);
    };
    // Targets and delays spread these additions over the whole ring, which on large
    // networks is far bigger than the caches: the places a few synapses ahead are
    // fetched early so that their misses overlap.
    constexpr std::size_t kAhead = 16;
    for (std::size_t k = 0; k < b.count; ++k) {
      if (k + kAhead < b.count) __builtin_prefetch(&place(k + kAhead), 1);
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      const double s = b.weight[k] * b.weight_factor * m;
      input_.at(s > 0.0 ? ex : in, input_.slot_after(s0, b.delay[k]), b.target[k] - first_gid_) += s;
    }
  }
  void deliver_current_to(const CurrentBatch& b, int channel) {
    const long s0 = input_.slot_of(b.stamp - 1);
    for (std::size_t k = 0; k < b.count; ++k)
      input_.at(channel, input_.slot_after(s0, b.delay[k]), b.target[k] - first_gid_) += b.weight[k] * b.amplitude;
  }

  InputRing input_;
  int channels_ = 0;
};

// NEST restarts the count to the next forced spike (ignore_and_spike) whenever
// ignore_and_spike_offset is set, even to its present value. The model keeps the offset the
// count started from in internal column `seen` ("_internal_<seen>"); clearing it in the row
// being written makes write_derived restart the count.
inline void restart_forced_spikes_if_given(const ParamRow& row, int seen) {
  if (row.given("ignore_and_spike_offset"))
    const_cast<ParamRow&>(row).at("_internal_" + std::to_string(seen)) = std::numeric_limits<double>::quiet_NaN();
}

}  // namespace nestkit
