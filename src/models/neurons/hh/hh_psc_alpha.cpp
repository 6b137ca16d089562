// hh_psc_alpha and hh_psc_alpha_clopath: Hodgkin-Huxley neurons (squid axon
// kinetics as in NEST) with alpha-shaped synaptic currents; the Clopath variant
// adds the low-pass filtered membrane potentials u_bar_plus/minus/bar of the
// Clopath plasticity rule. Both integrate with RKF45 under y_new(1e-3, 0).
#include "models/neurons/hh/hh_common.hpp"
#include "models/neurons/hh/models.hpp"

namespace nestkit {
namespace {

using integrators::lane_exp;

// Rate functions of the squid-axon kinetics, written in NEST's operation order so
// that results agree bit for bit.
template <class T>
struct SquidRates {
  T alpha_n, beta_n, alpha_m, beta_m, alpha_h, beta_h;
  [[gnu::always_inline]] explicit SquidRates(T V)
      : alpha_n((0.01 * (V + 55.)) / (1. - lane_exp(-(V + 55.) / 10.))),
        beta_n(0.125 * lane_exp(-(V + 65.) / 80.)),
        alpha_m((0.1 * (V + 40.)) / (1. - lane_exp(-(V + 40.) / 10.))),
        beta_m(4. * lane_exp(-(V + 65.) / 18.)),
        alpha_h(0.07 * lane_exp(-(V + 65.) / 20.)),
        beta_h(1. / (1. + lane_exp(-(V + 35.) / 10.))) {}
};

// NEST starts both models at V_m = -65 mV with the gates at their steady state there.
constexpr double kV0 = -65.0;
double m_inf(double v) {
  const SquidRates<double> r(v);
  return r.alpha_m / (r.alpha_m + r.beta_m);
}
double h_inf(double v) {
  const SquidRates<double> r(v);
  return r.alpha_h / (r.alpha_h + r.beta_h);
}
double n_inf(double v) {
  const SquidRates<double> r(v);
  return r.alpha_n / (r.alpha_n + r.beta_n);
}

// Membrane and gate derivatives shared by both models. `iv` indexes y/f as
// V, m, h, n, I_ex, I_in; p's columns are given by the model's enum.
template <class C, class T>
[[gnu::always_inline]] inline void squid_rhs(const T* p, T i_stim, T V, T m, T h, T n, T I_ex, T I_in, T* f_v, T* f_m,
                                             T* f_h, T* f_n) {
  const SquidRates<T> r(V);
  const T I_Na = p[C::g_Na] * m * m * m * h * (V - p[C::E_Na]);
  const T I_K = p[C::g_K] * n * n * n * n * (V - p[C::E_K]);
  const T I_L = p[C::g_L] * (V - p[C::E_L]);
  *f_v = (-(I_Na + I_K + I_L) + i_stim + p[C::I_e] + I_ex + I_in) / p[C::C_m];
  *f_m = r.alpha_m * (1 - m) - r.beta_m * m;
  *f_h = r.alpha_h * (1 - h) - r.beta_h * h;
  *f_n = r.alpha_n * (1 - n) - r.beta_n * n;
}

struct PscAlpha {
  enum Col : int {
    t_ref,
    g_Na,
    g_K,
    g_L,
    C_m,
    E_Na,
    E_K,
    E_L,
    tau_syn_ex,
    tau_syn_in,
    I_e,
    tau_minus,
    tau_minus_triplet,
    // ODE state in NEST's order
    V_m,
    Act_m,
    Inact_h,
    Act_n,
    dI_ex,
    I_syn_ex,
    dI_in,
    I_syn_in,
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
  static constexpr int kRecCols[] = {V_m, I_syn_ex, I_syn_in, Act_m, Inact_h, Act_n};
  enum Y : int { yV, yM, yH, yN, yDIex, yIex, yDIin, yIin };

  template <class T>
  [[gnu::always_inline]] static void rhs(const T* p, T i_stim, const T* y, T* f) {
    squid_rhs<PscAlpha, T>(p, i_stim, y[yV], y[yM], y[yH], y[yN], y[yIex], y[yIin], &f[yV], &f[yM], &f[yH], &f[yN]);
    f[yDIex] = -y[yDIex] / p[tau_syn_ex];
    f[yIex] = y[yDIex] - (y[yIex] / p[tau_syn_ex]);
    f[yDIin] = -y[yDIin] / p[tau_syn_in];
    f[yIin] = y[yDIin] - (y[yIin] / p[tau_syn_in]);
  }
  static double psc_norm(const double* p, bool ex) { return 1.0 * M_E / p[ex ? tau_syn_ex : tau_syn_in]; }
  // Inhibitory weights stay negative: they enter as negative currents.
  static void receive(double* y, double ex, double in, double pex, double pin) {
    y[yDIex] += ex * pex;
    y[yDIin] += in * pin;
  }
  static double threshold(const double*) { return 0.0; }
};

struct Clopath {
  enum Col : int {
    t_ref,
    g_Na,
    g_K,
    g_L,
    C_m,
    E_Na,
    E_K,
    E_L,
    tau_syn_ex,
    tau_syn_in,
    I_e,
    tau_u_bar_plus,
    tau_u_bar_minus,
    tau_u_bar_bar,
    A_LTD,
    A_LTP,
    u_ref_squared,
    theta_plus,
    theta_minus,
    A_LTD_const,
    delay_u_bars,
    tau_minus,
    tau_minus_triplet,
    // ODE state in NEST's order
    V_m,
    Act_m,
    Inact_h,
    Act_n,
    dI_ex,
    I_syn_ex,
    dI_in,
    I_syn_in,
    u_bar_plus,
    u_bar_minus,
    u_bar_bar,
    r,
    h_int,
    I_stim,
    psc_ex,
    psc_in,
    ref_counts,
  };
  static constexpr int kY0 = V_m;
  static constexpr std::size_t N = 11;
  static constexpr double kEpsAbs = 1e-3;
  static constexpr int kRecCols[] = {V_m,   I_syn_ex,   I_syn_in,    Act_m,    Inact_h,
                                     Act_n, u_bar_plus, u_bar_minus, u_bar_bar};
  enum Y : int { yV, yM, yH, yN, yDIex, yIex, yDIin, yIin, yUp, yUm, yUbb };

  template <class T>
  [[gnu::always_inline]] static void rhs(const T* p, T i_stim, const T* y, T* f) {
    squid_rhs<Clopath, T>(p, i_stim, y[yV], y[yM], y[yH], y[yN], y[yIex], y[yIin], &f[yV], &f[yM], &f[yH], &f[yN]);
    f[yUp] = (-y[yUp] + y[yV]) / p[tau_u_bar_plus];
    f[yUm] = (-y[yUm] + y[yV]) / p[tau_u_bar_minus];
    f[yUbb] = (-y[yUbb] + y[yUm]) / p[tau_u_bar_bar];
    f[yDIex] = -y[yDIex] / p[tau_syn_ex];
    f[yIex] = y[yDIex] - (y[yIex] / p[tau_syn_ex]);
    f[yDIin] = -y[yDIin] / p[tau_syn_in];
    f[yIin] = y[yDIin] - (y[yIin] / p[tau_syn_in]);
  }
  static double psc_norm(const double* p, bool ex) { return 1.0 * M_E / p[ex ? tau_syn_ex : tau_syn_in]; }
  static void receive(double* y, double ex, double in, double pex, double pin) {
    y[yDIex] += ex * pex;
    y[yDIin] += in * pin;
  }
  static double threshold(const double*) { return 0.0; }
};

// Parameters and state common to both models, in NEST's defaults.
template <class M>
void declare_squid(ModelInfo& m) {
  m.param(M::t_ref, "t_ref", 2.0, "ms", {}, "Duration of refractory period")
      .param(M::g_Na, "g_Na", 12000.0, "nS", {}, "Sodium peak conductance")
      .param(M::g_K, "g_K", 3600.0, "nS", {}, "Potassium peak conductance")
      .param(M::g_L, "g_L", 30.0, "nS", {}, "Leak conductance")
      .param(M::C_m, "C_m", 100.0, "pF", {}, "Capacitance of the membrane")
      .param(M::E_Na, "E_Na", 50.0, "mV", {}, "Sodium reversal potential")
      .param(M::E_K, "E_K", -77.0, "mV", {}, "Potassium reversal potential")
      .param(M::E_L, "E_L", -54.402, "mV", {}, "Leak reversal potential")
      .param(M::tau_syn_ex, "tau_syn_ex", 0.2, "ms", {}, "Rise time of the excitatory synaptic alpha function")
      .param(M::tau_syn_in, "tau_syn_in", 2.0, "ms", {}, "Rise time of the inhibitory synaptic alpha function")
      .param(M::I_e, "I_e", 0.0, "pA", {}, "Constant external input current");
}

template <class M>
void declare_squid_state(ModelInfo& m) {
  m.state(M::V_m, "V_m", kV0, "mV", "Membrane potential")
      .state(M::Act_m, "Act_m", m_inf(kV0), "", "Activation variable m for Na")
      .state(M::Inact_h, "Inact_h", h_inf(kV0), "", "Inactivation variable h for Na")
      .state(M::Act_n, "Act_n", n_inf(kV0), "", "Activation variable n for K")
      .internal(M::dI_ex, "_dI_ex")
      .internal(M::I_syn_ex, "_I_syn_ex")
      .internal(M::dI_in, "_dI_in")
      .internal(M::I_syn_in, "_I_syn_in");
}

ModelInfo make_psc_alpha() {
  using M = PscAlpha;
  ModelInfo m("hh_psc_alpha", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/hh_psc_alpha.html");
  m.family = "hh";
  declare_squid<M>(m);
  hh::declare_archiving<M>(m);
  declare_squid_state<M>(m);
  hh::declare_internals<M>(m);
  m.recordables = {"V_m", "I_syn_ex", "I_syn_in", "Act_m", "Inact_h", "Act_n"};
  m.validate = [](const ParamRow& row) {
    hh::check_capacitance(row);
    hh::check_t_ref(row);
    hh::check_time_constants(row, {"tau_syn_ex", "tau_syn_in"});
    hh::check_conductances(row, {"g_K", "g_Na", "g_L"});
    hh::check_gates(row, {"Act_m", "Inact_h", "Act_n"});
    hh::check_archiving(row);
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<hh::HhPopulation<M>>(info); };
  return m;
}

ModelInfo make_clopath() {
  using M = Clopath;
  ModelInfo m("hh_psc_alpha_clopath", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/hh_psc_alpha_clopath.html");
  m.family = "hh";
  declare_squid<M>(m);
  m.param(M::tau_u_bar_plus, "tau_u_bar_plus", 114.0, "ms", {}, "Time constant of u_bar_plus")
      .param(M::tau_u_bar_minus, "tau_u_bar_minus", 10.0, "ms", {}, "Time constant of u_bar_minus")
      .param(M::tau_u_bar_bar, "tau_u_bar_bar", 500.0, "ms", {}, "Time constant of u_bar_bar")
      // The Clopath archiving node's rule parameters (read by clopath_synapse).
      .param(M::A_LTD, "A_LTD", 14.0e-5, "", {}, "Amplitude of depression")
      .param(M::A_LTP, "A_LTP", 8.0e-5, "", {}, "Amplitude of facilitation")
      .param(M::u_ref_squared, "u_ref_squared", 60.0, "mV^2", {}, "Reference value for u_bar_bar^2")
      .param(M::theta_plus, "theta_plus", -45.3, "mV", {}, "Threshold for u")
      .param(M::theta_minus, "theta_minus", -70.6, "mV", {}, "Threshold for u_bar_[plus/minus]")
      .flag(M::A_LTD_const, "A_LTD_const", true, "Whether A_LTD is constant")
      .param(M::delay_u_bars, "delay_u_bars", 5.0, "ms", {}, "Delay with which u_bar_[plus/minus] are processed");
  hh::declare_archiving<M>(m);
  declare_squid_state<M>(m);
  m.state(M::u_bar_plus, "u_bar_plus", 0.0, "mV", "Low-pass filtered membrane potential")
      .state(M::u_bar_minus, "u_bar_minus", 0.0, "mV", "Low-pass filtered membrane potential")
      .state(M::u_bar_bar, "u_bar_bar", 0.0, "mV", "Low-pass filtered u_bar_minus");
  hh::declare_internals<M>(m);
  m.recordables = {"V_m",   "I_syn_ex",   "I_syn_in",    "Act_m",    "Inact_h",
                   "Act_n", "u_bar_plus", "u_bar_minus", "u_bar_bar"};
  m.validate = [](const ParamRow& row) {
    hh::check_capacitance(row);
    hh::check_t_ref(row);
    hh::check_time_constants(row, {"tau_syn_ex", "tau_syn_in", "tau_u_bar_plus", "tau_u_bar_minus", "tau_u_bar_bar"});
    hh::check_conductances(row, {"g_K", "g_Na", "g_L"});
    hh::check_gates(row, {"Act_m", "Inact_h", "Act_n"});
    hh::check_archiving(row);
    if (row.num("u_ref_squared") <= 0.0) throw BadProperty("Ensure that u_ref_squared > 0");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<hh::HhPopulation<M>>(info); };
  return m;
}

}  // namespace

const ModelInfo& hh_psc_alpha_model() {
  static const ModelInfo info = make_psc_alpha();
  return info;
}

const ModelInfo& hh_psc_alpha_clopath_model() {
  static const ModelInfo info = make_clopath();
  return info;
}

}  // namespace nestkit
