// parrot_neuron_ps: repeats every spike it receives on port 0 at the spike's own
// precise time (the offset inside the step is kept), one spike per input spike,
// with its multiplicity, as NEST 3.10's model. Port 1 input is received but not
// repeated.
#include "models/neurons/precise/models.hpp"
#include "models/neurons/precise/precise_common.hpp"

namespace nestkit {
namespace {

enum Col : int { tau_minus, tau_minus_triplet };

class ParrotNeuronPs final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;
  void prepare(const RunContext& rc) override {
    events_.resize(n_, rc.ring_size);
    h_ = rc.grid->resolution();
  }
  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    thread_local std::vector<precise::TimedInput> in;
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      for (std::size_t i = begin; i < end; ++i) {
        in.clear();
        events_.take(i, step, in);
        if (in.size() > 1) std::sort(in.begin(), in.end(), precise::earlier);
        // The queue's weight holds the multiplicity.
        for (const precise::TimedInput& ev : in) emit(ctx, i, step + 1, static_cast<uint32_t>(ev.weight), ev.offset);
      }
    }
  }
  void deliver_spikes(const SpikeBatch& b) override {
    if (!precise::offset_in_step(b.offset, h_)) return report_error(precise::bad_offset(model_name(), b));
    for (std::size_t k = 0; k < b.count; ++k) {
      if (b.receptor[k] != 0) continue;
      const uint32_t m = multiplicity(b, k);
      if (m) events_.add(b.target[k] - first_gid_, b.stamp + b.delay[k] - 1, b.offset, static_cast<double>(m));
    }
  }

 private:
  precise::EventQueue events_;
  double h_ = 0.1;
};

ModelInfo make_info() {
  ModelInfo m("parrot_neuron_ps", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/parrot_neuron_ps.html");
  m.family = "precise";
  iaf::declare_archiving(m, tau_minus);
  m.spike_receptors = {0, 1};
  m.accepts_current = false;
  m.make = [](const ModelInfo& info) { return std::make_unique<ParrotNeuronPs>(info); };
  return m;
}

}  // namespace

const ModelInfo& precise::parrot_neuron_ps_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
