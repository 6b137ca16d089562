// parrot_neuron: repeats every spike it receives on port 0, one step later
// (the delay of the incoming connection), with the same multiplicity. Spikes on
// port 1 are received but not repeated (NEST uses them to drive plasticity).
// As NEST 3.10's, a parrot silent for flush_event_send_interval since its last spike or
// flush event sends an e-prop flush event (the kernel routes it to e-prop synapses only).
#include <cmath>
#include <limits>

#include "models/neurons/neuron_base.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {
namespace {

enum Col : int { tau_minus, tau_minus_triplet, flush_event_send_interval, flush_interval_steps, last_event };

class ParrotNeuron final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;
  void prepare(const RunContext& rc) override {
    prepare_input(rc, 1);
    constexpr long kNever = std::numeric_limits<long>::max() / 4;
    double* steps = col(flush_interval_steps);
    const double* ms = col(flush_event_send_interval);
    for (std::size_t i = 0; i < n_; ++i)
      steps[i] = !std::isfinite(ms[i]) || ms[i] / rc.grid->resolution() >= static_cast<double>(kNever)
                     ? static_cast<double>(kNever)
                     : static_cast<double>(rc.grid->ms_to_steps(ms[i]));
  }
  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    const double* flush_every = col(flush_interval_steps);
    double* last = col(last_event);  // step of the last spike or flush event (0: none yet)
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* count = input_.row(0, step);
      for (std::size_t i = begin; i < end; ++i) {
        if (count[i] > 0.0) {
          emit(ctx, i, step + 1, static_cast<uint32_t>(count[i]));
          last[i] = static_cast<double>(step);
        } else if (last[i] > 0.0 && static_cast<double>(step) - last[i] >= flush_every[i]) {
          ctx.spikes->push_back(EmittedSpike::marker(first_gid_ + static_cast<uint32_t>(i), step + 1));
          last[i] = static_cast<double>(step);
        }
        count[i] = 0.0;
      }
    }
  }
  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      if (b.receptor[k] != 0) continue;
      const uint32_t m = multiplicity(b, k);
      if (m) input_.add(0, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, static_cast<double>(m));
    }
  }
};

ModelInfo make_info() {
  ModelInfo m("parrot_neuron", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/parrot_neuron.html");
  m.family = "parrot";
  m.param(tau_minus, "tau_minus", 20.0, "ms", positive(), "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", positive(),
             "Triplet-STDP post-synaptic time constant")
      .param(flush_event_send_interval, "flush_event_send_interval", std::numeric_limits<double>::infinity(), "ms",
             positive(), "Inactivity after which an e-prop flush event is sent")
      .internal(flush_interval_steps, "_flush_interval_steps")
      .internal(last_event, "_last_event_step");
  m.spike_receptors = {0, 1};
  m.accepts_current = false;
  m.make = [](const ModelInfo& info) { return std::make_unique<ParrotNeuron>(info); };
  return m;
}

}  // namespace

const ModelInfo& parrot_neuron_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
