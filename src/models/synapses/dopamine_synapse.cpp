// stdp_dopamine_synapse: dopamine-modulated STDP (Izhikevich 2007; Potjans et al. 2010), as NEST 3.10.
//
// Pre/post pairings move an eligibility trace c (facilitation A_plus * Kplus at each postsynaptic
// spike, depression A_minus * Kminus at each presynaptic spike); the weight follows
//   dw/dt = c(t) * (n(t) - b),  c(t) = c0 exp(-t/tau_c),  n(t) = n0 exp(-t/tau_n),
// integrated in closed form between events:
//   w(t1) = w(t0) + c0 n0 / s (1 - e^(-s dt)) - b c0 tau_c (1 - e^(-dt/tau_c)),  s = 1/tau_c + 1/tau_n,
// and clipped to [Wmin, Wmax] after each piece. The dopamine trace n jumps by m / tau_n at each
// dopamine spike of multiplicity m. Dopamine spikes come from the volume_transmitter the model names:
// its list starts with a pseudo spike at the time of its last trigger (or 0), and each synapse keeps
// the index of the last dopamine spike it has processed. Each presynaptic spike processes the
// postsynaptic spikes since the last update and the dopamine spikes up to the spike; every
// deliver_interval min-delays the volume_transmitter triggers all its synapses to catch up to that
// time, after which it restarts its list from a pseudo spike at the trigger time.
#include <algorithm>
#include <cmath>

#include "integrators/nest_expm1.hpp"
#include "models/synapses/families.hpp"
#include "nestkit/spike_archive.hpp"

namespace nestkit::synapses {
namespace {

enum Common : int { A_plus, A_minus, tau_plus, tau_c, tau_n, b, Wmin, Wmax };
enum Record : int { Kplus, c, n, dopa_index, t_last_update };

constexpr double kEps = SpikeArchive::kEps;

// One synapse's view during an update: its weight and record, the common values and the dopamine spikes.
struct Dopa {
  double& w;
  double* r;
  const double* p;
  const ModulatorSpike* spikes;
  std::size_t count;

  std::size_t index() const {
    // A synapse reassigned to a volume_transmitter with a shorter list starts over at its first entry.
    const auto i = static_cast<std::size_t>(r[dopa_index]);
    return i < count ? i : 0;
  }
  bool next_dopa_by(double t1) const {
    const std::size_t i = index();
    return count > i + 1 && t1 - spikes[i + 1].t > -kEps;
  }
  double last_dopa_time() const { return spikes[index()].t; }

  // The weight integrated over an interval of length -minus_dt from c0 and n0 at its start.
  void integrate(double c0, double n0, double minus_dt) {
    const double s = (p[tau_c] + p[tau_n]) / (p[tau_c] * p[tau_n]);
    w = w - c0 * (n0 / s * integrators::nest_expm1(s * minus_dt) -
                  p[b] * p[tau_c] * integrators::nest_expm1(minus_dt / p[tau_c]));
    if (w < p[Wmin]) w = p[Wmin];
    if (w > p[Wmax]) w = p[Wmax];
  }
  // n from the last processed dopamine spike to the next one, plus that spike.
  void take_next_dopa() {
    const std::size_t i = index();
    const double minus_dt = spikes[i].t - spikes[i + 1].t;
    r[dopa_index] = static_cast<double>(i + 1);
    r[n] = r[n] * std::exp(minus_dt / p[tau_n]) + spikes[i + 1].multiplicity / p[tau_n];
  }
  // Weight from t0 to t1 through the dopamine spikes in (t0, t1]; c decays over the interval. At t0
  // the weight and c are current while n is at the last processed dopamine spike.
  void advance(double t0, double t1) {
    if (next_dopa_by(t1)) {
      integrate(r[c], r[n] * std::exp((last_dopa_time() - t0) / p[tau_n]), t0 - spikes[index() + 1].t);
      take_next_dopa();
      while (next_dopa_by(t1)) {
        const double td = last_dopa_time();
        integrate(r[c] * std::exp((t0 - td) / p[tau_c]), r[n], td - spikes[index() + 1].t);
        take_next_dopa();
      }
      const double td = last_dopa_time();
      integrate(r[c] * std::exp((t0 - td) / p[tau_c]), r[n], td - t1);
    } else {
      integrate(r[c], r[n] * std::exp((last_dopa_time() - t0) / p[tau_n]), t0 - t1);
    }
    r[c] = r[c] * std::exp((t0 - t1) / p[tau_c]);
  }
  // Postsynaptic spikes in (t_last_update - d, t_end - d], each facilitating after the weight has
  // caught up with it; returns the time reached. `skip_coincident`: a postsynaptic spike at the
  // presynaptic spike's own time does not facilitate.
  double pair_post_spikes(SpikeArchive& post, std::size_t i, double d, double t_end, bool skip_coincident) {
    const double t_last = r[t_last_update];
    double t0 = t_last;
    const auto [a, e] = post.history(i, t_last - d, t_end - d);
    for (const HistoryEntry* h = a; h != e; ++h) {
      advance(t0, h->t + d);
      t0 = h->t + d;
      if (!skip_coincident || t_end - h->t > kEps) r[c] += p[A_plus] * r[Kplus] * std::exp((t_last - t0) / p[tau_plus]);
    }
    return t0;
  }
};

Dopa view(SynapseSpike& s, std::size_t k, double* r) {
  // A transmitter's list always holds at least its pseudo spike; without one, a pseudo spike at 0.
  static const ModulatorSpike none{0.0, 0.0};
  if (!s.modulator || s.modulator_count == 0) return {s.weight[k], r, s.common, &none, 1};
  return {s.weight[k], r, s.common, s.modulator, s.modulator_count};
}

void send_dopamine(SynapseSpike& s) {
  const double t = s.t_spike;
  for (std::size_t k = 0; k < s.count; ++k) {
    double* r = s.record_of(k);
    Dopa syn = view(s, k, r);
    const double d = s.delay_ms(k);
    const std::size_t post = s.target[k] - s.post_first;
    const double t0 = syn.pair_post_spikes(*s.post, post, d, t, true);
    syn.advance(t0, t);
    r[c] -= s.common[A_minus] * s.post->K_value(post, t - d);
    s.out_weight[k] = s.weight[k];
    r[Kplus] = r[Kplus] * std::exp((r[t_last_update] - t) / s.common[tau_plus]) + 1.0;
    r[t_last_update] = t;
  }
}

// The volume_transmitter's periodic update: everything up to the trigger time, no spike there.
void trigger_dopamine(SynapseSpike& s) {
  const double t = s.t_spike;
  for (std::size_t k = 0; k < s.count; ++k) {
    double* r = s.record_of(k);
    Dopa syn = view(s, k, r);
    const double d = s.delay_ms(k);
    const std::size_t post = s.target[k] - s.post_first;
    const double t0 = syn.pair_post_spikes(*s.post, post, d, t, false);
    syn.advance(t0, t);
    r[n] = r[n] * std::exp((syn.last_dopa_time() - t) / s.common[tau_n]);
    r[Kplus] = r[Kplus] * std::exp((r[t_last_update] - t) / s.common[tau_plus]);
    r[t_last_update] = t;
    r[dopa_index] = 0.0;
  }
}

SynapseInfo make_dopamine() {
  SynapseInfo s("stdp_dopamine_synapse", "Dopamine-modulated STDP, driven by a volume_transmitter (Potjans 2010)");
  s.common(A_plus, "A_plus", 1.0, "", {}, "Amplitude of facilitation of the eligibility trace")
      .common(A_minus, "A_minus", 1.5, "", {}, "Amplitude of depression of the eligibility trace")
      .common(tau_plus, "tau_plus", 20.0, "ms", {}, "Time constant of the presynaptic STDP trace")
      .common(tau_c, "tau_c", 1000.0, "ms", {}, "Time constant of the eligibility trace")
      .common(tau_n, "tau_n", 200.0, "ms", {}, "Time constant of the dopamine trace")
      .common(b, "b", 0.0, "", {}, "Dopamine baseline concentration")
      .common(Wmin, "Wmin", 0.0, "", {}, "Minimal synaptic weight")
      .common(Wmax, "Wmax", 200.0, "", {}, "Maximal synaptic weight");
  s.state(Kplus, "Kplus", 0.0, "", non_negative(), "Presynaptic trace")
      .state(c, "c", 0.0, "", {}, "Eligibility trace")
      .state(n, "n", 0.0, "", {}, "Dopamine trace")
      .hidden(dopa_index, "_dopa_index", 0.0)
      .hidden(t_last_update, "_t_last_update", 0.0);
  s.plastic = true;
  s.needs_archive = true;
  s.shares_pre_state = false;  // c depends on the target's spikes
  s.device_sources = false;    // NEST: "does not support spike input" from devices
  s.send = send_dopamine;
  s.trigger = trigger_dopamine;
  return s;
}

}  // namespace

void register_neuromodulated(std::vector<const SynapseInfo*>& out) {
  static const SynapseInfo dopamine = make_dopamine();
  out.push_back(&dopamine);
}

}  // namespace nestkit::synapses
