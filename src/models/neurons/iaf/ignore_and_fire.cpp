// ignore_and_fire: fires at a fixed rate whatever its input, with the first
// spike after phase / rate, as NEST 3.10's model (used for benchmarking). Input is
// accepted on port 0 and discarded.
#include "models/neurons/iaf/iaf_common.hpp"
#include "models/neurons/iaf/iaf_exp_family.hpp"

namespace nestkit {
namespace {

// Columns, grouped by role.
// clang-format off
enum Col : int {
  phase, rate, tau_minus, tau_minus_triplet,
  // steps to the next spike (< 0: start from phase at the next run), steps per period
  phase_steps, period_steps,
};
// clang-format on

class IgnoreAndFire final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    for (std::size_t i = 0; i < n_; ++i) {
      // NEST's expressions, so the step counts round identically.
      num_[period_steps][i] = static_cast<double>(rc.grid->ms_to_steps(1.0 / num_[rate][i] * 1000.0));
      if (num_[phase_steps][i] < 0.0)
        num_[phase_steps][i] = static_cast<double>(rc.grid->ms_to_steps(num_[phase][i] / num_[rate][i] * 1000.0));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double* left = col(phase_steps);
    const double* period = col(period_steps);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      for (std::size_t i = begin; i < end; ++i) {
        if (left[i] == 0.0) {
          left[i] = period[i] - 1.0;
          emit(ctx, i, step + 1);
        } else {
          left[i] -= 1.0;
        }
      }
      sample(step, begin, end);
    }
  }

 protected:
  // Like NEST, every change of status restarts the phase count.
  void write_derived(std::size_t i, const std::vector<Value>&) override { num_[phase_steps][i] = -1.0; }
};

ModelInfo make_info() {
  ModelInfo m("ignore_and_fire", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/ignore_and_fire.html");
  m.family = "iaf_current";
  m.param(phase, "phase", 1.0, "", {}, "Time to the first spike relative to the firing period, in (0, 1]")
      .param(rate, "rate", 10.0, "Hz", positive(), "Firing rate");
  iaf::declare_archiving(m, tau_minus);
  iaf::declare_internals(m, phase_steps, period_steps);
  m.recordables = {};
  m.validate = [](const ParamRow& row) {
    if (row.num("phase") <= 0.0 || row.num("phase") > 1.0)
      throw BadProperty("ignore_and_fire: Phase must be > 0 and <= 1.");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<IgnoreAndFire>(info); };
  return m;
}

}  // namespace

const ModelInfo& ignore_and_fire_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
