// eprop_synapse_bsshslm_2020 and eprop_learning_signal_connection_bsshslm_2020: e-prop
// (Bellec et al. 2020) in NEST 3.10's original form with update intervals.
//
// The weight changes once per update interval of eprop_update_interval U (a kernel
// setting), at the first presynaptic spike after the interval ended. Until then the synapse
// collects its presynaptic inter-spike intervals (each cut at the interval's end, shifted
// by the target's shift: 2 steps for recurrent targets, 3 for readouts). At the update it
// integrates, over the target's e-prop history from the interval's first presynaptic spike:
//   z_bar <- P_v_m z_bar + P_z_in z       (z = 1 at each presynaptic spike)
//   recurrent target: e = psi z_bar (adaptive: psi (z_bar - adapt_beta epsilon),
//                     epsilon <- P_adapt epsilon + e), e_bar <- kappa e_bar + (1 - kappa) e,
//                     g += L e_bar, and at the end g += reg sum(e) with the target's
//                     firing-rate regularisation of the interval;
//   readout target:   g += error z_bar;
// with kappa = exp(-h / tau_m_readout), divided by the learning window when
// average_gradient. The optimizer (gradient descent or Adam, eprop_synapse's) then turns
// the gradient into the weight. Spikes a recurrent target would receive at the first
// step of one of its intervals are not transmitted, as in NEST.
//
// NEST's flush events (a source silent for flush_event_send_interval sends one through its
// e-prop synapses) arrive as the kernel delivers them: one may close an update and release
// the target's history, without transmitting anything.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "models/synapses/eprop_optimizer.hpp"
#include "models/synapses/families.hpp"
#include "nestkit/eprop_archive.hpp"

namespace nestkit::synapses {

namespace {

using eprop_opt::kCommonSize;
// clang-format off
enum Common : int { average_gradient = kCommonSize };  // after the optimizer's
enum Record : int {
  tau_m_readout, t_spike_prev, t_prev_update, t_next_update, t_prev_trigger, gradient, isi_slot, prev_was_flush,
  optimizer_state,  // eprop_opt::kRecordSize columns
};
// clang-format on

// The gradient of one update (NEST's compute_gradient of the _bsshslm_2020 neurons).
double compute_gradient(EpropArchive& a, std::size_t post, std::vector<long>& isis, long t_update, long t_trigger,
                        double kappa, bool average) {
  const EpropNodeConstants& k = a.constants(post);
  const bool readout = a.kind() == EpropArchive::Kind::kBssReadout;
  const bool adaptive = a.kind() == EpropArchive::Kind::kBssRecurrentAdapt;
  double z_bar = 0.0, e_bar = 0.0, epsilon = 0.0, g = 0.0, sum_e = 0.0;
  long t = t_trigger;
  EpropEntry* e = a.lower_bound(post, t);
  for (const long isi : isis) {
    double z = 1.0;
    for (const long t_end = t + isi; t < t_end; ++t, ++e) {
      if (e == a.end(post) || e->t != t) {
        a.fail("eprop_synapse_bsshslm_2020: the e-prop history of the target misses the entry at step " +
               std::to_string(t));
        isis.clear();
        return 0.0;
      }
      z_bar = k.P_v_m * z_bar + k.P_z_in * z;
      if (readout) {
        g += e->signal * z_bar;
      } else {
        const double elig = adaptive ? e->signal * (z_bar - k.adapt_beta * epsilon) : e->signal * z_bar;
        if (adaptive) epsilon = k.P_adapt * epsilon + elig;
        e_bar = kappa * e_bar + (1.0 - kappa) * elig;
        g += e->learning_signal * e_bar;
        sum_e += elig;
      }
      z = 0.0;
    }
  }
  isis.clear();
  if (!readout) g += a.firing_rate_reg(post, t_update + a.shift() + a.update_interval) * sum_e;
  if (average) g /= static_cast<double>(a.learning_window);
  return g;
}

// One event of the source through one synapse (NEST's send): a spike, or a flush event the
// source sent after flush_event_send_interval without spikes. True: the spike is transmitted.
bool handle_event(EpropArchive& a, std::size_t post, double* r, const double* cp, double resolution, long t,
                  bool is_flush, double& w) {
  const long U = a.update_interval;
  const long shift = a.shift();
  const bool recurrent = a.kind() != EpropArchive::Kind::kBssReadout;
  const bool prev_flush = r[prev_was_flush] != 0.0;
  if (prev_flush) {
    if (is_flush) return false;
    r[t_spike_prev] = r[t_prev_trigger] = static_cast<double>(t);
  }
  if (recurrent && (t - shift) % U == 0) return false;  // NEST drops the event
  // NEST gives a new synapse its first update at U (the interval at Connect; here at its first event).
  if (r[t_next_update] < 0.0) r[t_next_update] = static_cast<double>(U);
  const long next = static_cast<long>(r[t_next_update]);
  const long prev_spike = static_cast<long>(r[t_spike_prev]);
  if (r[t_prev_trigger] == 0.0) r[t_prev_trigger] = static_cast<double>(t);
  std::vector<long>& isis = a.isi_list(post, r[isi_slot]);
  if (prev_spike > 0) {
    const long isi = std::min(t, next + shift) - std::min(prev_spike, next + shift);
    if (isi > 0) isis.push_back(isi);
  }
  if (t > next + shift) {
    const long idx = (t - shift) / U;
    const long t_current = idx * U;
    const long t_previous = static_cast<long>(r[t_prev_update]);
    a.write_update(post, t_previous, t_current, is_flush, prev_flush);
    if (!isis.empty() && prev_spike > 0) {
      const double kappa = std::exp(-resolution / r[tau_m_readout]);
      r[gradient] += compute_gradient(a, post, isis, t_previous, static_cast<long>(r[t_prev_trigger]), kappa,
                                      cp[average_gradient] != 0.0);
    }
    if (!is_flush) {
      w = eprop_opt::optimized_weight(cp, r + optimizer_state, idx, r[gradient], w);
      r[gradient] = 0.0;
    }
    r[t_prev_update] = static_cast<double>(t_current);
    r[t_next_update] = static_cast<double>(t_current + U);
    r[t_prev_trigger] = static_cast<double>(t);
  } else if (!is_flush && prev_flush) {
    const long idx = (t - shift) / U;
    a.write_update(post, static_cast<long>(r[t_prev_update]), idx * U, false, true);
    w = eprop_opt::optimized_weight(cp, r + optimizer_state, idx, r[gradient], w);
    r[gradient] = 0.0;
  }
  if (!is_flush) r[t_spike_prev] = static_cast<double>(t);
  r[prev_was_flush] = is_flush ? 1.0 : 0.0;
  return !is_flush;
}

void send_bss(SynapseSpike& s) {
  EpropArchive& a = *s.eprop;
  if (!a.bsshslm()) {
    a.fail("eprop_synapse_bsshslm_2020 connects only to the _bsshslm_2020 e-prop neurons");
    return;
  }
  // The kernel passes a flush event with nothing marked to transmit (a spike: everything).
  if (s.count > 0 && s.out_sent[0] == 0) {
    for (std::size_t k = 0; k < s.count; ++k) {
      double* r = s.record_of(k);
      handle_event(a, s.target[k] - s.post_first, r, s.common, s.resolution, s.stamp, true, s.weight[k]);
      s.out_weight[k] = s.weight[k];
    }
    return;
  }
  for (std::size_t k = 0; k < s.count; ++k) {
    double* r = s.record_of(k);
    const std::size_t post = s.target[k] - s.post_first;
    s.out_sent[k] = handle_event(a, post, r, s.common, s.resolution, s.stamp, false, s.weight[k]) ? 1 : 0;
    s.out_weight[k] = s.weight[k];
  }
}

SynapseInfo make_bss() {
  SynapseInfo s("eprop_synapse_bsshslm_2020",
                "Synapse for e-prop plasticity with update intervals (Bellec et al. 2020, NEST's original port)");
  eprop_opt::declare_common(s, "Shown as NEST shows it; these synapses optimize once per update interval");
  s.common(average_gradient, "average_gradient", 0.0, "", in_range(0, 1), "Divide the gradient by the learning window");
  s.params.back().boolean = true;
  s.param(tau_m_readout, "tau_m_readout", 10.0, "ms", positive(), "Membrane time constant of the readout neuron")
      .hidden(t_spike_prev, "_t_spike_previous", 0.0)
      .hidden(t_prev_update, "_t_previous_update", 0.0)
      .hidden(t_next_update, "_t_next_update", -1.0)
      .hidden(t_prev_trigger, "_t_previous_trigger_spike", 0.0)
      .hidden(gradient, "_gradient", 0.0)
      .hidden(isi_slot, "_presyn_isis", 0.0)
      .hidden(prev_was_flush, "_previous_was_flush_event", 0.0);
  eprop_opt::declare_record(s, optimizer_state);
  eprop_opt::declare_eprop_synapse(s, send_bss);
  return s;
}

SynapseInfo make_learning_signal_bss() {
  return eprop_opt::learning_signal_connection(
      "eprop_learning_signal_connection_bsshslm_2020",
      "Feedback of an eprop_readout_bsshslm_2020's error signal to the recurrent neurons");
}

}  // namespace

void register_eprop_bsshslm_2020(std::vector<const SynapseInfo*>& out) {
  static const SynapseInfo bss = make_bss();
  static const SynapseInfo learning_signal = make_learning_signal_bss();
  out.push_back(&bss);
  out.push_back(&learning_signal);
}

}  // namespace nestkit::synapses
