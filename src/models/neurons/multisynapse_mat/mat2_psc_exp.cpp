// mat2_psc_exp: non-resetting leaky integrate-and-fire neuron with exponential
// PSCs and a multi-timescale adaptive threshold (Kobayashi et al. 2009), as NEST
// 3.10's model. Each spike raises two threshold components by alpha_1, alpha_2,
// which decay with tau_1, tau_2; V is never reset, and during t_ref no spike can
// be emitted.
#include <cmath>

#include "integrators/mat_propagator.hpp"
#include "models/neurons/multisynapse_mat/mat_common.hpp"
#include "models/neurons/multisynapse_mat/models.hpp"

namespace nestkit {
namespace {

enum Col : int {
  // parameters
  C_m,
  tau_m,
  t_ref,
  E_L,
  I_e,
  tau_syn_ex,
  tau_syn_in,
  tau_1,
  tau_2,
  alpha_1,
  alpha_2,
  omega,
  tau_minus,
  tau_minus_triplet,
  // state
  V_th_alpha_1,
  V_th_alpha_2,
  // V relative to E_L, synaptic currents, piecewise-constant input current, refractory steps left
  y,
  i_ex,
  i_in,
  i0,
  r,
  // constants derived before each run
  P11_ex,
  P11_in,
  P22_expm1,
  P21_ex,
  P21_in,
  P20,
  P11_th,
  P22_th,
  omega_rel,
  refractory_steps,
};
enum Rec : int { kV_m, kV_th };
enum Channel : int { kEx, kIn, kCurrent, kChannels };

class Mat2PscExp final : public mat::MatPopulation {
 public:
  explicit Mat2PscExp(const ModelInfo& info) : MatPopulation(info, y, E_L) {}

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    const double h = rc.grid->resolution();
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(P11_ex) = std::exp(-h / c(tau_syn_ex));
      c(P11_in) = std::exp(-h / c(tau_syn_in));
      c(P22_expm1) = std::expm1(-h / c(tau_m));
      // NEST's mat2_psc_exp forms these itself (not with its IAFPropagator), with libm's expm1.
      c(P21_ex) = -c(tau_m) / (c(C_m) * (1.0 - c(tau_m) / c(tau_syn_ex))) * c(P11_ex) *
                  std::expm1(h * (1.0 / c(tau_syn_ex) - 1.0 / c(tau_m)));
      c(P21_in) = -c(tau_m) / (c(C_m) * (1.0 - c(tau_m) / c(tau_syn_in))) * c(P11_in) *
                  std::expm1(h * (1.0 / c(tau_syn_in) - 1.0 / c(tau_m)));
      c(P20) = integrators::leak_current_propagator(h, c(tau_m), c(C_m));
      c(P11_th) = std::exp(-h / c(tau_1));
      c(P22_th) = std::exp(-h / c(tau_2));
      c(omega_rel) = c(omega) - c(E_L);
      c(refractory_steps) = static_cast<double>(mat::total_refractory_steps(*rc.grid, c(t_ref), model_name_));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double *V = col(y), *Iex = col(i_ex), *Iin = col(i_in), *I0 = col(i0), *R = col(r);
    double *th1 = col(V_th_alpha_1), *th2 = col(V_th_alpha_2);
    const double *p11e = col(P11_ex), *p11i = col(P11_in), *p22 = col(P22_expm1), *p21e = col(P21_ex);
    const double *p21i = col(P21_in), *p20 = col(P20), *p11t = col(P11_th), *p22t = col(P22_th);
    const double *ie = col(I_e), *om = col(omega_rel), *a1 = col(alpha_1), *a2 = col(alpha_2);
    const double* refr = col(refractory_steps);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = input_.row(kEx, step);
      double* in_in = input_.row(kIn, step);
      double* in_cur = input_.row(kCurrent, step);
      for (std::size_t i = begin; i < end; ++i) {
        V[i] = V[i] * p22[i] + V[i] + Iex[i] * p21e[i] + Iin[i] * p21i[i] + (ie[i] + I0[i]) * p20[i];
        th1[i] *= p11t[i];
        th2[i] *= p22t[i];
        Iex[i] = Iex[i] * p11e[i] + in_ex[i];
        Iin[i] = Iin[i] * p11i[i] + in_in[i];
        if (R[i] == 0.0) {
          if (V[i] >= om[i] + th2[i] + th1[i]) {
            R[i] = refr[i];
            th1[i] += a1[i];
            th2[i] += a2[i];
            emit(ctx, i, step + 1);
          }
        } else {
          R[i] -= 1.0;
        }
        I0[i] = in_cur[i];
        in_ex[i] = in_in[i] = in_cur[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override { deliver_sign_split_zero_ex(b, kEx, kIn); }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int k, std::size_t i) const override { return k == kV_m ? v_m(i) : v_th(i); }

 protected:
  double v_th(std::size_t i) const override {
    return num_[E_L][i] + (num_[omega][i] - num_[E_L][i]) + num_[V_th_alpha_1][i] + num_[V_th_alpha_2][i];
  }
};

ModelInfo make_info() {
  ModelInfo m("mat2_psc_exp", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/mat2_psc_exp.html");
  m.family = "adaptive_threshold";
  m.param(C_m, "C_m", 100.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 5.0, "ms", positive(), "Membrane time constant")
      .param(t_ref, "t_ref", 2.0, "ms", positive(), "Duration of absolute refractory period (no spiking)")
      .param(E_L, "E_L", -70.0, "mV", {}, "Resting potential")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(tau_syn_ex, "tau_syn_ex", 1.0, "ms", positive(), "Time constant of the excitatory synaptic current")
      .param(tau_syn_in, "tau_syn_in", 3.0, "ms", positive(), "Time constant of the inhibitory synaptic current")
      .param(tau_1, "tau_1", 10.0, "ms", positive(), "Short time constant of the adaptive threshold")
      .param(tau_2, "tau_2", 200.0, "ms", positive(), "Long time constant of the adaptive threshold")
      .param(alpha_1, "alpha_1", 37.0, "mV", {}, "Amplitude of the short-time threshold adaptation")
      .param(alpha_2, "alpha_2", 2.0, "mV", {}, "Amplitude of the long-time threshold adaptation")
      .param(omega, "omega", -51.0, "mV", {}, "Resting spike threshold (absolute, not relative to E_L)")
      .param(tau_minus, "tau_minus", 20.0, "ms", positive(), "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", positive(),
             "Triplet-STDP post-synaptic time constant")
      .state(V_th_alpha_1, "V_th_alpha_1", 0.0, "mV", "Short-time threshold component")
      .state(V_th_alpha_2, "V_th_alpha_2", 0.0, "mV", "Long-time threshold component");
  for (int c = y; c <= refractory_steps; ++c) m.internal(c, "_internal_" + std::to_string(c));
  mat::declare_potentials(m, -51.0);
  m.recordables = {"V_m", "V_th"};
  m.validate = [](const ParamRow& row) {
    if (row.num("tau_m") == row.num("tau_syn_ex") || row.num("tau_m") == row.num("tau_syn_in"))
      throw BadProperty(
          "mat2_psc_exp: Membrane and synapse time constant(s) must differ (tau_m != tau_syn_ex, tau_syn_in).");
    mat::refresh_v_th(
        row, row.num("E_L") + (row.num("omega") - row.num("E_L")) + row.num("V_th_alpha_1") + row.num("V_th_alpha_2"));
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<Mat2PscExp>(info); };
  return m;
}

}  // namespace

const ModelInfo& mat2_psc_exp_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
