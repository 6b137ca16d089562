// urbanczik_synapse: the Urbanczik-Senn (2014) rule, learning by the dendritic
// prediction of somatic spiking, as NEST 3.10. The target (a two-compartment
// neuron with an UrbanczikArchive) records per step the prediction error
// dw_j = (n_spikes - phi(V*) h) h'(V*). At each presynaptic spike t the synapse,
// with its whole delay d counted as dendritic, reads the entries t_j in
// (t_last - d, t - d] and, with u_j = t_j + d,
//   PI_j = (L exp((t_last - u_j) / tau_L) - S exp((t_last - u_j) / tau_s)) dw_j,
//   PI_integral += PI_j,   PI_exp_integral = exp((t_last - t) / tau_Delta) PI_exp_integral
//                                          + sum_j exp((u_j - t) / tau_Delta) PI_j,
//   w = init_weight + (PI_integral - PI_exp_integral) 15 C_m tau_s eta / (g_L (tau_L - tau_s)),
// clipped to [Wmin, Wmax] and transmitted; then the presynaptic traces L and S
// (time constants tau_L = C_m / g_L and tau_s = the dendrite's tau_syn_ex, or
// tau_syn_in for a non-positive weight) decay to t and jump by 1.
// init_weight is the weight the user set (at Connect or SetStatus).
#include <cmath>

#include "models/synapses/families.hpp"
#include "nestkit/urbanczik_archive.hpp"

namespace nestkit::synapses {
namespace {

enum UrbanczikCol : int {
  tau_Delta,
  eta,
  Wmin,
  Wmax,
  PI_integral,
  PI_exp_integral,
  tau_L_trace,
  tau_s_trace,
  t_last,
  init_weight,  // the weight set by the user (NaN: not yet taken)
  w_last,       // the weight after the last transmission (a different one: set by the user)
};

void send_urbanczik(SynapseSpike& s) {
  const double t = s.t_spike;
  for (std::size_t k = 0; k < s.count; ++k) {
    double* r = s.record_of(k);
    const double d = s.delay_ms(k);
    const std::size_t post = s.target[k] - s.post_first;
    double w = s.weight[k];
    if (std::isnan(r[init_weight]) || w != r[w_last]) r[init_weight] = w;
    const UrbanczikDendrite& den = s.urbanczik->dendrite(post);
    const double tau_L = den.tau_L();
    const double tau_s = w > 0.0 ? den.tau_syn_ex : den.tau_syn_in;
    const auto [a, b] = s.urbanczik->history(post, r[t_last] - d, t - d);
    double d_exp = 0.0;
    for (const UrbanczikEntry* e = a; e != b; ++e) {
      const double t_up = e->t + d;
      const double minus_dt_up = r[t_last] - t_up;
      const double minus_t_down = t_up - t;
      const double pi =
          (r[tau_L_trace] * std::exp(minus_dt_up / tau_L) - r[tau_s_trace] * std::exp(minus_dt_up / tau_s)) * e->dw;
      r[PI_integral] += pi;
      d_exp += std::exp(minus_t_down / r[tau_Delta]) * pi;
    }
    r[PI_exp_integral] = std::exp((r[t_last] - t) / r[tau_Delta]) * r[PI_exp_integral] + d_exp;
    w = r[PI_integral] - r[PI_exp_integral];
    w = r[init_weight] + w * 15.0 * den.C_m * tau_s * r[eta] / (den.g_L * (tau_L - tau_s));
    if (w > r[Wmax])
      w = r[Wmax];
    else if (w < r[Wmin])
      w = r[Wmin];
    s.weight[k] = s.out_weight[k] = r[w_last] = w;
    r[tau_L_trace] = r[tau_L_trace] * std::exp((r[t_last] - t) / tau_L) + 1.0;
    r[tau_s_trace] = r[tau_s_trace] * std::exp((r[t_last] - t) / tau_s) + 1.0;
    r[t_last] = t;
  }
}

SynapseInfo make_urbanczik() {
  SynapseInfo s("urbanczik_synapse", "Urbanczik-Senn plasticity (learning by dendritic prediction of somatic spiking)");
  s.param(tau_Delta, "tau_Delta", 100.0, "ms", {}, "Time constant of the low-pass filter of the weight change")
      .param(eta, "eta", 0.07, "", {}, "Learning rate")
      .param(Wmin, "Wmin", 0.0, "", {}, "Minimum allowed weight")
      .param(Wmax, "Wmax", 100.0, "", {}, "Maximum allowed weight")
      .hidden(PI_integral, "_PI_integral", 0.0)
      .hidden(PI_exp_integral, "_PI_exp_integral", 0.0)
      .hidden(tau_L_trace, "_tau_L_trace", 0.0)
      .hidden(tau_s_trace, "_tau_s_trace", 0.0)
      .hidden(t_last, "_t_lastspike", -1.0)
      .hidden(init_weight, "_init_weight", std::nan(""))
      .hidden(w_last, "_w_last", std::nan(""));
  s.plastic = true;
  s.shares_pre_state = false;  // the traces' time constants come from each target
  s.needs_archive = true;      // registers with the target (NEST's register_stdp_connection)
  s.needs_urbanczik = true;
  s.check = [](const auto& v) {
    const double w = v("weight"), wmax = v("Wmax");
    // NEST's two checks and wording (the first names Wmin but compares with Wmax).
    if (std::signbit(w) != std::signbit(wmax)) throw BadProperty("Weight and Wmin must have same sign.");
    if (((w >= 0) - (w < 0)) != ((wmax > 0) - (wmax <= 0))) throw BadProperty("Weight and Wmax must have same sign.");
  };
  s.send = send_urbanczik;
  return s;
}

}  // namespace

void register_urbanczik(std::vector<const SynapseInfo*>& out) {
  static const SynapseInfo urbanczik = make_urbanczik();
  out.push_back(&urbanczik);
}

}  // namespace nestkit::synapses
