// iaf_cond_alpha and iaf_cond_beta: leaky integrate-and-fire neurons with alpha-
// or beta-shaped synaptic conductances, integrated by RKF45 as NEST 3.10 does.
// The alpha kernel is the beta kernel with equal rise and decay times (NEST's
// right-hand sides and kernel normalisations coincide then), so one population
// class serves both models.
#include "models/neurons/iaf_cond/cond_common.hpp"
#include "models/neurons/iaf_cond/models.hpp"

namespace nestkit {
namespace {

enum Col : int {
  // parameters; for iaf_cond_alpha the *_rise columns hold tau_syn_* and the
  // *_decay columns are unused internals
  V_th,
  V_reset,
  t_ref,
  g_L,
  C_m,
  E_ex,
  E_in,
  E_L,
  tau_rise_ex,
  tau_decay_ex,
  tau_rise_in,
  tau_decay_in,
  I_e,
  // state, in NEST's ODE order from V_m on
  V_m,
  dg_ex,
  g_ex,
  dg_in,
  g_in,
  // internals: refractory steps left, carried integration step, input current of
  // the running step, derived constants
  r,
  h_int,
  I_stim,
  psc_ex,
  psc_in,
  ref_counts,
};
enum Rec : int { kV_m, kG_ex, kG_in, kT_ref_remaining };
enum Channel : int { kEx, kIn, kCurrent, kChannels };
enum Y : int { yV, yDGex, yGex, yDGin, yGin, kN };

class IafCondAlphaBeta final : public NeuronPopulation {
 public:
  IafCondAlphaBeta(const ModelInfo& info, bool beta) : NeuronPopulation(info), beta_(beta) {}

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
    iaf_cond::init_integration_step(num_[h_int], h_);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      if (beta_) {
        c(psc_ex) = iaf_cond::beta_normalization(c(tau_rise_ex), c(tau_decay_ex));
        c(psc_in) = iaf_cond::beta_normalization(c(tau_rise_in), c(tau_decay_in));
      } else {
        c(tau_decay_ex) = c(tau_rise_ex);
        c(tau_decay_in) = c(tau_rise_in);
        c(psc_ex) = 1.0 * M_E / c(tau_rise_ex);
        c(psc_in) = 1.0 * M_E / c(tau_rise_in);
      }
      c(ref_counts) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
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
    switch (k) {
      case kV_m:
        return num_[V_m][i];
      case kG_ex:
        return num_[g_ex][i];
      case kG_in:
        return num_[g_in][i];
      default:
        return h_ * num_[r][i];
    }
  }

 private:
  // What the right-hand side reads besides y, for one node (T = double) or one
  // per lane (T = a lane vector). `refractory` is 1 or 0, fixed for the simulation step.
  template <class T>
  struct RhsParams {
    T refractory, V_reset, V_th, g_L, C_m, E_ex, E_in, E_L, tau_rise_ex, tau_decay_ex, tau_rise_in, tau_decay_in,
        I_stim, I_e;
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums).
  template <class T>
  [[gnu::always_inline]] static void rhs(const RhsParams<T>& p, const T* s, T* f) {
    using namespace integrators;
    const auto refractory = p.refractory > 0.0;
    const T v = select(refractory, p.V_reset, lane_min(s[yV], p.V_th));
    const T i_ex = s[yGex] * (v - p.E_ex);
    const T i_in = s[yGin] * (v - p.E_in);
    const T i_leak = p.g_L * (v - p.E_L);
    f[yV] = select(refractory, splat<T>(0.0), (-i_leak - i_ex - i_in + p.I_stim + p.I_e) / p.C_m);
    f[yDGex] = -s[yDGex] / p.tau_decay_ex;
    f[yGex] = s[yDGex] - (s[yGex] / p.tau_rise_ex);
    f[yDGin] = -s[yDGin] / p.tau_decay_in;
    f[yGin] = s[yDGin] - (s[yGin] / p.tau_rise_in);
  }

  // Connects the population to the lock-step stepper for one simulation step.
  template <int W>
  struct LaneDriver {
    using Lane = typename integrators::Lanes<W>::V;
    IafCondAlphaBeta& pop;
    StepContext& ctx;
    long step;
    const double *in_ex, *in_in, *in_cur;
    RhsParams<Lane> p{};

    bool load(int l, std::size_t i, Lane* y, integrators::LaneStart& s) {
      auto c = [&](int k) { return pop.num_[k][i]; };
      y[yV][l] = c(V_m), y[yDGex][l] = c(dg_ex), y[yGex][l] = c(g_ex), y[yDGin][l] = c(dg_in), y[yGin][l] = c(g_in);
      p.refractory[l] = c(r) > 0.0 ? 1.0 : 0.0;
      p.V_reset[l] = c(V_reset), p.V_th[l] = c(V_th), p.g_L[l] = c(g_L), p.C_m[l] = c(C_m);
      p.E_ex[l] = c(E_ex), p.E_in[l] = c(E_in), p.E_L[l] = c(E_L);
      p.tau_rise_ex[l] = c(tau_rise_ex), p.tau_decay_ex[l] = c(tau_decay_ex);
      p.tau_rise_in[l] = c(tau_rise_in), p.tau_decay_in[l] = c(tau_decay_in);
      p.I_stim[l] = c(I_stim), p.I_e[l] = c(I_e);
      s = iaf_cond::lane_start(c(h_int));
      return true;
    }

    [[gnu::always_inline]] void rhs(const Lane&, const Lane* y, Lane* f) const { IafCondAlphaBeta::rhs<Lane>(p, y, f); }
    bool accepted(int, Lane*) { return true; }

    void finish(int l, std::size_t i, const Lane* ys, double h) {
      auto c = [&](int k) -> double& { return pop.num_[k][i]; };
      double y[kN];
      for (int k = 0; k < kN; ++k) y[k] = ys[k][l];
      c(h_int) = h;
      if (p.refractory[l] > 0.0) {
        c(r) -= 1.0;
        y[yV] = c(V_reset);
      } else if (y[yV] >= c(V_th)) {
        c(r) = c(ref_counts);
        y[yV] = c(V_reset);
        pop.emit(ctx, i, step + 1);
      }
      // Inhibitory weights arrive negative; NEST buffers their magnitudes.
      y[yDGex] += in_ex[i] * c(psc_ex);
      y[yDGin] += -in_in[i] * c(psc_in);
      c(I_stim) = in_cur[i];
      c(V_m) = y[yV];
      c(dg_ex) = y[yDGex];
      c(g_ex) = y[yGex];
      c(dg_in) = y[yDGin];
      c(g_in) = y[yGin];
    }
  };

  bool beta_;
  double h_ = 0.1;
};

void declare_common(ModelInfo& m) {
  m.family = "iaf_cond";
  m.param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold")
      .param(V_reset, "V_reset", -60.0, "mV", {}, "Reset potential of the membrane")
      .param(t_ref, "t_ref", 2.0, "ms", {}, "Duration of refractory period")
      .param(g_L, "g_L", 16.6667, "nS", {}, "Leak conductance")
      .param(C_m, "C_m", 250.0, "pF", {}, "Capacitance of the membrane")
      .param(E_ex, "E_ex", 0.0, "mV", {}, "Excitatory reversal potential")
      .param(E_in, "E_in", -85.0, "mV", {}, "Inhibitory reversal potential")
      .param(E_L, "E_L", -70.0, "mV", {}, "Leak reversal potential");
}

void declare_state(ModelInfo& m) {
  m.param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .state(V_m, "V_m", -70.0, "mV", "Membrane potential")
      .state(dg_ex, "dg_ex", 0.0, "nS/ms", "First derivative of g_ex")
      .state(g_ex, "g_ex", 0.0, "nS", "Excitatory synaptic conductance")
      .state(dg_in, "dg_in", 0.0, "nS/ms", "First derivative of g_in")
      .state(g_in, "g_in", 0.0, "nS", "Inhibitory synaptic conductance");
  for (int c = r; c <= ref_counts; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.recordables = {"V_m", "g_ex", "g_in", "t_ref_remaining"};
}

ModelInfo make_alpha() {
  ModelInfo m("iaf_cond_alpha", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_cond_alpha.html");
  declare_common(m);
  m.param(tau_rise_ex, "tau_syn_ex", 0.2, "ms", {}, "Rise time of the excitatory synaptic alpha function")
      .internal(tau_decay_ex, "_tau_decay_ex")
      .param(tau_rise_in, "tau_syn_in", 2.0, "ms", {}, "Rise time of the inhibitory synaptic alpha function")
      .internal(tau_decay_in, "_tau_decay_in");
  declare_state(m);
  m.validate = [](const ParamRow& row) {
    const std::string n = "iaf_cond_alpha";
    iaf_cond::check_reset(row, n);
    iaf_cond::check_capacitance(row, n);
    iaf_cond::check_t_ref(row, n);
    iaf_cond::check_time_constants(row, n, {"tau_syn_ex", "tau_syn_in"});
  };
  m.archiving_params();
  m.make = [](const ModelInfo& info) { return std::make_unique<IafCondAlphaBeta>(info, false); };
  return m;
}

ModelInfo make_beta() {
  ModelInfo m("iaf_cond_beta", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_cond_beta.html");
  declare_common(m);
  m.param(tau_rise_ex, "tau_rise_ex", 0.2, "ms", {}, "Rise time of the excitatory synaptic beta function")
      .param(tau_decay_ex, "tau_decay_ex", 0.2, "ms", {}, "Decay time of the excitatory synaptic beta function")
      .param(tau_rise_in, "tau_rise_in", 2.0, "ms", {}, "Rise time of the inhibitory synaptic beta function")
      .param(tau_decay_in, "tau_decay_in", 2.0, "ms", {}, "Decay time of the inhibitory synaptic beta function");
  declare_state(m);
  m.validate = [](const ParamRow& row) {
    const std::string n = "iaf_cond_beta";
    iaf_cond::check_reset(row, n);
    iaf_cond::check_capacitance(row, n);
    iaf_cond::check_t_ref(row, n);
    iaf_cond::check_time_constants(row, n, {"tau_rise_ex", "tau_decay_ex", "tau_rise_in", "tau_decay_in"});
  };
  m.archiving_params();
  m.make = [](const ModelInfo& info) { return std::make_unique<IafCondAlphaBeta>(info, true); };
  return m;
}

}  // namespace

const ModelInfo& iaf_cond_alpha_model() {
  static const ModelInfo info = make_alpha();
  return info;
}

const ModelInfo& iaf_cond_beta_model() {
  static const ModelInfo info = make_beta();
  return info;
}

}  // namespace nestkit
