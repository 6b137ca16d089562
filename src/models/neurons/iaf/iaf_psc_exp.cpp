// iaf_psc_exp: leaky integrate-and-fire neuron with exponentially decaying
// synaptic currents, integrated exactly, as NEST 3.10's model. Current input on
// receptor 1 is filtered through the excitatory synapse; delta > 0 replaces the
// hard threshold by escape noise with intensity rho exp((V - V_th) / delta).
#include <cmath>

#include "integrators/iaf_propagator.hpp"
#include "integrators/leak_propagator.hpp"
#include "models/neurons/iaf/iaf_common.hpp"
#include "models/neurons/iaf/iaf_exp_family.hpp"
#include "nestkit/rng.hpp"

namespace nestkit {
namespace {

// Columns, grouped by role.
// clang-format off
enum Col : int {
  // parameters
  C_m, tau_m, t_ref, E_L, V_reset, V_th, I_e, tau_syn_ex, tau_syn_in, rho, delta, tau_minus, tau_minus_triplet,
  // state: V relative to E_L, synaptic currents, piecewise-constant inputs, refractory steps left
  y, i_ex, i_in, i0, i1, r,
  // constants derived before each run
  P11_ex, P11_in, P22, P21_ex, P21_in, P20, theta, reset, refractory_steps,
};
// clang-format on
enum Rec : int { kV_m, kI_syn_ex, kI_syn_in };
enum Channel : int { kEx, kIn, kI0, kI1, kChannels };

class IafPscExp final : public iaf::RelativeVmPopulation<y, E_L> {
 public:
  using RelativeVmPopulation::RelativeVmPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    seed_ = rc.seed;
    h_ = rc.grid->resolution();
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(P11_ex) = std::exp(-h_ / c(tau_syn_ex));
      c(P11_in) = std::exp(-h_ / c(tau_syn_in));
      c(P22) = std::exp(-h_ / c(tau_m));
      c(P21_ex) = integrators::IafPropagator(c(tau_syn_ex), c(tau_m), c(C_m)).p32(h_);
      c(P21_in) = integrators::IafPropagator(c(tau_syn_in), c(tau_m), c(C_m)).p32(h_);
      c(P20) = integrators::leak_current_propagator_tau_first(c(tau_m), c(C_m), c(P22));
      c(theta) = c(V_th) - c(E_L);
      c(reset) = c(V_reset) - c(E_L);
      c(refractory_steps) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double *V = col(y), *Iex = col(i_ex), *Iin = col(i_in), *I0 = col(i0), *I1 = col(i1), *R = col(r);
    const double *p11e = col(P11_ex), *p11i = col(P11_in), *p22 = col(P22), *p21e = col(P21_ex);
    const double *p21i = col(P21_in), *p20 = col(P20), *ie = col(I_e), *th = col(theta), *rs = col(reset);
    const double *refr = col(refractory_steps), *dl = col(delta), *rh = col(rho);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = input_.row(kEx, step);
      double* in_in = input_.row(kIn, step);
      double* in_i0 = input_.row(kI0, step);
      double* in_i1 = input_.row(kI1, step);
      for (std::size_t i = begin; i < end; ++i) {
        if (R[i] == 0.0) {
          V[i] = V[i] * p22[i] + Iex[i] * p21e[i] + Iin[i] * p21i[i] + (ie[i] + I0[i]) * p20[i];
        } else {
          R[i] -= 1.0;
        }
        Iex[i] *= p11e[i];
        Iin[i] *= p11i[i];
        Iex[i] += (1.0 - p11e[i]) * I1[i];
        // Spikes arriving at the end of this step act at once.
        Iex[i] += in_ex[i];
        Iin[i] += in_in[i];
        if (fires(V[i], th[i], dl[i], rh[i], i, step)) {
          R[i] = refr[i];
          V[i] = rs[i];
          emit(ctx, i, step + 1);
        }
        I0[i] = in_i0[i];
        I1[i] = in_i1[i];
        in_ex[i] = in_in[i] = in_i0[i] = in_i1[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override { deliver_sign_split(b, kEx, kIn); }
  void deliver_current(const CurrentBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k)
      input_.add(b.receptor[k] == 1 ? kI1 : kI0, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_,
                 b.weight[k] * b.amplitude);
  }

  double recordable(int k, std::size_t i) const override {
    switch (k) {
      case kV_m:
        return v_m(i);
      case kI_syn_ex:
        return num_[i_ex][i];
      default:
        return num_[i_in][i];
    }
  }

 private:
  // Hard threshold for delta ~ 0, else a spike with probability rho exp((V - theta) / delta) h.
  bool fires(double v, double th, double dl, double rh, std::size_t i, long step) const {
    if (dl < 1e-10) return v >= th;
    if (!(dl > 1e-10)) return false;  // exactly 1e-10: neither branch of NEST's test
    RandomStream rng(seed_, iaf::kEscapeNoise, first_gid_ + static_cast<uint32_t>(i), static_cast<uint64_t>(step));
    const double phi = rh * std::exp(1.0 / dl * (v - th));
    return rng.uniform() < phi * h_ * 1e-3;
  }

  uint32_t seed_ = 0;
  double h_ = 0.1;
};

ModelInfo make_info() {
  ModelInfo m("iaf_psc_exp", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_psc_exp.html");
  m.family = "iaf_current";
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(t_ref, "t_ref", 2.0, "ms", non_negative(), "Duration of refractory period")
      .param(E_L, "E_L", -70.0, "mV", {}, "Resting membrane potential")
      .param(V_reset, "V_reset", -70.0, "mV", {}, "Reset potential of the membrane")
      .param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(tau_syn_ex, "tau_syn_ex", 2.0, "ms", positive(), "Time constant of the excitatory synaptic current")
      .param(tau_syn_in, "tau_syn_in", 2.0, "ms", positive(), "Time constant of the inhibitory synaptic current")
      .param(rho, "rho", 0.01, "1/s", non_negative(), "Stochastic firing intensity at threshold")
      .param(delta, "delta", 0.0, "mV", non_negative(), "Width of the threshold region (0: hard threshold)");
  iaf::declare_archiving(m, tau_minus);
  iaf::declare_internals(m, y, refractory_steps);
  m.derived_state("V_m", -70.0, "mV", "Membrane potential");
  m.recordables = {"V_m", "I_syn_ex", "I_syn_in"};
  m.current_receptors = {0, 1};  // 1: filtered through the excitatory synapse
  m.validate = [](const ParamRow& row) { iaf::require_reset_below_threshold(row, "iaf_psc_exp"); };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafPscExp>(info); };
  return m;
}

}  // namespace

const ModelInfo& iaf_psc_exp_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
