// iaf_psc_exp_htum: iaf_psc_exp with two refractory periods (Hill & Tononi
// 2005): during t_ref_abs the membrane potential is clamped, during t_ref_tot
// (>= t_ref_abs) the neuron cannot fire, as NEST 3.10's model.
#include <cmath>

#include "integrators/iaf_propagator.hpp"
#include "integrators/leak_propagator.hpp"
#include "models/neurons/iaf/iaf_common.hpp"
#include "models/neurons/iaf/iaf_exp_family.hpp"

namespace nestkit {
namespace {

// Columns, grouped by role.
// clang-format off
enum Col : int {
  // parameters
  C_m, tau_m, t_ref_abs, t_ref_tot, E_L, V_reset, V_th, I_e, tau_syn_ex, tau_syn_in, tau_minus, tau_minus_triplet,
  // state: V relative to E_L, synaptic currents, current input, absolute and total refractory steps left
  y, i_ex, i_in, i0, r_abs, r_tot,
  // constants derived before each run
  P11_ex, P11_in, P22, P21_ex, P21_in, P20, theta, reset, abs_steps, tot_steps,
};
// clang-format on
enum Rec : int { kV_m, kI_syn_ex, kI_syn_in };
enum Channel : int { kEx, kIn, kCurrent, kChannels };

class IafPscExpHtum final : public iaf::RelativeVmPopulation<y, E_L> {
 public:
  using RelativeVmPopulation::RelativeVmPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    const double h = rc.grid->resolution();
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(P11_ex) = std::exp(-h / c(tau_syn_ex));
      c(P11_in) = std::exp(-h / c(tau_syn_in));
      c(P22) = std::exp(-h / c(tau_m));
      c(P21_ex) = integrators::IafPropagator(c(tau_syn_ex), c(tau_m), c(C_m)).p32(h);
      c(P21_in) = integrators::IafPropagator(c(tau_syn_in), c(tau_m), c(C_m)).p32(h);
      c(P20) = integrators::leak_current_propagator_tau_first(c(tau_m), c(C_m), c(P22));
      c(theta) = c(V_th) - c(E_L);
      c(reset) = c(V_reset) - c(E_L);
      const long abs = rc.grid->ms_to_steps(c(t_ref_abs)), tot = rc.grid->ms_to_steps(c(t_ref_tot));
      // Checked here, not on set: the step count depends on the resolution.
      if (abs < 1) throw BadProperty("iaf_psc_exp_htum: Absolute refractory time must be at least one time step.");
      if (tot < 1) throw BadProperty("iaf_psc_exp_htum: Total refractory time must be at least one time step.");
      c(abs_steps) = static_cast<double>(abs);
      c(tot_steps) = static_cast<double>(tot);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double *V = col(y), *Iex = col(i_ex), *Iin = col(i_in), *I0 = col(i0), *Ra = col(r_abs), *Rt = col(r_tot);
    const double *p11e = col(P11_ex), *p11i = col(P11_in), *p22 = col(P22), *p21e = col(P21_ex);
    const double *p21i = col(P21_in), *p20 = col(P20), *ie = col(I_e), *th = col(theta), *rs = col(reset);
    const double *na = col(abs_steps), *nt = col(tot_steps);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = input_.row(kEx, step);
      double* in_in = input_.row(kIn, step);
      double* in_cur = input_.row(kCurrent, step);
      for (std::size_t i = begin; i < end; ++i) {
        if (Ra[i] == 0.0) {
          V[i] = V[i] * p22[i] + Iex[i] * p21e[i] + Iin[i] * p21i[i] + (ie[i] + I0[i]) * p20[i];
        } else {
          Ra[i] -= 1.0;
        }
        Iex[i] *= p11e[i];
        Iin[i] *= p11i[i];
        Iex[i] += in_ex[i];
        Iin[i] += in_in[i];
        if (Rt[i] == 0.0) {
          if (V[i] >= th[i]) {
            Ra[i] = na[i];
            Rt[i] = nt[i];
            V[i] = rs[i];
            emit(ctx, i, step + 1);
          }
        } else {
          Rt[i] -= 1.0;
        }
        I0[i] = in_cur[i];
        in_ex[i] = in_in[i] = in_cur[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  // NEST routes weight 0 to the excitatory channel here; the sum is the same.
  void deliver_spikes(const SpikeBatch& b) override { deliver_sign_split(b, kEx, kIn); }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int k, std::size_t i) const override {
    switch (k) {
      // NEST 3.10 records this model's V_m relative to E_L (unlike its status,
      // which is absolute); kept so recordings agree with NEST.
      case kV_m:
        return num_[y][i];
      case kI_syn_ex:
        return num_[i_ex][i];
      default:
        return num_[i_in][i];
    }
  }
};

ModelInfo make_info() {
  ModelInfo m("iaf_psc_exp_htum", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_psc_exp_htum.html");
  m.family = "iaf_current";
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(t_ref_abs, "t_ref_abs", 2.0, "ms", positive(), "Absolute refractory period (V_m clamped)")
      .param(t_ref_tot, "t_ref_tot", 2.0, "ms", positive(), "Total refractory period (no spikes)")
      .param(E_L, "E_L", -70.0, "mV", {}, "Resting membrane potential")
      .param(V_reset, "V_reset", -70.0, "mV", {}, "Reset potential of the membrane")
      .param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(tau_syn_ex, "tau_syn_ex", 2.0, "ms", positive(), "Time constant of the excitatory synaptic current")
      .param(tau_syn_in, "tau_syn_in", 2.0, "ms", positive(), "Time constant of the inhibitory synaptic current");
  iaf::declare_archiving(m, tau_minus);
  iaf::declare_internals(m, y, tot_steps);
  m.derived_state("V_m", -70.0, "mV", "Membrane potential");
  m.recordables = {"V_m", "I_syn_ex", "I_syn_in"};
  m.validate = [](const ParamRow& row) {
    iaf::require_reset_below_threshold(row, "iaf_psc_exp_htum");
    if (row.num("t_ref_abs") > row.num("t_ref_tot"))
      throw BadProperty(
          "iaf_psc_exp_htum: Total refractory period must be larger or equal than absolute refractory time "
          "(t_ref_tot >= t_ref_abs).");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafPscExpHtum>(info); };
  return m;
}

}  // namespace

const ModelInfo& iaf_psc_exp_htum_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
