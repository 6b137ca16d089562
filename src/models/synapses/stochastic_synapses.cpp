// Synapses that draw at each spike: bernoulli_synapse (transmission with
// probability p_transmit) and quantal_stp_synapse (binomial release from n sites).
// Each draw comes from a counter-based stream keyed by the source, the spike's
// stamp and the synapse's place in the source's row, so results are the same for
// any thread count and any chunking of Simulate.
#include "models/synapses/families.hpp"
#include "nestkit/rng.hpp"

namespace nestkit::synapses {
namespace {

RandomStream stream_of(const SynapseSpike& s, std::size_t k) {
  return RandomStream(s.seed, Purpose::kSynapseRelease, s.source,
                      ((s.row_position + k) << 32) ^ static_cast<uint64_t>(s.stamp));
}

enum BernCol : int { p_transmit };

void send_bernoulli(SynapseSpike& s) {
  for (std::size_t k = 0; k < s.count; ++k) {
    RandomStream rng = stream_of(s, k);
    const bool sent = rng.uniform() < s.record_of(k)[p_transmit];
    s.out_sent[k] = sent;
    s.out_weight[k] = s.w(k);
  }
}

SynapseInfo make_bernoulli() {
  SynapseInfo s("bernoulli_synapse", "Static synapse that transmits each spike with probability p_transmit");
  s.param(p_transmit, "p_transmit", 1.0, "", {}, "Transmission probability");
  s.check = [](const auto& v) {
    if (v("p_transmit") < 0.0 || v("p_transmit") > 1.0)
      throw BadProperty("Spike transmission probability must be in [0, 1].");
  };
  s.send = send_bernoulli;
  return s;
}

enum QuantalCol : int { q_U, q_u, q_tau_rec, q_tau_fac, q_n, q_a, q_t_last };

void send_quantal(SynapseSpike& s) {
  for (std::size_t k = 0; k < s.count; ++k) {
    double* r = s.record_of(k);
    RandomStream rng = stream_of(s, k);
    if (r[q_t_last] >= 0.0) {
      const double h = s.t_spike - r[q_t_last];
      const double p_decay = std::exp(-h / r[q_tau_rec]);
      const double u_decay = (r[q_tau_fac] < 1.0e-10) ? 0.0 : std::exp(-h / r[q_tau_fac]);
      r[q_u] = r[q_U] + r[q_u] * (1. - r[q_U]) * u_decay;
      for (long depleted = static_cast<long>(r[q_n] - r[q_a]); depleted > 0; --depleted)
        if (rng.uniform() < (1.0 - p_decay)) r[q_a] += 1.0;
    }
    long released = 0;
    for (long i = static_cast<long>(r[q_a]); i > 0; --i)
      if (rng.uniform() < r[q_u]) ++released;
    s.out_sent[k] = released > 0;
    s.out_weight[k] = static_cast<double>(released) * s.w(k);
    r[q_a] -= static_cast<double>(released);
    r[q_t_last] = s.t_spike;
  }
}

SynapseInfo make_quantal() {
  SynapseInfo s("quantal_stp_synapse", "Stochastic quantal release with short-term plasticity (Fuhrmann et al. 2002)");
  s.param(q_U, "U", 0.5, "", {}, "Increment of u at each spike")
      .state(q_u, "u", 0.5, "", {}, "Release probability per site")
      .param(q_tau_rec, "tau_rec", 800.0, "ms", {}, "Recovery time constant of a site")
      .param(q_tau_fac, "tau_fac", 0.0, "ms", {}, "Facilitation time constant (0: none)")
      .integer_state(q_n, "n", 1, {}, "Number of release sites")
      .integer_state(q_a, "a", 1, {}, "Number of available release sites")
      .hidden(q_t_last, "_t_lastspike", -1.0);
  s.stochastic = true;
  s.check = [](const auto& v) {
    if (v("U") > 1.0 || v("U") < 0.0) throw BadProperty("'U' must be in [0,1].");
    if (v("u") > 1.0 || v("u") < 0.0) throw BadProperty("'u' must be in [0,1].");
    if (v("tau_rec") <= 0.0) throw BadProperty("'tau_rec' must be > 0.");
    if (v("tau_fac") < 0.0) throw BadProperty("'tau_fac' must be >= 0.");
  };
  s.send = send_quantal;
  return s;
}

}  // namespace

void register_stochastic(std::vector<const SynapseInfo*>& out) {
  static const SynapseInfo bern = make_bernoulli(), quantal = make_quantal();
  out.push_back(&bern);
  out.push_back(&quantal);
}

}  // namespace nestkit::synapses
