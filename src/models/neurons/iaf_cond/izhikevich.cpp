// izhikevich: Izhikevich (2003) neuron with NEST 3.10's fixed-step scheme, either
// forward Euler over one resolution step (consistent_integration, the default) or
// the paper's two half-steps in v followed by one step in u.
#include <limits>

#include "models/neurons/iaf_cond/models.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {
namespace {

enum Col : int { a, b, c, d, I_e, V_th, V_min, consistent_integration, U_m, V_m, I_input };
enum Rec : int { kV_m, kU_m };
enum Channel : int { kSpike, kCurrent, kChannels };

class Izhikevich final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    const double h = h_;
    double *v = col(V_m), *u = col(U_m), *I = col(I_input);
    const double *pa = col(a), *pb = col(b), *pc = col(c), *pd = col(d), *ie = col(I_e), *vth = col(V_th),
                 *vmin = col(V_min), *consistent = col(consistent_integration);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_sp = input_.row(kSpike, step);
      double* in_cur = input_.row(kCurrent, step);
      for (std::size_t i = begin; i < end; ++i) {
        if (consistent[i] != 0.0) {
          const double v_old = v[i], u_old = u[i];
          v[i] += h * (0.04 * v_old * v_old + 5.0 * v_old + 140.0 - u_old + I[i] + ie[i]) + in_sp[i];
          u[i] += h * pa[i] * (pb[i] * v_old - u_old);
        } else {
          const double syn = in_sp[i];
          v[i] += h * 0.5 * (0.04 * v[i] * v[i] + 5.0 * v[i] + 140.0 - u[i] + I[i] + ie[i] + syn);
          v[i] += h * 0.5 * (0.04 * v[i] * v[i] + 5.0 * v[i] + 140.0 - u[i] + I[i] + ie[i] + syn);
          u[i] += h * pa[i] * (pb[i] * v[i] - u[i]);
        }
        v[i] = v[i] < vmin[i] ? vmin[i] : v[i];
        if (v[i] >= vth[i]) {
          v[i] = pc[i];
          u[i] = u[i] + pd[i];
          emit(ctx, i, step + 1);
        }
        I[i] = in_cur[i];
        in_sp[i] = in_cur[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  // Spikes of either sign add to v directly: one channel.
  void deliver_spikes(const SpikeBatch& sb) override { deliver_sign_split(sb, kSpike, kSpike); }
  void deliver_current(const CurrentBatch& cb) override { deliver_current_to(cb, kCurrent); }

  double recordable(int k, std::size_t i) const override { return k == kV_m ? num_[V_m][i] : num_[U_m][i]; }

 private:
  double h_ = 0.1;
};

ModelInfo make_info() {
  ModelInfo m("izhikevich", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/izhikevich.html");
  m.family = "izhikevich";
  m.param(a, "a", 0.02, "", {}, "Time scale of the recovery variable")
      .param(b, "b", 0.2, "", {}, "Sensitivity of the recovery variable")
      .param(c, "c", -65.0, "mV", {}, "After-spike reset value of V_m")
      .param(d, "d", 8.0, "mV", {}, "After-spike increment of U_m")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(V_th, "V_th", 30.0, "mV", {}, "Spike threshold")
      .param(V_min, "V_min", -std::numeric_limits<double>::max(), "mV", {}, "Absolute lower bound of V_m")
      .flag(consistent_integration, "consistent_integration", true,
            "Forward Euler over one step (true) or the published two half-steps (false)")
      .state(U_m, "U_m", 0.2 * -65.0, "mV", "Membrane potential recovery variable")
      .state(V_m, "V_m", -65.0, "mV", "Membrane potential")
      .internal(I_input, "_internal_I");
  m.recordables = {"V_m", "U_m"};
  m.archiving_params();
  m.make = [](const ModelInfo& info) { return std::make_unique<Izhikevich>(info); };
  return m;
}

}  // namespace

const ModelInfo& izhikevich_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
