// iaf_chxk_2008: conductance-based IAF neuron with an after-hyperpolarisation
// conductance (Casti et al. 2008), integrated by RKF45 as NEST 3.10 does. There is
// no reset: a spike is an upward threshold crossing during a step, its time found
// by linear interpolation of V_m and sent as the spike's offset before the step's
// end; the AHP alpha kernel is started from that precise time.
#include <cmath>

#include "models/neurons/iaf_cond/cond_common.hpp"
#include "models/neurons/iaf_cond/models.hpp"

namespace nestkit {
namespace {

enum Col : int {
  V_th,
  g_L,
  C_m,
  E_ex,
  E_in,
  E_L,
  tau_syn_ex,
  tau_syn_in,
  I_e,
  tau_ahp,
  g_ahp,
  E_ahp,
  ahp_bug,
  V_m,
  // internals: the rest of the ODE state, carried integration step, input current
  // of the running step, kernel normalisations
  dg_ex,
  g_ex,
  dg_in,
  g_in,
  dg_ahp,
  g_ahp_state,
  h_int,
  I_stim,
  psc_ex,
  psc_in,
  psc_ahp,
};
enum Rec : int { kV_m, kG_ex, kG_in, kG_ahp, kI_syn_ex, kI_syn_in, kI_ahp };
enum Channel : int { kEx, kIn, kCurrent, kChannels };
enum Y : int { yV, yDGex, yGex, yDGin, yGin, yDGahp, yGahp, kN };

class IafChxk2008 final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
    iaf_cond::init_integration_step(num_[h_int], h_);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(psc_ex) = 1.0 * M_E / c(tau_syn_ex);
      c(psc_in) = 1.0 * M_E / c(tau_syn_in);
      c(psc_ahp) = c(g_ahp) * M_E / c(tau_ahp);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = input_.row(kEx, step);
      double* in_in = input_.row(kIn, step);
      double* in_cur = input_.row(kCurrent, step);
      auto make = [&]<int W>() { return LaneDriver<W>{*this, ctx, step, in_ex, in_in, in_cur}; };
      iaf_cond::advance_lanes<kN>(make, h_, begin, end);
      for (std::size_t i = begin; i < end; ++i) in_ex[i] = in_in[i] = in_cur[i] = 0.0;
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override { deliver_sign_split(b, kEx, kIn); }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int k, std::size_t i) const override {
    auto c = [&](int col) { return num_[col][i]; };
    switch (k) {
      case kV_m:
        return c(V_m);
      case kG_ex:
        return c(g_ex);
      case kG_in:
        return c(g_in);
      case kG_ahp:
        return c(g_ahp_state);
      case kI_syn_ex:
        return c(g_ex) * (c(V_m) - c(E_ex));
      case kI_syn_in:
        return c(g_in) * (c(V_m) - c(E_in));
      default:
        return c(g_ahp_state) * (c(V_m) - c(E_ahp));
    }
  }

 private:
  // What the right-hand side reads besides y, for one node (T = double) or one
  // per lane (T = a lane vector).
  template <class T>
  struct RhsParams {
    T g_L, C_m, E_ex, E_in, E_L, tau_ex, tau_in, tau_ahp, E_ahp, I_stim, I_e;
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums).
  template <class T>
  [[gnu::always_inline]] static void rhs(const RhsParams<T>& p, const T* s, T* f) {
    const T i_ex = s[yGex] * (s[yV] - p.E_ex);
    const T i_in = s[yGin] * (s[yV] - p.E_in);
    const T i_ahp = s[yGahp] * (s[yV] - p.E_ahp);
    const T i_leak = p.g_L * (s[yV] - p.E_L);
    f[yV] = (-i_leak - i_ex - i_in - i_ahp + p.I_stim + p.I_e) / p.C_m;
    f[yDGex] = -s[yDGex] / p.tau_ex;
    f[yGex] = s[yDGex] - (s[yGex] / p.tau_ex);
    f[yDGin] = -s[yDGin] / p.tau_in;
    f[yGin] = s[yDGin] - (s[yGin] / p.tau_in);
    f[yDGahp] = -s[yDGahp] / p.tau_ahp;
    f[yGahp] = s[yDGahp] - (s[yGahp] / p.tau_ahp);
  }

  // Connects the population to the lock-step stepper for one simulation step.
  template <int W>
  struct LaneDriver {
    using Lane = typename integrators::Lanes<W>::V;
    IafChxk2008& pop;
    StepContext& ctx;
    long step;
    const double *in_ex, *in_in, *in_cur;
    RhsParams<Lane> p{};
    double v_prev[W] = {};  // V_m at the start of the step

    bool load(int l, std::size_t i, Lane* y, integrators::LaneStart& s) {
      auto c = [&](int k) { return pop.num_[k][i]; };
      y[yV][l] = c(V_m), y[yDGex][l] = c(dg_ex), y[yGex][l] = c(g_ex), y[yDGin][l] = c(dg_in), y[yGin][l] = c(g_in);
      y[yDGahp][l] = c(dg_ahp), y[yGahp][l] = c(g_ahp_state);
      v_prev[l] = c(V_m);
      p.g_L[l] = c(g_L), p.C_m[l] = c(C_m), p.E_ex[l] = c(E_ex), p.E_in[l] = c(E_in), p.E_L[l] = c(E_L);
      p.tau_ex[l] = c(tau_syn_ex), p.tau_in[l] = c(tau_syn_in), p.tau_ahp[l] = c(tau_ahp), p.E_ahp[l] = c(E_ahp);
      p.I_stim[l] = c(I_stim), p.I_e[l] = c(I_e);
      s = iaf_cond::lane_start(c(h_int));
      return true;
    }

    [[gnu::always_inline]] void rhs(const Lane&, const Lane* y, Lane* f) const { IafChxk2008::rhs<Lane>(p, y, f); }
    bool accepted(int, Lane*) { return true; }

    void finish(int l, std::size_t i, const Lane* ys, double h) {
      auto c = [&](int k) -> double& { return pop.num_[k][i]; };
      double y[kN];
      for (int k = 0; k < kN; ++k) y[k] = ys[k][l];
      c(h_int) = h;
      const double vth = c(V_th);
      if (v_prev[l] < vth && y[yV] >= vth) {
        // Time of the crossing, measured back from the end of the step.
        const double dt = pop.h_ * (y[yV] - vth) / (y[yV] - v_prev[l]);
        const double delta_dg = c(psc_ahp) * std::exp(-dt / c(tau_ahp));
        const double delta_g = delta_dg * dt;
        if (c(ahp_bug) != 0.0) {
          // NEST's option to reproduce the original model code, which replaced
          // the AHP conductance instead of adding to it.
          y[yGahp] = delta_g;
          y[yDGahp] = delta_dg;
        } else {
          y[yGahp] += delta_g;
          y[yDGahp] += delta_dg;
        }
        pop.emit(ctx, i, step + 1, 1u, dt);
      }
      y[yDGex] += in_ex[i] * c(psc_ex);
      y[yDGin] += -in_in[i] * c(psc_in);  // inhibitory weights arrive negative
      c(I_stim) = in_cur[i];
      c(V_m) = y[yV], c(dg_ex) = y[yDGex], c(g_ex) = y[yGex], c(dg_in) = y[yDGin], c(g_in) = y[yGin];
      c(dg_ahp) = y[yDGahp], c(g_ahp_state) = y[yGahp];
    }
  };

  double h_ = 0.1;
};

ModelInfo make_info() {
  ModelInfo m("iaf_chxk_2008", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_chxk_2008.html");
  m.family = "iaf_cond";
  m.param(V_th, "V_th", -45.0, "mV", {}, "Spike threshold")
      .param(g_L, "g_L", 100.0, "nS", {}, "Leak conductance")
      .param(C_m, "C_m", 1000.0, "pF", {}, "Capacitance of the membrane")
      .param(E_ex, "E_ex", 20.0, "mV", {}, "Excitatory reversal potential")
      .param(E_in, "E_in", -90.0, "mV", {}, "Inhibitory reversal potential")
      .param(E_L, "E_L", -60.0, "mV", {}, "Leak reversal potential")
      .param(tau_syn_ex, "tau_syn_ex", 1.0, "ms", {}, "Time constant of the excitatory synaptic alpha function")
      .param(tau_syn_in, "tau_syn_in", 1.0, "ms", {}, "Time constant of the inhibitory synaptic alpha function")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(tau_ahp, "tau_ahp", 0.5, "ms", {}, "Time constant of the AHP alpha function")
      .param(g_ahp, "g_ahp", 443.8, "nS", {}, "Peak AHP conductance")
      .param(E_ahp, "E_ahp", -95.0, "mV", {}, "AHP reversal potential")
      .flag(ahp_bug, "ahp_bug", false, "Reproduce the original code's AHP handling (replace, not add)")
      .state(V_m, "V_m", -60.0, "mV", "Membrane potential");
  for (int c = dg_ex; c <= psc_ahp; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.recordables = {"V_m", "g_ex", "g_in", "g_ahp", "I_syn_ex", "I_syn_in", "I_ahp"};
  m.validate = [](const ParamRow& row) {
    const std::string n = "iaf_chxk_2008";
    iaf_cond::check_capacitance(row, n);
    iaf_cond::check_time_constants(row, n, {"tau_syn_ex", "tau_syn_in", "tau_ahp"});
  };
  m.archiving_params();
  m.make = [](const ModelInfo& info) { return std::make_unique<IafChxk2008>(info); };
  return m;
}

}  // namespace

const ModelInfo& iaf_chxk_2008_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
