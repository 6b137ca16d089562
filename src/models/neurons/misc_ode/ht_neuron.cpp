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

#include "integrators/rkf45_lanes.hpp"
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

using integrators::lane_exp;

// std::pow lane by lane (as lane_exp does for std::exp).
inline double lane_pow(double x, double y) { return std::pow(x, y); }
template <integrators::LaneVector V>
[[gnu::always_inline]] inline V lane_pow(V x, V y) {
  V r;
  for (int l = 0; l < integrators::lane_count<V>; ++l) r[l] = std::pow(x[l], y[l]);
  return r;
}

// Equilibrium gating functions (Hill & Tononi 2005; I_T after Compte et al.),
// on one neuron (T = double) or on lanes.
template <class T>
[[gnu::always_inline]] inline T m_eq_h(T v) {
  return 1.0 / (1.0 + lane_exp((v - -75.0) / 5.5));
}
template <class T>
[[gnu::always_inline]] inline T h_eq_T(T v) {
  return 1.0 / (1.0 + lane_exp((v + 83.0) / 4.0));
}
template <class T>
[[gnu::always_inline]] inline T m_eq_T(T v) {
  return 1.0 / (1.0 + lane_exp(-(v + 59.0) / 6.2));
}
template <class T>
[[gnu::always_inline]] inline T D_eq_KNa(T v, T tau_d) {
  const T influx = 0.025 / (1.0 + lane_exp(-(v - -10.0) / 5.0));
  return tau_d * influx + 0.001;
}
template <class T>
[[gnu::always_inline]] inline T m_eq_NMDA(T v, T v_act, T s_act) {
  return 1.0 / (1.0 + lane_exp(-s_act * (v - v_act)));
}
// `instant` is a bool or a lane mask.
template <class T, class C>
[[gnu::always_inline]] inline T m_NMDA(T v, T m_eq, T m_fast, T m_slow, C instant) {
  const T a1 = 0.51 - 0.0028 * v;
  const T a2 = 1.0 - a1;
  return integrators::select(instant, m_eq, a1 * m_fast + a2 * m_slow);
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
      auto make = [&]<int W>() { return LaneDriver<W>{*this, ctx, step}; };
      // GSL's y_new(1e-3, 0) control: a_y = 1, a_dydt = 0.
      integrators::evolve_population<kDim>(make, 1.0, 0.0, step_, begin, end);
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
  // What the right-hand side reads besides y, per lane (T = lane vector) or for
  // one neuron (T = double); flags are 1 or 0.
  template <class T>
  struct RhsParams {
    T clamp, instant, v_clamp, i_stim, v_act, s_act, tau_d;
    T ena, ek, gnal, gkl, taum, teq, tth, tsp;
    T e_ampa, e_nmda, e_ga, e_gb, tr_a, td_a, tr_n, td_n, tr_ga, td_ga, tr_gb, td_gb, t_fast, t_slow;
    T gnap, enap, nnap, gkna, ekna, gt, et, nt, gh, eh;
    T refractory;  // the refractory count, read live: a spike inside the step switches on I_spike
  };
  // The intrinsic currents of a right-hand side evaluation (NEST records those
  // of the last one).
  template <class T>
  struct Currents {
    T i_nap, i_kna, i_t, i_h;
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums).
  template <class T>
  [[gnu::always_inline]] static void rhs(const RhsParams<T>& p, const T* s, T* f, Currents<T>& cur) {
    using integrators::lane_min;
    using integrators::select;
    using integrators::splat;
    const T v = select(p.clamp != 0.0, p.v_clamp, s[0]);
    // Instantaneous NMDA block: gating above the equilibrium is cut locally; the
    // state itself is clipped only after each accepted step.
    const T m_eq = m_eq_NMDA(v, p.v_act, p.s_act);
    const T mf = lane_min(m_eq, s[m_fast_NMDA - V_m]);
    const T ms = lane_min(m_eq, s[m_slow_NMDA - V_m]);
    const T m_nmda = m_NMDA(v, m_eq, mf, ms, p.instant != 0.0);
    const T i_syn = -s[g_AMPA - V_m] * (v - p.e_ampa) - s[g_NMDA_tc - V_m] * m_nmda * (v - p.e_nmda) -
                    s[g_GABA_A - V_m] * (v - p.e_ga) - s[g_GABA_B - V_m] * (v - p.e_gb);
    const T i_spike = select(p.refractory > 0.0, -(v - p.ek) / p.tsp, splat<T>(0.0));
    const T i_na = -p.gnal * (v - p.ena);
    const T i_k = -p.gkl * (v - p.ek);
    const T m_inf_nap = 1.0 / (1.0 + lane_exp(-(v - -55.7) / 7.7));
    const T i_nap = -p.gnap * lane_pow(m_inf_nap, p.nnap) * (v - p.enap);
    const T m_inf_kna = 1.0 / (1.0 + lane_pow(0.25 / s[D_IKNa - V_m], splat<T>(3.5)));
    const T i_kna = -p.gkna * m_inf_kna * (v - p.ekna);
    const T i_t = -p.gt * lane_pow(s[m_IT - V_m], p.nt) * s[h_IT - V_m] * (v - p.et);
    const T i_h = -p.gh * s[m_Ih - V_m] * (v - p.eh);
    f[0] = (i_na + i_k + i_syn + i_nap + i_kna + i_t + i_h + p.i_stim) / p.taum + i_spike;
    f[theta - V_m] = -(s[theta - V_m] - p.teq) / p.tth;
    f[dg_AMPA - V_m] = -s[dg_AMPA - V_m] / p.tr_a;
    f[g_AMPA - V_m] = s[dg_AMPA - V_m] - s[g_AMPA - V_m] / p.td_a;
    f[dg_NMDA - V_m] = -s[dg_NMDA - V_m] / p.tr_n;
    f[g_NMDA_tc - V_m] = s[dg_NMDA - V_m] - s[g_NMDA_tc - V_m] / p.td_n;
    f[m_fast_NMDA - V_m] = (m_eq - mf) / p.t_fast;
    f[m_slow_NMDA - V_m] = (m_eq - ms) / p.t_slow;
    f[dg_GABA_A - V_m] = -s[dg_GABA_A - V_m] / p.tr_ga;
    f[g_GABA_A - V_m] = s[dg_GABA_A - V_m] - s[g_GABA_A - V_m] / p.td_ga;
    f[dg_GABA_B - V_m] = -s[dg_GABA_B - V_m] / p.tr_gb;
    f[g_GABA_B - V_m] = s[dg_GABA_B - V_m] - s[g_GABA_B - V_m] / p.td_gb;
    f[D_IKNa - V_m] = (D_eq_KNa(v, p.tau_d) - s[D_IKNa - V_m]) / p.tau_d;
    const T tau_m_t = 0.22 / (lane_exp(-(v + 132.0) / 16.7) + lane_exp((v + 16.8) / 18.2)) + 0.13;
    const T tau_h_t = 8.2 + (56.6 + 0.27 * lane_exp((v + 115.2) / 5.0)) / (1.0 + lane_exp((v + 86.0) / 3.2));
    f[m_IT - V_m] = (m_eq_T(v) - s[m_IT - V_m]) / tau_m_t;
    f[h_IT - V_m] = (h_eq_T(v) - s[h_IT - V_m]) / tau_h_t;
    const T tau_m_h = 1.0 / (lane_exp(-14.59 - 0.086 * v) + lane_exp(-1.87 + 0.0701 * v));
    f[m_Ih - V_m] = (m_eq_h(v) - s[m_Ih - V_m]) / tau_m_h;
    cur = {i_nap, i_kna, i_t, i_h};
  }

  // Connects the population to the lock-step stepper for one simulation step.
  template <int W>
  struct LaneDriver {
    using V = typename integrators::Lanes<W>::V;
    HtNeuron& pop;
    StepContext& ctx;
    long step;
    RhsParams<V> p{};
    // Written by every right-hand side evaluation: when a node's step ends, its
    // lane holds the currents at the accepted end point (the last evaluation).
    Currents<V> cur{};
    long refr[W]{}, refr_counts_[W]{};
    int spikes[W]{};

    bool load(int l, std::size_t i, V* y, integrators::LaneStart& s) {
      auto c = [&](int k) { return pop.num_[k][i]; };
      for (int k = 0; k < kDim; ++k) y[k][l] = c(V_m + k);
      p.clamp[l] = c(voltage_clamp) != 0.0 ? 1.0 : 0.0;
      p.instant[l] = c(instant_unblock_NMDA) != 0.0 ? 1.0 : 0.0;
      p.v_clamp[l] = c(V_clamp);
      p.i_stim[l] = c(I_stim);
      p.v_act[l] = c(V_act_NMDA);
      p.s_act[l] = c(S_act_NMDA);
      p.tau_d[l] = c(tau_D_KNa);
      p.ena[l] = c(E_Na);
      p.ek[l] = c(E_K);
      p.gnal[l] = c(g_NaL);
      p.gkl[l] = c(g_KL);
      p.taum[l] = c(tau_m);
      p.teq[l] = c(theta_eq);
      p.tth[l] = c(tau_theta);
      p.tsp[l] = c(tau_spike);
      p.e_ampa[l] = c(E_rev_AMPA);
      p.e_nmda[l] = c(E_rev_NMDA);
      p.e_ga[l] = c(E_rev_GABA_A);
      p.e_gb[l] = c(E_rev_GABA_B);
      p.tr_a[l] = c(tau_rise_AMPA);
      p.td_a[l] = c(tau_decay_AMPA);
      p.tr_n[l] = c(tau_rise_NMDA);
      p.td_n[l] = c(tau_decay_NMDA);
      p.tr_ga[l] = c(tau_rise_GABA_A);
      p.td_ga[l] = c(tau_decay_GABA_A);
      p.tr_gb[l] = c(tau_rise_GABA_B);
      p.td_gb[l] = c(tau_decay_GABA_B);
      p.t_fast[l] = c(tau_Mg_fast_NMDA);
      p.t_slow[l] = c(tau_Mg_slow_NMDA);
      p.gnap[l] = c(g_peak_NaP);
      p.enap[l] = c(E_rev_NaP);
      p.nnap[l] = c(N_NaP);
      p.gkna[l] = c(g_peak_KNa);
      p.ekna[l] = c(E_rev_KNa);
      p.gt[l] = c(g_peak_T);
      p.et[l] = c(E_rev_T);
      p.nt[l] = c(N_T);
      p.gh[l] = c(g_peak_h);
      p.eh[l] = c(E_rev_h);
      refr[l] = static_cast<long>(c(ref_steps));
      p.refractory[l] = static_cast<double>(refr[l]);
      refr_counts_[l] = static_cast<long>(c(refr_counts));
      spikes[l] = 0;
      s = {c(integration_step), 1e-3, 0.0};
      return true;
    }

    [[gnu::always_inline]] void rhs(const V&, const V* y, V* f) { HtNeuron::rhs<V>(p, y, f, cur); }

    // After every accepted integration step: the voltage clamp, the NMDA gating
    // clipped at its equilibrium, the spike test.
    bool accepted(int l, V* y) {
      double ys[kDim];
      for (int k = 0; k < kDim; ++k) ys[k] = y[k][l];
      if (p.clamp[l] != 0.0) ys[0] = p.v_clamp[l];
      const double m_eq = m_eq_NMDA(ys[0], p.v_act[l], p.s_act[l]);
      ys[m_fast_NMDA - V_m] = std::min(m_eq, ys[m_fast_NMDA - V_m]);
      ys[m_slow_NMDA - V_m] = std::min(m_eq, ys[m_slow_NMDA - V_m]);
      if (refr[l] == 0 && ys[0] >= ys[theta - V_m]) {
        ys[0] = p.ena[l];
        ys[theta - V_m] = p.ena[l];
        refr[l] = refr_counts_[l] + 1;  // the decrement in finish eats one
        ++spikes[l];
      }
      for (int k = 0; k < kDim; ++k) y[k][l] = ys[k];
      p.refractory[l] = static_cast<double>(refr[l]);
      return true;
    }

    void finish(int l, std::size_t i, const V* yl, double h) {
      auto c = [&](int k) -> double& { return pop.num_[k][i]; };
      auto in = [&](int ch) { return pop.input_.row(ch, step)[i]; };
      double y[kDim];
      for (int k = 0; k < kDim; ++k) y[k] = yl[k][l];
      for (int s = 0; s < spikes[l]; ++s) pop.emit(ctx, i, step + 1);
      long rr = refr[l];
      if (rr > 0) --rr;
      c(integration_step) = h;
      y[dg_AMPA - V_m] += c(cond_AMPA) * in(1);
      y[dg_NMDA - V_m] += c(cond_NMDA) * in(2);
      y[dg_GABA_A - V_m] += c(cond_GABA_A) * in(3);
      y[dg_GABA_B - V_m] += c(cond_GABA_B) * in(4);
      for (int k = 0; k < kDim; ++k) c(V_m + k) = y[k];
      c(ref_steps) = static_cast<double>(rr);
      c(I_NaP) = cur.i_nap[l];
      c(I_KNa) = cur.i_kna[l];
      c(I_T) = cur.i_t[l];
      c(I_h) = cur.i_h[l];
      c(I_stim) = in(kCurrent);
    }
  };

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
  m.receptor_types = {{"AMPA", 1}, {"NMDA", 2}, {"GABA_A", 3}, {"GABA_B", 4}};
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
