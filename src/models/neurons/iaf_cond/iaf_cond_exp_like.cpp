// iaf_cond_exp and iaf_cond_exp_sfa_rr: leaky integrate-and-fire neurons with
// exponentially decaying synaptic conductances, integrated by RKF45 as NEST 3.10
// does; the _sfa_rr variant adds spike-frequency adaptation and relative
// refractoriness conductances that jump by q_sfa / q_rr at each spike.
#include "models/neurons/iaf_cond/cond_common.hpp"
#include "models/neurons/iaf_cond/models.hpp"

namespace nestkit {
namespace {

enum Col : int {
  // parameters shared by both models
  V_th,
  V_reset,
  t_ref,
  g_L,
  C_m,
  E_ex,
  E_in,
  E_L,
  tau_syn_ex,
  tau_syn_in,
  I_e,
  // state
  V_m,
  g_ex,
  g_in,
  // internals: refractory steps left, carried integration step, input current of
  // the running step, refractory period in steps
  r,
  h_int,
  I_stim,
  ref_counts,
  // iaf_cond_exp_sfa_rr only
  tau_sfa,
  tau_rr,
  E_sfa,
  E_rr,
  q_sfa,
  q_rr,
  g_sfa,
  g_rr,
};
enum Channel : int { kEx, kIn, kCurrent, kChannels };

template <bool kSfaRr>
class IafCondExpLike final : public NeuronPopulation {
  static constexpr std::size_t kN = kSfaRr ? 5 : 3;  // V_m, g_ex, g_in[, g_sfa, g_rr]

 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
    iaf_cond::init_integration_step(num_[h_int], h_);
    for (std::size_t i = 0; i < n_; ++i)
      num_[ref_counts][i] = static_cast<double>(rc.grid->ms_to_steps(num_[t_ref][i]));
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

  // Recordables: V_m, g_ex, g_in, then g_sfa, g_rr (sfa_rr) or t_ref_remaining.
  double recordable(int k, std::size_t i) const override {
    static constexpr int kCols[] = {V_m, g_ex, g_in, kSfaRr ? g_sfa : -1, kSfaRr ? g_rr : -1};
    return kCols[k] >= 0 ? num_[kCols[k]][i] : 0.0;
  }

 private:
  // What the right-hand side reads besides y, for one node (T = double) or one
  // per lane (T = a lane vector). `refractory` is 1 or 0, fixed for the simulation step.
  template <class T>
  struct RhsParams {
    T refractory, V_reset, V_th, g_L, C_m, E_ex, E_in, E_L, tau_ex, tau_in, I_stim, I_e;
    T E_sfa, E_rr, tau_sfa, tau_rr;  // _sfa_rr only
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums).
  template <class T>
  [[gnu::always_inline]] static void rhs(const RhsParams<T>& p, const T* s, T* f) {
    using namespace integrators;
    const auto refractory = p.refractory > 0.0;
    const T v = select(refractory, p.V_reset, lane_min(s[0], p.V_th));
    const T i_ex = s[1] * (v - p.E_ex);
    const T i_in = s[2] * (v - p.E_in);
    const T i_leak = p.g_L * (v - p.E_L);
    if constexpr (kSfaRr) {
      const T i_sfa = s[3] * (v - p.E_sfa);
      const T i_rr = s[4] * (v - p.E_rr);
      f[0] = select(refractory, splat<T>(0.0), (-i_leak + p.I_stim + p.I_e - i_ex - i_in - i_sfa - i_rr) / p.C_m);
      f[3] = -s[3] / p.tau_sfa;
      f[4] = -s[4] / p.tau_rr;
    } else {
      f[0] = select(refractory, splat<T>(0.0), (-i_leak + p.I_stim + p.I_e - i_ex - i_in) / p.C_m);
    }
    f[1] = -s[1] / p.tau_ex;
    f[2] = -s[2] / p.tau_in;
  }

  // Connects the population to the lock-step stepper for one simulation step.
  template <int W>
  struct LaneDriver {
    using Lane = typename integrators::Lanes<W>::V;
    IafCondExpLike& pop;
    StepContext& ctx;
    long step;
    const double *in_ex, *in_in, *in_cur;
    RhsParams<Lane> p{};

    bool load(int l, std::size_t i, Lane* y, integrators::LaneStart& s) {
      auto c = [&](int k) { return pop.num_[k][i]; };
      y[0][l] = c(V_m), y[1][l] = c(g_ex), y[2][l] = c(g_in);
      if constexpr (kSfaRr) y[3][l] = c(g_sfa), y[4][l] = c(g_rr);
      p.refractory[l] = c(r) > 0.0 ? 1.0 : 0.0;
      p.V_reset[l] = c(V_reset), p.V_th[l] = c(V_th), p.g_L[l] = c(g_L), p.C_m[l] = c(C_m);
      p.E_ex[l] = c(E_ex), p.E_in[l] = c(E_in), p.E_L[l] = c(E_L);
      p.tau_ex[l] = c(tau_syn_ex), p.tau_in[l] = c(tau_syn_in), p.I_stim[l] = c(I_stim), p.I_e[l] = c(I_e);
      if constexpr (kSfaRr) {
        p.E_sfa[l] = c(E_sfa), p.E_rr[l] = c(E_rr), p.tau_sfa[l] = c(tau_sfa), p.tau_rr[l] = c(tau_rr);
      } else {
        p.E_sfa[l] = p.E_rr[l] = 0.0, p.tau_sfa[l] = p.tau_rr[l] = 1.0;
      }
      s = iaf_cond::lane_start(c(h_int));
      return true;
    }

    [[gnu::always_inline]] void rhs(const Lane&, const Lane* y, Lane* f) const { IafCondExpLike::rhs<Lane>(p, y, f); }
    bool accepted(int, Lane*) { return true; }

    void finish(int l, std::size_t i, const Lane* ys, double h) {
      auto c = [&](int k) -> double& { return pop.num_[k][i]; };
      double y[kN];
      for (std::size_t k = 0; k < kN; ++k) y[k] = ys[k][l];
      c(h_int) = h;
      // Unlike the alpha models, input lands before the threshold test.
      y[1] += in_ex[i];
      y[2] += -in_in[i];  // inhibitory weights arrive negative; NEST buffers magnitudes
      if (p.refractory[l] > 0.0) {
        c(r) -= 1.0;
        y[0] = c(V_reset);
      } else if (y[0] >= c(V_th)) {
        c(r) = c(ref_counts);
        y[0] = c(V_reset);
        if constexpr (kSfaRr) {
          y[3] += c(q_sfa);
          y[4] += c(q_rr);
        }
        pop.emit(ctx, i, step + 1);
      }
      c(I_stim) = in_cur[i];
      c(V_m) = y[0], c(g_ex) = y[1], c(g_in) = y[2];
      if constexpr (kSfaRr) c(g_sfa) = y[3], c(g_rr) = y[4];
    }
  };

  double h_ = 0.1;
};

void declare(ModelInfo& m, const double* d) {
  m.family = "iaf_cond";
  m.param(V_th, "V_th", d[0], "mV", {}, "Spike threshold")
      .param(V_reset, "V_reset", d[1], "mV", {}, "Reset potential of the membrane")
      .param(t_ref, "t_ref", d[2], "ms", {}, "Duration of refractory period")
      .param(g_L, "g_L", d[3], "nS", {}, "Leak conductance")
      .param(C_m, "C_m", d[4], "pF", {}, "Capacitance of the membrane")
      .param(E_ex, "E_ex", d[5], "mV", {}, "Excitatory reversal potential")
      .param(E_in, "E_in", d[6], "mV", {}, "Inhibitory reversal potential")
      .param(E_L, "E_L", d[7], "mV", {}, "Leak reversal potential")
      .param(tau_syn_ex, "tau_syn_ex", d[8], "ms", {}, "Time constant of the excitatory synaptic conductance")
      .param(tau_syn_in, "tau_syn_in", d[9], "ms", {}, "Time constant of the inhibitory synaptic conductance")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .state(V_m, "V_m", d[7], "mV", "Membrane potential")
      .state(g_ex, "g_ex", 0.0, "nS", "Excitatory synaptic conductance")
      .state(g_in, "g_in", 0.0, "nS", "Inhibitory synaptic conductance");
  for (int c = r; c <= ref_counts; ++c) m.internal(c, "_internal_" + std::to_string(c));
}

ModelInfo make_exp() {
  ModelInfo m("iaf_cond_exp", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_cond_exp.html");
  const double d[] = {-55.0, -60.0, 2.0, 16.6667, 250.0, 0.0, -85.0, -70.0, 0.2, 2.0};
  declare(m, d);
  m.recordables = {"V_m", "g_ex", "g_in"};
  m.validate = [](const ParamRow& row) {
    const std::string n = "iaf_cond_exp";
    iaf_cond::check_reset(row, n);
    iaf_cond::check_capacitance(row, n);
    iaf_cond::check_t_ref(row, n);
    iaf_cond::check_time_constants(row, n, {"tau_syn_ex", "tau_syn_in"});
  };
  m.archiving_params();
  m.make = [](const ModelInfo& info) { return std::make_unique<IafCondExpLike<false>>(info); };
  return m;
}

ModelInfo make_sfa_rr() {
  ModelInfo m("iaf_cond_exp_sfa_rr", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_cond_exp_sfa_rr.html");
  const double d[] = {-57.0, -70.0, 0.5, 28.95, 289.5, 0.0, -75.0, -70.0, 1.5, 10.0};
  declare(m, d);
  m.param(tau_sfa, "tau_sfa", 110.0, "ms", {}, "Time constant of the adaptation conductance")
      .param(tau_rr, "tau_rr", 1.97, "ms", {}, "Time constant of the relative refractory conductance")
      .param(E_sfa, "E_sfa", -70.0, "mV", {}, "Reversal potential of the adaptation conductance")
      .param(E_rr, "E_rr", -70.0, "mV", {}, "Reversal potential of the relative refractory conductance")
      .param(q_sfa, "q_sfa", 14.48, "nS", {}, "Adaptation conductance increment per spike")
      .param(q_rr, "q_rr", 3214.0, "nS", {}, "Relative refractory conductance increment per spike")
      .state(g_sfa, "g_sfa", 0.0, "nS", "Spike-frequency adaptation conductance")
      .state(g_rr, "g_rr", 0.0, "nS", "Relative refractory conductance");
  m.recordables = {"V_m", "g_ex", "g_in", "g_sfa", "g_rr"};
  m.validate = [](const ParamRow& row) {
    const std::string n = "iaf_cond_exp_sfa_rr";
    iaf_cond::check_reset(row, n);
    iaf_cond::check_capacitance(row, n);
    iaf_cond::check_t_ref(row, n);
    iaf_cond::check_time_constants(row, n, {"tau_syn_ex", "tau_syn_in", "tau_sfa", "tau_rr"});
  };
  m.archiving_params();
  m.make = [](const ModelInfo& info) { return std::make_unique<IafCondExpLike<true>>(info); };
  return m;
}

}  // namespace

const ModelInfo& iaf_cond_exp_model() {
  static const ModelInfo info = make_exp();
  return info;
}

const ModelInfo& iaf_cond_exp_sfa_rr_model() {
  static const ModelInfo info = make_sfa_rr();
  return info;
}

}  // namespace nestkit
