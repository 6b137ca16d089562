// ht_neuron: Hill & Tononi (2005) thalamocortical neuron as NEST 3.10's model.
// Leak Na/K currents, a dynamic threshold, four beta-shaped synaptic conductances
// (spike ports AMPA=1, NMDA=2 with Mg unblock, GABA_A=3, GABA_B=4) and the
// intrinsic currents I_NaP, I_KNa, I_T and I_h, integrated with RKF45 (GSL's
// control y(1e-3, 0)). A spike sets V_m and theta to E_Na and switches on a
// repolarising potassium current for t_ref. The spike test runs after every
// accepted integrator step, not once per simulation step, as in NEST.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "integrators/rkf45.hpp"
#include "models/neurons/misc_ode/misc_ode.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/errors.hpp"

namespace nestkit {
namespace {

enum Col : int {
  // parameters
  E_Na,
  E_K,
  g_NaL,
  g_KL,
  tau_m,
  theta_eq,
  tau_theta,
  t_ref,
  tau_spike,
  g_peak_AMPA,
  tau_rise_AMPA,
  tau_decay_AMPA,
  E_rev_AMPA,
  g_peak_NMDA,
  tau_rise_NMDA,
  tau_decay_NMDA,
  E_rev_NMDA,
  V_act_NMDA,
  S_act_NMDA,
  tau_Mg_slow_NMDA,
  tau_Mg_fast_NMDA,
  instant_unblock_NMDA,
  g_peak_GABA_A,
  tau_rise_GABA_A,
  tau_decay_GABA_A,
  E_rev_GABA_A,
  g_peak_GABA_B,
  tau_rise_GABA_B,
  tau_decay_GABA_B,
  E_rev_GABA_B,
  g_peak_NaP,
  E_rev_NaP,
  N_NaP,
  g_peak_KNa,
  E_rev_KNa,
  tau_D_KNa,
  g_peak_T,
  E_rev_T,
  N_T,
  g_peak_h,
  E_rev_h,
  voltage_clamp,
  tau_minus,
  tau_minus_triplet,
  // ODE state, contiguous in NEST's vector order (V_m and theta are user-visible)
  V_m,
  theta,
  dg_AMPA,
  g_AMPA,
  dg_NMDA,
  g_NMDA_tc,  // NMDA time course; the recorded g_NMDA includes the Mg unblock
  dg_GABA_A,
  g_GABA_A,
  dg_GABA_B,
  g_GABA_B,
  m_fast_NMDA,
  m_slow_NMDA,
  m_Ih,
  D_IKNa,
  m_IT,
  h_IT,
  // intrinsic currents of the last right-hand side evaluation (recordable only)
  I_NaP,
  I_KNa,
  I_T,
  I_h,
  // refractory steps left, external current of the previous step, integrator step,
  // clamp voltage, conductance jump per unit weight and port, refractory steps
  ref_steps,
  I_stim,
  integration_step,
  V_clamp,
  cond_AMPA,
  cond_NMDA,
  cond_GABA_A,
  cond_GABA_B,
  refr_counts,
  // parameters the gating equilibria used before the last SetStatus ("equilibrate"
  // evaluates them with the node's old parameters, as NEST does)
  prev_V_act_NMDA,
  prev_S_act_NMDA,
  prev_tau_D_KNa,
  kNumCols
};
constexpr int kDim = h_IT - V_m + 1;
enum Channel : int { kCurrent = 0, kChannels = 5 };  // spike port p is channel p

// Equilibrium gating functions (Hill & Tononi 2005; I_T after Compte et al.).
double m_eq_h(double v) { return 1.0 / (1.0 + std::exp((v - -75.0) / 5.5)); }
double h_eq_T(double v) { return 1.0 / (1.0 + std::exp((v + 83.0) / 4)); }
double m_eq_T(double v) { return 1.0 / (1.0 + std::exp(-(v + 59.0) / 6.2)); }
double D_eq_KNa(double v, double tau_d) {
  const double influx = 0.025 / (1.0 + std::exp(-(v - -10.0) / 5.0));
  return tau_d * influx + 0.001;
}
double m_eq_NMDA(double v, double v_act, double s_act) { return 1.0 / (1.0 + std::exp(-s_act * (v - v_act))); }
double m_NMDA(double v, double m_eq, double m_fast, double m_slow, bool instant) {
  const double a1 = 0.51 - 0.0028 * v;
  const double a2 = 1 - a1;
  return instant ? m_eq : a1 * m_fast + a2 * m_slow;
}

// Same arithmetic as NEST's beta_normalization_factor: the dg jump per unit weight
// that makes the beta conductance peak at 1; no distinct peak falls back to alpha.
double beta_normalization(double tau_rise, double tau_decay) {
  const double diff = tau_decay - tau_rise;
  double peak = 0.0;
  if (std::abs(diff) > std::numeric_limits<double>::epsilon()) {
    const double t_peak = tau_decay * tau_rise * std::log(tau_decay / tau_rise) / diff;
    peak = std::exp(-t_peak / tau_decay) - std::exp(-t_peak / tau_rise);
  }
  if (std::abs(peak) < std::numeric_limits<double>::epsilon()) return M_E / tau_decay;
  return (1.0 / tau_rise - 1.0 / tau_decay) / peak;
}

class HtNeuron final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    step_ = rc.grid->resolution();
    grid_ = rc.grid;
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      if (c(integration_step) == 0.0) c(integration_step) = step_;  // NEST's init_buffers, once per node
      c(cond_AMPA) = c(g_peak_AMPA) * beta_normalization(c(tau_rise_AMPA), c(tau_decay_AMPA));
      c(cond_NMDA) = c(g_peak_NMDA) * beta_normalization(c(tau_rise_NMDA), c(tau_decay_NMDA));
      c(cond_GABA_A) = c(g_peak_GABA_A) * beta_normalization(c(tau_rise_GABA_A), c(tau_decay_GABA_A));
      c(cond_GABA_B) = c(g_peak_GABA_B) * beta_normalization(c(tau_rise_GABA_B), c(tau_decay_GABA_B));
      c(refr_counts) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
      c(V_clamp) = c(V_m);  // the clamp holds the voltage found at the start of each run
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      for (std::size_t i = begin; i < end; ++i) update_node(ctx, i, step);
      for (int ch = 0; ch < kChannels; ++ch) {
        double* row = input_.row(ch, step);
        for (std::size_t i = begin; i < end; ++i) row[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      input_.add(b.receptor[k], b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, b.weight[k] * b.weight_factor * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int k, std::size_t i) const override {
    // Order of ModelInfo::recordables (sorted as NEST lists them).
    static constexpr int kCols[] = {I_KNa, I_NaP, I_T, I_h, V_m, g_AMPA, g_GABA_A, g_GABA_B, -1, theta};
    if (kCols[k] >= 0) return num_[kCols[k]][i];
    auto c = [&](int col) { return num_[col][i]; };
    const double v = c(V_m);
    const double m_eq = m_eq_NMDA(v, c(V_act_NMDA), c(S_act_NMDA));
    return c(g_NMDA_tc) * m_NMDA(v, m_eq, c(m_fast_NMDA), c(m_slow_NMDA), c(instant_unblock_NMDA) != 0.0);
  }

 protected:
  void read_derived(std::size_t, std::vector<Value>& row) const override {
    row[info_->index_of("equilibrate")] = false;  // a command, not a stored property
  }

  // "equilibrate": set the gating variables to their equilibria at the (new) V_m,
  // evaluated with the parameters the node had before this SetStatus.
  void write_derived(std::size_t i, const std::vector<Value>& row) override {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    const Value& eq = row[info_->index_of("equilibrate")];
    if (std::holds_alternative<bool>(eq) && std::get<bool>(eq)) {
      const double v = c(V_m);
      c(m_fast_NMDA) = m_eq_NMDA(v, c(prev_V_act_NMDA), c(prev_S_act_NMDA));
      c(m_slow_NMDA) = c(m_fast_NMDA);
      c(m_Ih) = m_eq_h(v);
      c(D_IKNa) = D_eq_KNa(v, c(prev_tau_D_KNa));
      c(m_IT) = m_eq_T(v);
      c(h_IT) = h_eq_T(v);
    }
    c(prev_V_act_NMDA) = c(V_act_NMDA);
    c(prev_S_act_NMDA) = c(S_act_NMDA);
    c(prev_tau_D_KNa) = c(tau_D_KNa);
  }

 private:
  void update_node(StepContext& ctx, std::size_t i, long step) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    double y[kDim];
    for (int k = 0; k < kDim; ++k) y[k] = c(V_m + k);
    const bool clamp = c(voltage_clamp) != 0.0, instant = c(instant_unblock_NMDA) != 0.0;
    const double v_clamp = c(V_clamp), i_stim = c(I_stim);
    const double v_act = c(V_act_NMDA), s_act = c(S_act_NMDA), tau_d = c(tau_D_KNa);
    long refr = static_cast<long>(c(ref_steps));
    double i_nap = c(I_NaP), i_kna = c(I_KNa), i_t = c(I_T), i_h = c(I_h);
    // Parameters by value so the right-hand side does not reload them per call.
    const double ena = c(E_Na), ek = c(E_K), gnal = c(g_NaL), gkl = c(g_KL), taum = c(tau_m), teq = c(theta_eq),
                 tth = c(tau_theta), tsp = c(tau_spike);
    const double e_ampa = c(E_rev_AMPA), e_nmda = c(E_rev_NMDA), e_ga = c(E_rev_GABA_A), e_gb = c(E_rev_GABA_B);
    const double tr_a = c(tau_rise_AMPA), td_a = c(tau_decay_AMPA), tr_n = c(tau_rise_NMDA), td_n = c(tau_decay_NMDA);
    const double tr_ga = c(tau_rise_GABA_A), td_ga = c(tau_decay_GABA_A), tr_gb = c(tau_rise_GABA_B),
                 td_gb = c(tau_decay_GABA_B);
    const double t_fast = c(tau_Mg_fast_NMDA), t_slow = c(tau_Mg_slow_NMDA);
    const double gnap = c(g_peak_NaP), enap = c(E_rev_NaP), nnap = c(N_NaP), gkna = c(g_peak_KNa), ekna = c(E_rev_KNa),
                 gt = c(g_peak_T), et = c(E_rev_T), nt = c(N_T), gh = c(g_peak_h), eh = c(E_rev_h);

    auto rhs = [&](double, const double* s, double* f) {
      const double v = clamp ? v_clamp : s[0];
      // Instantaneous NMDA block: gating above the equilibrium is cut locally; the
      // state itself is clipped only after each accepted step.
      const double m_eq = m_eq_NMDA(v, v_act, s_act);
      const double mf = std::min(m_eq, s[m_fast_NMDA - V_m]);
      const double ms = std::min(m_eq, s[m_slow_NMDA - V_m]);
      const double m_nmda = m_NMDA(v, m_eq, mf, ms, instant);
      const double i_syn = -s[g_AMPA - V_m] * (v - e_ampa) - s[g_NMDA_tc - V_m] * m_nmda * (v - e_nmda) -
                           s[g_GABA_A - V_m] * (v - e_ga) - s[g_GABA_B - V_m] * (v - e_gb);
      const double i_spike = refr > 0 ? -(v - ek) / tsp : 0.0;
      const double i_na = -gnal * (v - ena);
      const double i_k = -gkl * (v - ek);
      const double m_inf_nap = 1.0 / (1.0 + std::exp(-(v - -55.7) / 7.7));
      i_nap = -gnap * std::pow(m_inf_nap, nnap) * (v - enap);
      const double m_inf_kna = 1.0 / (1.0 + std::pow(0.25 / s[D_IKNa - V_m], 3.5));
      i_kna = -gkna * m_inf_kna * (v - ekna);
      i_t = -gt * std::pow(s[m_IT - V_m], nt) * s[h_IT - V_m] * (v - et);
      i_h = -gh * s[m_Ih - V_m] * (v - eh);
      f[0] = (i_na + i_k + i_syn + i_nap + i_kna + i_t + i_h + i_stim) / taum + i_spike;
      f[theta - V_m] = -(s[theta - V_m] - teq) / tth;
      f[dg_AMPA - V_m] = -s[dg_AMPA - V_m] / tr_a;
      f[g_AMPA - V_m] = s[dg_AMPA - V_m] - s[g_AMPA - V_m] / td_a;
      f[dg_NMDA - V_m] = -s[dg_NMDA - V_m] / tr_n;
      f[g_NMDA_tc - V_m] = s[dg_NMDA - V_m] - s[g_NMDA_tc - V_m] / td_n;
      f[m_fast_NMDA - V_m] = (m_eq - mf) / t_fast;
      f[m_slow_NMDA - V_m] = (m_eq - ms) / t_slow;
      f[dg_GABA_A - V_m] = -s[dg_GABA_A - V_m] / tr_ga;
      f[g_GABA_A - V_m] = s[dg_GABA_A - V_m] - s[g_GABA_A - V_m] / td_ga;
      f[dg_GABA_B - V_m] = -s[dg_GABA_B - V_m] / tr_gb;
      f[g_GABA_B - V_m] = s[dg_GABA_B - V_m] - s[g_GABA_B - V_m] / td_gb;
      f[D_IKNa - V_m] = (D_eq_KNa(v, tau_d) - s[D_IKNa - V_m]) / tau_d;
      const double tau_m_t = 0.22 / (std::exp(-(v + 132.0) / 16.7) + std::exp((v + 16.8) / 18.2)) + 0.13;
      const double tau_h_t = 8.2 + (56.6 + 0.27 * std::exp((v + 115.2) / 5.0)) / (1.0 + std::exp((v + 86.0) / 3.2));
      f[m_IT - V_m] = (m_eq_T(v) - s[m_IT - V_m]) / tau_m_t;
      f[h_IT - V_m] = (h_eq_T(v) - s[h_IT - V_m]) / tau_h_t;
      const double tau_m_h = 1.0 / (std::exp(-14.59 - 0.086 * v) + std::exp(-1.87 + 0.0701 * v));
      f[m_Ih - V_m] = (m_eq_h(v) - s[m_Ih - V_m]) / tau_m_h;
      return true;
    };

    const auto control = integrators::ErrorControl::y(1e-3, 0.0);
    double t = 0.0;
    while (t < step_) {
      integrators::evolve_apply<kDim>(rhs, control, t, step_, c(integration_step), y);
      if (clamp) y[0] = v_clamp;
      const double m_eq = m_eq_NMDA(y[0], v_act, s_act);
      y[m_fast_NMDA - V_m] = std::min(m_eq, y[m_fast_NMDA - V_m]);
      y[m_slow_NMDA - V_m] = std::min(m_eq, y[m_slow_NMDA - V_m]);
      if (refr == 0 && y[0] >= y[theta - V_m]) {
        y[0] = ena;
        y[theta - V_m] = ena;
        refr = static_cast<long>(c(refr_counts)) + 1;  // the decrement below eats one
        emit(ctx, i, step + 1);
      }
    }
    if (refr > 0) --refr;
    y[dg_AMPA - V_m] += c(cond_AMPA) * input_.row(1, step)[i];
    y[dg_NMDA - V_m] += c(cond_NMDA) * input_.row(2, step)[i];
    y[dg_GABA_A - V_m] += c(cond_GABA_A) * input_.row(3, step)[i];
    y[dg_GABA_B - V_m] += c(cond_GABA_B) * input_.row(4, step)[i];
    for (int k = 0; k < kDim; ++k) c(V_m + k) = y[k];
    c(ref_steps) = static_cast<double>(refr);
    c(I_NaP) = i_nap;
    c(I_KNa) = i_kna;
    c(I_T) = i_t;
    c(I_h) = i_h;
    c(I_stim) = input_.row(kCurrent, step)[i];
  }

  double step_ = 0.1;
  const TimeGrid* grid_ = nullptr;
};

void validate(const ParamRow& row) {
  auto fail = [](const std::string& why) { throw BadProperty("ht_neuron: " + why); };
  for (const char* k : {"g_peak_AMPA", "g_peak_GABA_A", "g_peak_GABA_B", "g_peak_KNa", "S_act_NMDA", "g_peak_NMDA",
                        "g_peak_T", "g_peak_h", "g_peak_NaP", "g_KL", "g_NaL", "t_ref"})
    if (row.num(k) < 0) fail(std::string(k) + " >= 0 required.");
  for (const char* k : {"tau_rise_AMPA", "tau_decay_AMPA", "tau_rise_GABA_A", "tau_decay_GABA_A", "tau_rise_GABA_B",
                        "tau_decay_GABA_B", "tau_rise_NMDA", "tau_decay_NMDA", "tau_Mg_fast_NMDA", "tau_Mg_slow_NMDA",
                        "tau_spike", "tau_theta", "tau_m", "tau_D_KNa"})
    if (row.num(k) <= 0) fail(std::string(k) + " > 0 required.");
  const std::pair<const char*, const char*> ordered[] = {{"tau_rise_AMPA", "tau_decay_AMPA"},
                                                         {"tau_rise_GABA_A", "tau_decay_GABA_A"},
                                                         {"tau_rise_GABA_B", "tau_decay_GABA_B"},
                                                         {"tau_rise_NMDA", "tau_decay_NMDA"},
                                                         {"tau_Mg_fast_NMDA", "tau_Mg_slow_NMDA"}};
  for (const auto& [a, b] : ordered)
    if (row.num(a) >= row.num(b)) fail(std::string(a) + " < " + b + " required.");
}

ModelInfo make_info() {
  ModelInfo m("ht_neuron", NodeKind::kNeuron, "https://nest-simulator.readthedocs.io/en/stable/models/ht_neuron.html");
  m.family = "misc_ode";
  m.param(E_Na, "E_Na", 30.0, "mV", {}, "Sodium reversal potential")
      .param(E_K, "E_K", -90.0, "mV", {}, "Potassium reversal potential")
      .param(g_NaL, "g_NaL", 0.2, "", {}, "Sodium leak conductance (relative)")
      .param(g_KL, "g_KL", 1.0, "", {}, "Potassium leak conductance (relative)")
      .param(tau_m, "tau_m", 16.0, "ms", {}, "Membrane time constant")
      .param(theta_eq, "theta_eq", -51.0, "mV", {}, "Equilibrium value of the threshold")
      .param(tau_theta, "tau_theta", 2.0, "ms", {}, "Time constant of the threshold")
      .param(t_ref, "t_ref", 2.0, "ms", {}, "Duration of the post-spike potassium current")
      .param(tau_spike, "tau_spike", 1.75, "ms", {}, "Time constant of the post-spike potassium current")
      .param(g_peak_AMPA, "g_peak_AMPA", 0.1, "", {}, "Peak AMPA conductance")
      .param(tau_rise_AMPA, "tau_rise_AMPA", 0.5, "ms", {}, "AMPA rise time")
      .param(tau_decay_AMPA, "tau_decay_AMPA", 2.4, "ms", {}, "AMPA decay time")
      .param(E_rev_AMPA, "E_rev_AMPA", 0.0, "mV", {}, "AMPA reversal potential")
      .param(g_peak_NMDA, "g_peak_NMDA", 0.075, "", {}, "Peak NMDA conductance")
      .param(tau_rise_NMDA, "tau_rise_NMDA", 4.0, "ms", {}, "NMDA rise time")
      .param(tau_decay_NMDA, "tau_decay_NMDA", 40.0, "ms", {}, "NMDA decay time")
      .param(E_rev_NMDA, "E_rev_NMDA", 0.0, "mV", {}, "NMDA reversal potential")
      .param(V_act_NMDA, "V_act_NMDA", -25.57, "mV", {}, "NMDA unblock: inflection of the sigmoid")
      .param(S_act_NMDA, "S_act_NMDA", 0.081, "1/mV", {}, "NMDA unblock: slope of the sigmoid")
      .param(tau_Mg_slow_NMDA, "tau_Mg_slow_NMDA", 22.7, "ms", {}, "Slow NMDA unblock time constant")
      .param(tau_Mg_fast_NMDA, "tau_Mg_fast_NMDA", 0.68, "ms", {}, "Fast NMDA unblock time constant")
      .flag(instant_unblock_NMDA, "instant_unblock_NMDA", false, "NMDA unblock follows V_m instantaneously")
      .param(g_peak_GABA_A, "g_peak_GABA_A", 0.33, "", {}, "Peak GABA_A conductance")
      .param(tau_rise_GABA_A, "tau_rise_GABA_A", 1.0, "ms", {}, "GABA_A rise time")
      .param(tau_decay_GABA_A, "tau_decay_GABA_A", 7.0, "ms", {}, "GABA_A decay time")
      .param(E_rev_GABA_A, "E_rev_GABA_A", -70.0, "mV", {}, "GABA_A reversal potential")
      .param(g_peak_GABA_B, "g_peak_GABA_B", 0.0132, "", {}, "Peak GABA_B conductance")
      .param(tau_rise_GABA_B, "tau_rise_GABA_B", 60.0, "ms", {}, "GABA_B rise time")
      .param(tau_decay_GABA_B, "tau_decay_GABA_B", 200.0, "ms", {}, "GABA_B decay time")
      .param(E_rev_GABA_B, "E_rev_GABA_B", -90.0, "mV", {}, "GABA_B reversal potential")
      .param(g_peak_NaP, "g_peak_NaP", 1.0, "", {}, "Peak conductance of the persistent Na current")
      .param(E_rev_NaP, "E_rev_NaP", 30.0, "mV", {}, "Reversal potential of the persistent Na current")
      .param(N_NaP, "N_NaP", 3.0, "", {}, "Exponent of the persistent Na current's activation")
      .param(g_peak_KNa, "g_peak_KNa", 1.0, "", {}, "Peak conductance of the Na-dependent K current")
      .param(E_rev_KNa, "E_rev_KNa", -90.0, "mV", {}, "Reversal potential of the Na-dependent K current")
      .param(tau_D_KNa, "tau_D_KNa", 1250.0, "ms", {}, "Time constant of the Na influx for I_KNa")
      .param(g_peak_T, "g_peak_T", 1.0, "", {}, "Peak conductance of the low-threshold Ca current")
      .param(E_rev_T, "E_rev_T", 0.0, "mV", {}, "Reversal potential of the low-threshold Ca current")
      .param(N_T, "N_T", 2.0, "", {}, "Exponent of the low-threshold Ca current's activation")
      .param(g_peak_h, "g_peak_h", 1.0, "", {}, "Peak conductance of the pacemaker current")
      .param(E_rev_h, "E_rev_h", -40.0, "mV", {}, "Reversal potential of the pacemaker current")
      .flag(voltage_clamp, "voltage_clamp", false, "Hold V_m at its value from the start of each run")
      .param(tau_minus, "tau_minus", 20.0, "ms", {}, "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", {}, "Triplet-STDP post-synaptic time constant");
  // Initial state: V_m at the leak equilibrium and the gating variables at their
  // equilibria there, all from the default parameters (as NEST's prototype).
  const double v0 = (0.2 * 30.0 + 1.0 * -90.0) / (0.2 + 1.0);
  m.state(V_m, "V_m", v0, "mV", "Membrane potential").state(theta, "theta", -51.0, "mV", "Spike threshold");
  const double gating[] = {m_eq_NMDA(v0, -25.57, 0.081),
                           m_eq_NMDA(v0, -25.57, 0.081),
                           m_eq_h(v0),
                           D_eq_KNa(v0, 1250.0),
                           m_eq_T(v0),
                           h_eq_T(v0)};
  for (int c = dg_AMPA; c < kNumCols; ++c) {
    m.internal(c, "_internal_" + std::to_string(c));
    if (c >= m_fast_NMDA && c <= h_IT) m.specs.back().default_value = gating[c - m_fast_NMDA];
  }
  m.specs[m.index_of("_internal_" + std::to_string(prev_V_act_NMDA))].default_value = -25.57;
  m.specs[m.index_of("_internal_" + std::to_string(prev_S_act_NMDA))].default_value = 0.081;
  m.specs[m.index_of("_internal_" + std::to_string(prev_tau_D_KNa))].default_value = 1250.0;
  m.derived_state("equilibrate", 0.0, "", "Setting True puts the gating variables at their equilibria for V_m");
  m.specs.back().type = PType::kBool;
  m.specs.back().default_value = false;
  m.recordables = {"I_KNa", "I_NaP", "I_T", "I_h", "V_m", "g_AMPA", "g_GABA_A", "g_GABA_B", "g_NMDA", "theta"};
  m.spike_receptors = {1, 2, 3, 4};
  m.validate = validate;
  m.make = [](const ModelInfo& info) { return std::make_unique<HtNeuron>(info); };
  return m;
}

}  // namespace

const ModelInfo& ht_neuron_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
