// iaf_cond_exp and iaf_cond_exp_sfa_rr: leaky integrate-and-fire neurons with
// exponentially decaying synaptic conductances, integrated by RKF45 as NEST 3.10
// does; the _sfa_rr variant adds spike-frequency adaptation and relative
// refractoriness conductances that jump by q_sfa / q_rr at each spike.
#include <algorithm>

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
      for (std::size_t i = begin; i < end; ++i) {
        auto c = [&](int k) -> double& { return num_[k][i]; };
        double y[kN];
        y[0] = c(V_m), y[1] = c(g_ex), y[2] = c(g_in);
        if constexpr (kSfaRr) y[3] = c(g_sfa), y[4] = c(g_rr);
        const bool refractory = c(r) > 0.0;
        const double vth = c(V_th), vreset = c(V_reset), gl = c(g_L), cm = c(C_m), eex = c(E_ex), ein = c(E_in),
                     el = c(E_L), tex = c(tau_syn_ex), tin = c(tau_syn_in), drive = c(I_stim), ie = c(I_e);
        double esfa = 0.0, err = 0.0, tsfa = 1.0, trr = 1.0;
        if constexpr (kSfaRr) esfa = c(E_sfa), err = c(E_rr), tsfa = c(tau_sfa), trr = c(tau_rr);
        auto rhs = [&](double, const double* s, double* f) {
          const double v = refractory ? vreset : std::min(s[0], vth);
          const double i_ex = s[1] * (v - eex);
          const double i_in = s[2] * (v - ein);
          const double i_leak = gl * (v - el);
          if constexpr (kSfaRr) {
            const double i_sfa = s[3] * (v - esfa);
            const double i_rr = s[4] * (v - err);
            f[0] = refractory ? 0.0 : (-i_leak + drive + ie - i_ex - i_in - i_sfa - i_rr) / cm;
            f[3] = -s[3] / tsfa;
            f[4] = -s[4] / trr;
          } else {
            f[0] = refractory ? 0.0 : (-i_leak + drive + ie - i_ex - i_in) / cm;
          }
          f[1] = -s[1] / tex;
          f[2] = -s[2] / tin;
          return true;
        };
        iaf_cond::advance<kN>(rhs, h_, c(h_int), y);
        // Unlike the alpha models, input lands before the threshold test.
        y[1] += in_ex[i];
        y[2] += -in_in[i];  // inhibitory weights arrive negative; NEST buffers magnitudes
        if (refractory) {
          c(r) -= 1.0;
          y[0] = vreset;
        } else if (y[0] >= vth) {
          c(r) = c(ref_counts);
          y[0] = vreset;
          if constexpr (kSfaRr) {
            y[3] += c(q_sfa);
            y[4] += c(q_rr);
          }
          emit(ctx, i, step + 1);
        }
        c(I_stim) = in_cur[i];
        in_ex[i] = in_in[i] = in_cur[i] = 0.0;
        c(V_m) = y[0], c(g_ex) = y[1], c(g_in) = y[2];
        if constexpr (kSfaRr) c(g_sfa) = y[3], c(g_rr) = y[4];
      }
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
