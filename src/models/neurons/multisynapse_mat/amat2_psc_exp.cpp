// amat2_psc_exp: mat2_psc_exp with an additional voltage-dependent threshold
// component V_th_v (Kobayashi et al. 2009, Yamauchi et al. 2011): beta times the
// membrane potential's rate of change filtered with the kernel t exp(-t / tau_v).
// The whole linear system is integrated exactly, as NEST 3.10's model.
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
  beta,
  tau_v,
  omega,
  tau_minus,
  tau_minus_triplet,
  // state
  V_th_alpha_1,
  V_th_alpha_2,
  V_th_v,
  // V relative to E_L, synaptic currents, piecewise-constant input current, the
  // derivative-like companion of V_th_v, refractory steps left
  y,
  i_ex,
  i_in,
  i0,
  dth,
  r,
  // constants derived before each run
  P30,
  P31,
  P32,
  P33,
  P60,
  P61,
  P62,
  P63,
  P66,
  P70,
  P71,
  P72,
  P73,
  P76,
  P77,
  P11_ex,
  P11_in,
  P11_th,
  P22_th,
  omega_rel,
  refractory_steps,
};
enum Rec : int { kI_syn_ex, kI_syn_in, kV_m, kV_th, kV_th_v };
enum Channel : int { kEx, kIn, kCurrent, kChannels };

class Amat2PscExp final : public mat::MatPopulation {
 public:
  explicit Amat2PscExp(const ModelInfo& info) : MatPopulation(info, y, E_L) {}

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    const double h = rc.grid->resolution();
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      const integrators::Amat2Propagator p(h, c(C_m), c(beta), c(tau_m), c(tau_syn_ex), c(tau_syn_in), c(tau_v));
      c(P30) = p.p30, c(P31) = p.p31, c(P32) = p.p32, c(P33) = p.p33;
      c(P60) = p.p60, c(P61) = p.p61, c(P62) = p.p62, c(P63) = p.p63, c(P66) = p.p66;
      c(P70) = p.p70, c(P71) = p.p71, c(P72) = p.p72, c(P73) = p.p73, c(P76) = p.p76, c(P77) = p.p77;
      c(P11_ex) = std::exp(-h / c(tau_syn_ex));
      c(P11_in) = std::exp(-h / c(tau_syn_in));
      c(P11_th) = std::exp(-h / c(tau_1));
      c(P22_th) = std::exp(-h / c(tau_2));
      c(omega_rel) = c(omega) - c(E_L);
      c(refractory_steps) = static_cast<double>(mat::total_refractory_steps(*rc.grid, c(t_ref), model_name_));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double *V = col(y), *Iex = col(i_ex), *Iin = col(i_in), *I0 = col(i0), *D = col(dth), *R = col(r);
    double *th1 = col(V_th_alpha_1), *th2 = col(V_th_alpha_2), *thv = col(V_th_v);
    const double *p30 = col(P30), *p31 = col(P31), *p32 = col(P32), *p33 = col(P33);
    const double *p60 = col(P60), *p61 = col(P61), *p62 = col(P62), *p63 = col(P63), *p66 = col(P66);
    const double *p70 = col(P70), *p71 = col(P71), *p72 = col(P72), *p73 = col(P73), *p76 = col(P76);
    const double *p77 = col(P77), *p11e = col(P11_ex), *p11i = col(P11_in), *p11t = col(P11_th);
    const double *p22t = col(P22_th), *ie = col(I_e), *om = col(omega_rel), *a1 = col(alpha_1), *a2 = col(alpha_2);
    const double* refr = col(refractory_steps);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = input_.row(kEx, step);
      double* in_in = input_.row(kIn, step);
      double* in_cur = input_.row(kCurrent, step);
      for (std::size_t i = begin; i < end; ++i) {
        // All three from the values at the start of the step.
        const double I = ie[i] + I0[i];
        const double v_th_v =
            I * p70[i] + Iex[i] * p71[i] + Iin[i] * p72[i] + V[i] * p73[i] + D[i] * p76[i] + thv[i] * p77[i];
        D[i] = I * p60[i] + Iex[i] * p61[i] + Iin[i] * p62[i] + V[i] * p63[i] + D[i] * p66[i];
        V[i] = I * p30[i] + Iex[i] * p31[i] + Iin[i] * p32[i] + V[i] * p33[i];
        thv[i] = v_th_v;
        th1[i] *= p11t[i];
        th2[i] *= p22t[i];
        Iex[i] = Iex[i] * p11e[i] + in_ex[i];
        Iin[i] = Iin[i] * p11i[i] + in_in[i];
        if (R[i] == 0.0) {
          if (V[i] >= om[i] + th2[i] + th1[i] + thv[i]) {
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

  double recordable(int k, std::size_t i) const override {
    switch (k) {
      case kI_syn_ex:
        return num_[i_ex][i];
      case kI_syn_in:
        return num_[i_in][i];
      case kV_m:
        return v_m(i);
      case kV_th:
        return v_th(i);
      default:
        return num_[V_th_v][i];
    }
  }

 protected:
  double v_th(std::size_t i) const override {
    return num_[E_L][i] + (num_[omega][i] - num_[E_L][i]) + num_[V_th_alpha_1][i] + num_[V_th_alpha_2][i] +
           num_[V_th_v][i];
  }
};

ModelInfo make_info() {
  ModelInfo m("amat2_psc_exp", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/amat2_psc_exp.html");
  m.family = "adaptive_threshold";
  m.param(C_m, "C_m", 200.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(t_ref, "t_ref", 2.0, "ms", positive(), "Duration of absolute refractory period (no spiking)")
      .param(E_L, "E_L", -70.0, "mV", {}, "Resting potential")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(tau_syn_ex, "tau_syn_ex", 1.0, "ms", positive(), "Time constant of the excitatory synaptic current")
      .param(tau_syn_in, "tau_syn_in", 3.0, "ms", positive(), "Time constant of the inhibitory synaptic current")
      .param(tau_1, "tau_1", 10.0, "ms", positive(), "Short time constant of the adaptive threshold")
      .param(tau_2, "tau_2", 200.0, "ms", positive(), "Long time constant of the adaptive threshold")
      .param(alpha_1, "alpha_1", 10.0, "mV", {}, "Amplitude of the short-time threshold adaptation")
      .param(alpha_2, "alpha_2", 0.0, "mV", {}, "Amplitude of the long-time threshold adaptation")
      .param(beta, "beta", 0.0, "1/ms", {}, "Scaling of the voltage-dependent threshold component")
      .param(tau_v, "tau_v", 5.0, "ms", positive(), "Time constant of the voltage-dependent threshold component")
      .param(omega, "omega", -65.0, "mV", {}, "Resting spike threshold (absolute, not relative to E_L)")
      .param(tau_minus, "tau_minus", 20.0, "ms", positive(), "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", positive(),
             "Triplet-STDP post-synaptic time constant")
      .state(V_th_alpha_1, "V_th_alpha_1", 0.0, "mV", "Short-time threshold component")
      .state(V_th_alpha_2, "V_th_alpha_2", 0.0, "mV", "Long-time threshold component")
      .state(V_th_v, "V_th_v", 0.0, "mV", "Voltage-dependent threshold component");
  for (int c = y; c <= refractory_steps; ++c) m.internal(c, "_internal_" + std::to_string(c));
  mat::declare_potentials(m, -65.0);
  m.recordables = {"I_syn_ex", "I_syn_in", "V_m", "V_th", "V_th_v"};
  m.validate = [](const ParamRow& row) {
    const double tm = row.num("tau_m"), te = row.num("tau_syn_ex"), ti = row.num("tau_syn_in");
    const double tv = row.num("tau_v");
    if (tm == te || tm == ti || tm == tv)
      throw BadProperty("amat2_psc_exp: tau_m must differ from tau_syn_ex, tau_syn_in and tau_v.");
    if (tv == te || tv == ti)
      throw BadProperty("amat2_psc_exp: tau_v must differ from tau_syn_ex, tau_syn_in and tau_m.");
    mat::refresh_v_th(row, row.num("E_L") + (row.num("omega") - row.num("E_L")) + row.num("V_th_alpha_1") +
                               row.num("V_th_alpha_2") + row.num("V_th_v"));
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<Amat2PscExp>(info); };
  return m;
}

}  // namespace

const ModelInfo& amat2_psc_exp_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
