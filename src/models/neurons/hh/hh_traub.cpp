// hh_cond_exp_traub and hh_cond_beta_gap_traub: Hodgkin-Huxley neurons with the
// Traub & Miles (1991) kinetics and exponential or beta-shaped synaptic
// conductances, integrated with RKF45 under y_new(1e-3, 0) as in NEST 3.10.
// hh_cond_beta_gap_traub couples through gap_junction connections (the gap
// current is added in hh_common.hpp).
#include "models/neurons/hh/hh_common.hpp"
#include "models/neurons/hh/models.hpp"

namespace nestkit {
namespace {

using integrators::lane_exp;

// Traub-Miles rate functions of u = V_m - V_T, in NEST's operation order.
template <class T>
struct TraubRates {
  T alpha_n, beta_n, alpha_m, beta_m, alpha_h, beta_h;
  [[gnu::always_inline]] explicit TraubRates(T u)
      : alpha_n(0.032 * (15. - u) / (lane_exp((15. - u) / 5.) - 1.)),
        beta_n(0.5 * lane_exp((10. - u) / 40.)),
        alpha_m(0.32 * (13. - u) / (lane_exp((13. - u) / 4.) - 1.)),
        beta_m(0.28 * (u - 40.) / (lane_exp((u - 40.) / 5.) - 1.)),
        alpha_h(0.128 * lane_exp((17. - u) / 18.)),
        beta_h(4. / (1. + lane_exp((40. - u) / 5.))) {}
};

// NEST's initial state: V_m = E_L (-60 mV) and the gates at the steady state of
// the rates evaluated at V_m itself (NEST does not subtract V_T there).
constexpr double kV0 = -60.0;
double m0() {
  const TraubRates<double> r(kV0);
  return r.alpha_m / (r.alpha_m + r.beta_m);
}
double h0() {
  const TraubRates<double> r(kV0);
  return r.alpha_h / (r.alpha_h + r.beta_h);
}
double n0() {
  const TraubRates<double> r(kV0);
  return r.alpha_n / (r.alpha_n + r.beta_n);
}

// Gate derivatives, y = {V, m, h, n, ...}.
template <class T>
[[gnu::always_inline]] inline void traub_gates(T v_t, const T* y, T* f) {
  const TraubRates<T> r(y[0] - v_t);
  f[1] = r.alpha_m - (r.alpha_m + r.beta_m) * y[1];
  f[2] = r.alpha_h - (r.alpha_h + r.beta_h) * y[2];
  f[3] = r.alpha_n - (r.alpha_n + r.beta_n) * y[3];
}

struct CondExp {
  enum Col : int {
    g_Na,
    g_K,
    g_L,
    C_m,
    E_Na,
    E_K,
    E_L,
    V_T,
    E_ex,
    E_in,
    tau_syn_ex,
    tau_syn_in,
    t_ref,
    I_e,
    tau_minus,
    tau_minus_triplet,
    // ODE state in NEST's order
    V_m,
    Act_m,
    Inact_h,
    Act_n,
    g_ex,
    g_in,
    r,
    h_int,
    I_stim,
    psc_ex,
    psc_in,
    ref_counts,
  };
  static constexpr int kY0 = V_m;
  static constexpr std::size_t N = 6;
  static constexpr double kEpsAbs = 1e-3;
  static constexpr int kRecCols[] = {V_m, g_ex, g_in, Act_m, Inact_h, Act_n};
  enum Y : int { yV, yM, yH, yN, yGex, yGin };

  template <class T>
  [[gnu::always_inline]] static void rhs(const T* p, T i_stim, const T* y, T* f) {
    const T V = y[yV];
    const T I_Na = p[g_Na] * y[yM] * y[yM] * y[yM] * y[yH] * (V - p[E_Na]);
    const T I_K = p[g_K] * y[yN] * y[yN] * y[yN] * y[yN] * (V - p[E_K]);
    const T I_L = p[g_L] * (V - p[E_L]);
    const T I_syn_exc = y[yGex] * (V - p[E_ex]);
    const T I_syn_inh = y[yGin] * (V - p[E_in]);
    f[yV] = (-I_Na - I_K - I_L - I_syn_exc - I_syn_inh + i_stim + p[I_e]) / p[C_m];
    traub_gates(p[V_T], y, f);
    f[yGex] = -y[yGex] / p[tau_syn_ex];
    f[yGin] = -y[yGin] / p[tau_syn_in];
  }
  // A spike of weight w raises the conductance by |w| nS.
  static double psc_norm(const double*, bool) { return 1.0; }
  static void receive(double* y, double ex, double in, double, double) {
    y[yGex] += ex;
    y[yGin] += -in;
  }
  static double threshold(const double* p) { return p[V_T] + 30.; }
};

struct CondBetaGap {
  enum Col : int {
    g_Na,
    g_K,
    g_L,
    C_m,
    E_Na,
    E_K,
    E_L,
    V_T,
    E_ex,
    E_in,
    tau_rise_ex,
    tau_decay_ex,
    tau_rise_in,
    tau_decay_in,
    t_ref,
    I_e,
    tau_minus,
    tau_minus_triplet,
    // ODE state in NEST's order
    V_m,
    Act_m,
    Inact_h,
    Act_n,
    dg_ex,
    g_ex,
    dg_in,
    g_in,
    r,
    h_int,
    I_stim,
    psc_ex,
    psc_in,
    ref_counts,
  };
  static constexpr int kY0 = V_m;
  static constexpr std::size_t N = 8;
  static constexpr double kEpsAbs = 1e-3;
  static constexpr int kRecCols[] = {V_m, g_ex, g_in, Act_m, Inact_h, Act_n};
  enum Y : int { yV, yM, yH, yN, yDGex, yGex, yDGin, yGin };
  // The gap-junction current comes in with i_stim (hh_common.hpp).
  static constexpr double kNoGap = 0.0;
  static constexpr bool kGap = true;

  template <class T>
  [[gnu::always_inline]] static void rhs(const T* p, T i_stim, const T* y, T* f) {
    const T V = y[yV];
    const T I_Na = p[g_Na] * y[yM] * y[yM] * y[yM] * y[yH] * (V - p[E_Na]);
    const T I_K = p[g_K] * y[yN] * y[yN] * y[yN] * y[yN] * (V - p[E_K]);
    const T I_L = p[g_L] * (V - p[E_L]);
    const T I_syn_exc = y[yGex] * (V - p[E_ex]);
    const T I_syn_inh = y[yGin] * (V - p[E_in]);
    f[yV] = (-I_Na - I_K - I_L - I_syn_exc - I_syn_inh + i_stim + kNoGap + p[I_e]) / p[C_m];
    traub_gates(p[V_T], y, f);
    f[yDGex] = -y[yDGex] / p[tau_decay_ex];
    f[yGex] = y[yDGex] - (y[yGex] / p[tau_rise_ex]);
    f[yDGin] = -y[yDGin] / p[tau_decay_in];
    f[yGin] = y[yDGin] - (y[yGin] / p[tau_rise_in]);
  }
  // Peak normalisation of the beta kernel (NEST's beta_normalization_factor):
  // g peaks at |w| nS; equal rise and decay times fall back to the alpha kernel.
  static double psc_norm(const double* p, bool ex) {
    const double rise = p[ex ? tau_rise_ex : tau_rise_in], decay = p[ex ? tau_decay_ex : tau_decay_in];
    const double diff = decay - rise;
    double peak = 0.0;
    if (std::abs(diff) > std::numeric_limits<double>::epsilon()) {
      const double t_peak = decay * rise * std::log(decay / rise) / diff;
      peak = std::exp(-t_peak / decay) - std::exp(-t_peak / rise);
    }
    if (std::abs(peak) < std::numeric_limits<double>::epsilon()) return M_E / decay;
    return (1. / rise - 1. / decay) / peak;
  }
  static void receive(double* y, double ex, double in, double pex, double pin) {
    y[yDGex] += ex * pex;
    y[yDGin] += -in * pin;
  }
  static double threshold(const double* p) { return p[V_T] + 30.; }
};

template <class M>
void declare_common(ModelInfo& m, double v_t) {
  m.family = "hh";
  m.param(M::g_Na, "g_Na", 20000.0, "nS", {}, "Sodium peak conductance")
      .param(M::g_K, "g_K", 6000.0, "nS", {}, "Potassium peak conductance")
      .param(M::g_L, "g_L", 10.0, "nS", {}, "Leak conductance")
      .param(M::C_m, "C_m", 200.0, "pF", {}, "Capacitance of the membrane")
      .param(M::E_Na, "E_Na", 50.0, "mV", {}, "Sodium reversal potential")
      .param(M::E_K, "E_K", -90.0, "mV", {}, "Potassium reversal potential")
      .param(M::E_L, "E_L", -60.0, "mV", {}, "Leak reversal potential")
      .param(M::V_T, "V_T", v_t, "mV", {}, "Voltage offset that controls dynamics (threshold near V_T + 13 mV)")
      .param(M::E_ex, "E_ex", 0.0, "mV", {}, "Excitatory synaptic reversal potential")
      .param(M::E_in, "E_in", -80.0, "mV", {}, "Inhibitory synaptic reversal potential");
}

template <class M>
void declare_state(ModelInfo& m) {
  m.param(M::t_ref, "t_ref", 2.0, "ms", {}, "Duration of refractory period")
      .param(M::I_e, "I_e", 0.0, "pA", {}, "Constant external input current");
  hh::declare_archiving<M>(m);
  m.state(M::V_m, "V_m", kV0, "mV", "Membrane potential")
      .state(M::Act_m, "Act_m", m0(), "", "Activation variable m for Na")
      .state(M::Inact_h, "Inact_h", h0(), "", "Inactivation variable h for Na")
      .state(M::Act_n, "Act_n", n0(), "", "Activation variable n for K");
}

ModelInfo make_exp() {
  using M = CondExp;
  ModelInfo m("hh_cond_exp_traub", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/hh_cond_exp_traub.html");
  declare_common<M>(m, -63.0);
  m.param(M::tau_syn_ex, "tau_syn_ex", 5.0, "ms", {}, "Excitatory synaptic time constant")
      .param(M::tau_syn_in, "tau_syn_in", 10.0, "ms", {}, "Inhibitory synaptic time constant");
  declare_state<M>(m);
  m.internal(M::g_ex, "_g_ex").internal(M::g_in, "_g_in");
  hh::declare_internals<M>(m);
  m.recordables = {"V_m", "g_ex", "g_in", "Act_m", "Inact_h", "Act_n"};
  m.validate = [](const ParamRow& row) {
    hh::check_capacitance(row);
    hh::check_time_constants(row, {"tau_syn_ex", "tau_syn_in"});
    hh::check_t_ref(row);
    hh::check_gates(row, {"Act_m", "Inact_h", "Act_n"});
    hh::check_archiving(row);
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<hh::HhPopulation<M>>(info); };
  return m;
}

ModelInfo make_beta_gap() {
  using M = CondBetaGap;
  ModelInfo m("hh_cond_beta_gap_traub", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/hh_cond_beta_gap_traub.html");
  declare_common<M>(m, -50.0);
  m.param(M::tau_rise_ex, "tau_rise_ex", 0.5, "ms", {}, "Excitatory synaptic beta function rise time")
      .param(M::tau_decay_ex, "tau_decay_ex", 5.0, "ms", {}, "Excitatory synaptic beta function decay time")
      .param(M::tau_rise_in, "tau_rise_in", 0.5, "ms", {}, "Inhibitory synaptic beta function rise time")
      .param(M::tau_decay_in, "tau_decay_in", 10.0, "ms", {}, "Inhibitory synaptic beta function decay time");
  declare_state<M>(m);
  m.internal(M::dg_ex, "_dg_ex").internal(M::g_ex, "_g_ex").internal(M::dg_in, "_dg_in").internal(M::g_in, "_g_in");
  hh::declare_internals<M>(m);
  m.recordables = {"V_m", "g_ex", "g_in", "Act_m", "Inact_h", "Act_n"};
  m.secondary_in = m.secondary_out = secondary_bit(Secondary::kGap);
  m.validate = [](const ParamRow& row) {
    hh::check_capacitance(row);
    hh::check_t_ref(row);
    hh::check_time_constants(row, {"tau_rise_ex", "tau_decay_ex", "tau_rise_in", "tau_decay_in"});
    hh::check_conductances(row, {"g_K", "g_Na", "g_L"});
    hh::check_gates(row, {"Act_m", "Inact_h", "Act_n"});
    hh::check_archiving(row);
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<hh::HhPopulation<M>>(info); };
  return m;
}

}  // namespace

const ModelInfo& hh_cond_exp_traub_model() {
  static const ModelInfo info = make_exp();
  return info;
}

const ModelInfo& hh_cond_beta_gap_traub_model() {
  static const ModelInfo info = make_beta_gap();
  return info;
}

}  // namespace nestkit
