// hh_psc_alpha_gap: Hodgkin-Huxley neuron with Kv1 and Kv3 potassium channels
// (Mancilla et al. 2007) and alpha-shaped synaptic currents, integrated with
// RKF45 under y_new(1e-6, 0) as in NEST 3.10, coupled to other gap models through
// gap_junction connections (the gap current is added in hh_common.hpp).
#include "models/neurons/hh/hh_common.hpp"
#include "models/neurons/hh/models.hpp"

namespace nestkit {
namespace {

using integrators::lane_exp;

// Rate functions, in NEST's operation order.
template <class T>
struct Rates {
  T alpha_m, beta_m, alpha_h, beta_h, alpha_p, beta_p, alpha_n, beta_n;
  [[gnu::always_inline]] explicit Rates(T V)
      : alpha_m(40. * (V - 75.5) / (1. - lane_exp(-(V - 75.5) / 13.5))),
        beta_m(1.2262 / lane_exp(V / 42.248)),
        alpha_h(0.0035 / lane_exp(V / 24.186)),
        beta_h(0.017 * (51.25 + V) / (1. - lane_exp(-(51.25 + V) / 5.2))),
        alpha_p((V - 95.) / (1. - lane_exp(-(V - 95.) / 11.8))),
        beta_p(0.025 / lane_exp(V / 22.222)),
        alpha_n(0.014 * (V + 44.) / (1. - lane_exp(-(V + 44.) / 2.3))),
        beta_n(0.0043 / lane_exp((V + 44.) / 34.)) {}
};

// NEST's initial potential (the model's resting state) and the gates' steady
// states there.
constexpr double kV0 = -69.60401191631222;
double m0() {
  const Rates<double> r(kV0);
  return r.alpha_m / (r.alpha_m + r.beta_m);
}
double h0() {
  const Rates<double> r(kV0);
  return r.alpha_h / (r.alpha_h + r.beta_h);
}
double n0() {
  const Rates<double> r(kV0);
  return r.alpha_n / (r.alpha_n + r.beta_n);
}
double p0() {
  const Rates<double> r(kV0);
  return r.alpha_p / (r.alpha_p + r.beta_p);
}

struct PscAlphaGap {
  enum Col : int {
    t_ref,
    g_Na,
    g_Kv1,
    g_Kv3,
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
    Inact_p,
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
  static constexpr std::size_t N = 9;
  static constexpr double kEpsAbs = 1e-6;
  static constexpr int kRecCols[] = {V_m, I_syn_ex, I_syn_in, Act_m, Inact_h, Act_n, Inact_p};
  enum Y : int { yV, yM, yH, yN, yP, yDIex, yIex, yDIin, yIin };
  static constexpr double kNoGap = 0.0;  // the gap current comes in with i_stim (hh_common.hpp)
  static constexpr bool kGap = true;

  template <class T>
  [[gnu::always_inline]] static void rhs(const T* p, T i_stim, const T* y, T* f) {
    const T V = y[yV], m = y[yM], h = y[yH], n = y[yN], q = y[yP];
    const Rates<T> r(V);
    const T I_Na = p[g_Na] * m * m * m * h * (V - p[E_Na]);
    const T I_K = (p[g_Kv1] * n * n * n * n + p[g_Kv3] * q * q) * (V - p[E_K]);
    const T I_L = p[g_L] * (V - p[E_L]);
    f[yV] = (-(I_Na + I_K + I_L) + i_stim + p[I_e] + y[yIex] + y[yIin] + kNoGap) / p[C_m];
    f[yM] = r.alpha_m * (1 - m) - r.beta_m * m;
    f[yH] = r.alpha_h * (1 - h) - r.beta_h * h;
    f[yP] = r.alpha_p * (1 - q) - r.beta_p * q;
    f[yN] = r.alpha_n * (1 - n) - r.beta_n * n;
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

ModelInfo make_info() {
  using M = PscAlphaGap;
  ModelInfo m("hh_psc_alpha_gap", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/hh_psc_alpha_gap.html");
  m.family = "hh";
  m.param(M::t_ref, "t_ref", 2.0, "ms", {}, "Duration of refractory period")
      .param(M::g_Na, "g_Na", 4500.0, "nS", {}, "Sodium peak conductance")
      .param(M::g_Kv1, "g_Kv1", 9.0, "nS", {}, "Potassium Kv1 peak conductance")
      .param(M::g_Kv3, "g_Kv3", 9000.0, "nS", {}, "Potassium Kv3 peak conductance")
      .param(M::g_L, "g_L", 10.0, "nS", {}, "Leak conductance")
      .param(M::C_m, "C_m", 40.0, "pF", {}, "Capacitance of the membrane")
      .param(M::E_Na, "E_Na", 74.0, "mV", {}, "Sodium reversal potential")
      .param(M::E_K, "E_K", -90.0, "mV", {}, "Potassium reversal potential")
      .param(M::E_L, "E_L", -70.0, "mV", {}, "Leak reversal potential")
      .param(M::tau_syn_ex, "tau_syn_ex", 0.2, "ms", {}, "Rise time of the excitatory synaptic alpha function")
      .param(M::tau_syn_in, "tau_syn_in", 2.0, "ms", {}, "Rise time of the inhibitory synaptic alpha function")
      .param(M::I_e, "I_e", 0.0, "pA", {}, "Constant external input current");
  hh::declare_archiving<M>(m);
  m.state(M::V_m, "V_m", kV0, "mV", "Membrane potential")
      .state(M::Act_m, "Act_m", m0(), "", "Activation variable m for Na")
      .state(M::Inact_h, "Inact_h", h0(), "", "Inactivation variable h for Na")
      .state(M::Act_n, "Act_n", n0(), "", "Activation variable n for Kv1")
      .state(M::Inact_p, "Inact_p", p0(), "", "Activation variable p for Kv3")
      .internal(M::dI_ex, "_dI_ex")
      .internal(M::I_syn_ex, "_I_syn_ex")
      .internal(M::dI_in, "_dI_in")
      .internal(M::I_syn_in, "_I_syn_in");
  hh::declare_internals<M>(m);
  m.recordables = {"V_m", "I_syn_ex", "I_syn_in", "Act_m", "Inact_h", "Act_n", "Inact_p"};
  m.secondary_in = m.secondary_out = secondary_bit(Secondary::kGap);
  m.validate = [](const ParamRow& row) {
    hh::check_capacitance(row);
    hh::check_t_ref(row);
    hh::check_time_constants(row, {"tau_syn_ex", "tau_syn_in"});
    hh::check_conductances(row, {"g_Kv1", "g_Kv3", "g_Na", "g_L"});
    hh::check_gates(row, {"Act_m", "Inact_h", "Act_n", "Inact_p"});
    hh::check_archiving(row);
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<hh::HhPopulation<M>>(info); };
  return m;
}

}  // namespace

const ModelInfo& hh_psc_alpha_gap_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
