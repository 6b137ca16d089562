// volume_transmitter: collects the spikes of a population of (e.g. dopaminergic) neurons for the
// neuromodulated synapses that name it (stdp_dopamine_synapse), as NEST 3.10. Each spike is kept with
// its arrival time (emission + delay) and multiplicity; the synapses read the list at every
// presynaptic spike. Every deliver_interval min-delays, at the end of the update that reaches a
// multiple of deliver_interval * min_delay, the node has the kernel bring all its synapses up to that
// time (their trigger), then restarts its list with a pseudo spike (multiplicity 0) at that time.
// The list starts with a pseudo spike at 0 ms. Only neurons may connect to it (NEST refuses devices
// as sources of this global receiver), on receptor 0.
#include "models/neurons/neuron_base.hpp"
#include "nestkit/registry.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

enum Col : int { deliver_interval };

class VolumeTransmitter final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;
  // Updated once per slice by the kernel, before the neurons, in one piece: its triggers are global.
  bool parallel() const override { return false; }

  void prepare(const RunContext& rc) override {
    prepare_input(rc, 1);
    min_delay_ = rc.min_delay;
    if (spikes_.size() != n_) spikes_.assign(n_, {{0.0, 0.0}});
  }

  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* count = input_.row(0, step);
      for (std::size_t i = 0; i < n_; ++i) {
        if (count[i] > 0.0) spikes_[i].push_back({ctx.grid->steps_to_ms(step + 1), count[i]});
        count[i] = 0.0;
      }
    }
    const long now = ctx.slice_origin + to;
    for (std::size_t i = 0; i < n_; ++i) {
      const long interval = static_cast<long>(num_[deliver_interval][i]) * min_delay_;
      if (now % interval != 0) continue;
      const double t_trig = ctx.grid->steps_to_ms(now);
      ctx.kernel->trigger_synapses(first_gid_ + static_cast<uint32_t>(i), now);
      spikes_[i].assign(1, {t_trig, 0.0});
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m) input_.add(0, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, static_cast<double>(m));
    }
  }

  const std::vector<ModulatorSpike>* modulator_spikes(std::size_t i) const override {
    return i < spikes_.size() ? &spikes_[i] : nullptr;
  }

 private:
  long min_delay_ = 1;
  std::vector<std::vector<ModulatorSpike>> spikes_;
};

ModelInfo make_info() {
  ModelInfo m("volume_transmitter", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/volume_transmitter.html");
  m.family = "neuromodulation";
  m.integer(deliver_interval, "deliver_interval", 1, at_least(1),
            "Interval, in min-delays, at which the synapses are brought up to date");
  m.element_type = "other";
  m.archiving = false;
  m.emits_spikes = false;
  m.accepts_current = false;
  m.drives_synapses = true;
  m.check_source = [](const ModelInfo& source, long) -> std::string {
    if (source.kind != NodeKind::kNeuron)
      return "We do not allow connection of a device to a global receiver at the moment.";
    return "";
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<VolumeTransmitter>(info); };
  return m;
}

}  // namespace

const ModelInfo& volume_transmitter_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
