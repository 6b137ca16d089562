#pragma once
// NEST's binary neurons (ginzburg, erfc, mcculloch_pitts): one population type,
// parameterised by the gain function that maps the summed input h to the
// probability of the up state.
//
// Semantics (NEST 3.10, binary_neuron.h):
// - Input spikes add to h permanently (no decay); a step's current c counts only in
//   that step: the gain sees h + c.
// - Updates happen asynchronously: the first update time is drawn at the first run
//   (an exponential with mean tau_m, counted from time 0, rounded to tics); at each
//   step whose start lies strictly after it, the gain decides the new state and the
//   next time is the last one plus a new exponential draw. A node that is behind
//   (created late) therefore updates once per step until it catches up.
// - A transition is sent as a spike of multiplicity 2 (up) or 1 (down).
// - A receiving binary neuron sees a neuron's spike as `multiplicity` separate
//   events and a device's spike as one event with its multiplicity. It decodes the
//   stream by remembering the last (sender, stamp): an event of multiplicity 1
//   adds -w, or +2w if it repeats the last (sender, stamp) (the second half of an
//   up transition); multiplicity 2 adds +w; larger multiplicities add nothing but
//   still become the remembered (sender, stamp).
// Random draws come from streams keyed by (seed, kBinaryUpdate, node id, draw
// counter), one stream per update, so any thread count or chunking draws alike.
#include <algorithm>
#include <cmath>
#include <string>

#include "models/neurons/binary/source_kinds.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/rng.hpp"

namespace nestkit::binary {

// Columns shared by the three models; a model's gain parameters sit in G0..G3.
// clang-format off
enum Col : int {
  tau_m, tau_minus, tau_minus_triplet, G0, G1, G2, G3,
  S, h,  // state shown to users (read-only, as in NEST)
  // internal: next update time (tics) and whether it was drawn, the per-node draw
  // counter, and the decoder's last (sender, stamp)
  t_next, t_next_drawn, draws, last_sender, last_stamp,
};
// clang-format on
enum Channel : int { kSpikes, kCurrent, kChannels };

// Declares what all binary neurons share: tau_m, the STDP time constants every
// archiving node has, the read-only state S and h, the recordables and internals.
ModelInfo declare_binary(const std::string& name, const std::string& doc_tau);
void declare_binary_state(ModelInfo& m);

// Gain: a type with `static bool up(RandomStream&, const double* g, double h)`
// (g = the node's G0..G3) and `static constexpr bool kDraws` (whether up() draws).
template <typename Gain>
class BinaryPopulation final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    seed_ = rc.seed;
    tics_per_step_ = rc.grid->tics_per_step();
    grid_ = rc.grid;
    sources_.refresh(kernel_);
    for (std::size_t i = 0; i < n_; ++i) {
      if (num_[t_next_drawn][i] != 0.0) continue;
      RandomStream rs = stream(i);
      num_[t_next][i] = static_cast<double>(grid_->ms_to_tics(rs.exponential(1.0) * num_[tau_m][i]));
      num_[t_next_drawn][i] = 1.0;
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double *y = col(S), *hh = col(h), *tn = col(t_next);
    const double* tau = col(tau_m);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_spk = input_.row(kSpikes, step);
      double* in_cur = input_.row(kCurrent, step);
      const double now_tics = static_cast<double>(step * tics_per_step_);
      for (std::size_t i = begin; i < end; ++i) {
        hh[i] += in_spk[i];
        const double c = in_cur[i];
        in_spk[i] = in_cur[i] = 0.0;
        if (now_tics > tn[i]) {
          RandomStream rs = stream(i);
          const double g[4] = {num_[G0][i], num_[G1][i], num_[G2][i], num_[G3][i]};
          const bool up = Gain::up(rs, g, hh[i] + c);
          if (up != (y[i] != 0.0)) {
            send_transition(ctx, i, step + 1, up);
            y[i] = up ? 1.0 : 0.0;
          }
          tn[i] += static_cast<double>(grid_->ms_to_tics(rs.exponential(1.0) * tau[i]));
        }
      }
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    if (sources_.is_device(b.source)) {
      // A device's spike arrives whole, with its multiplicity.
      for (std::size_t k = 0; k < b.count; ++k)
        if (const uint32_t m = multiplicity(b, k); m > 0)
          decode(b.target[k] - first_gid_, b.source, b.stamp, m, b.weight[k] * b.weight_factor,
                 b.stamp + b.delay[k] - 1);
      return;
    }
    // A neuron's spike arrives as `multiplicity` single events, repetitions
    // outermost over the batch's synapses (NEST unrolls it at the sender).
    uint32_t reps = 0;
    for (std::size_t k = 0; k < b.count; ++k) reps = std::max(reps, multiplicity(b, k));
    for (uint32_t rep = 0; rep < reps; ++rep)
      for (std::size_t k = 0; k < b.count; ++k)
        if (multiplicity(b, k) > rep)
          decode(b.target[k] - first_gid_, b.source, b.stamp, 1, b.weight[k] * b.weight_factor,
                 b.stamp + b.delay[k] - 1);
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  // Recordables in NEST's order: S, h.
  double recordable(int k, std::size_t i) const override { return k == 0 ? num_[S][i] : num_[h][i]; }

 private:
  RandomStream stream(std::size_t i) {
    const double n = num_[draws][i];
    num_[draws][i] = n + 1.0;
    return RandomStream(seed_, Purpose::kBinaryUpdate, first_gid_ + static_cast<uint32_t>(i), static_cast<uint64_t>(n));
  }

  void decode(std::size_t i, uint32_t source, long stamp, uint32_t m, double w, long arrival) {
    const bool repeat =
        num_[last_sender][i] == static_cast<double>(source) && num_[last_stamp][i] == static_cast<double>(stamp);
    if (m == 1)
      input_.add(kSpikes, arrival, i, repeat ? 2.0 * w : -w);
    else if (m == 2)
      input_.add(kSpikes, arrival, i, w);
    num_[last_sender][i] = static_cast<double>(source);
    num_[last_stamp][i] = static_cast<double>(stamp);
  }

  // Up: multiplicity 2, down: 1. The spike history (for plastic synapses) gets one
  // entry per transition, as NEST's set_spiketime.
  void send_transition(StepContext& ctx, std::size_t i, long stamp, bool up) {
    ctx.spikes->push_back({first_gid_ + static_cast<uint32_t>(i), up ? 2u : 1u, stamp, 0.0});
    if (archive_) archive_->record(i, grid_->steps_to_ms(stamp), min_delay_ms_);
  }

  uint32_t seed_ = 0;
  long tics_per_step_ = 100;
  const TimeGrid* grid_ = nullptr;
  SourceKinds sources_;
};

}  // namespace nestkit::binary
