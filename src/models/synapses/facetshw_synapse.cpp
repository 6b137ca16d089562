// stdp_facetshw_synapse_hom: STDP under the constraints of the FACETS/BrainScaleS hardware (Pfeil et
// al. 2012), as NEST 3.10. Weights are 4-bit: w = entry * weight_per_lut_entry, entry in [0, 15].
// Each synapse accumulates spike-pair charges on two "capacitors": at a presynaptic spike with
// postsynaptic spikes since the last one, a_causal grows by exp(-(t_first_post + d - t_last_pre) /
// tau_plus) for the first of them and a_acausal by exp(-(t_pre - t_last_post - d) / tau_minus_stdp)
// for the last (reduced symmetric nearest-neighbour pairing). A controller visits the synapses in
// groups of synapses_per_driver, one group every driver_readout_time ms, so each synapse is read out
// once per readout cycle; a presynaptic spike after the synapse's next readout time applies the
// readout first: two evaluation bits compare the charges with the thresholds a_thresh_th/tl
// (weighted by configbit_0/1), select one of three look-up tables that map the weight entry to
// its new value, and reset the charges per reset_pattern; neither bit set leaves the entry as it
// is (but the weight is still rounded to an entry).
//
// Synapses get their ids (0, 1, ...) in the order of their first presynaptic spike, from the model's
// no_synapses counter, which also sets the readout cycle: ceil(no_synapses / synapses_per_driver) *
// driver_readout_time. The counter is a common property changed at delivery: the model is serial
// (one synapse at a time, in delivery order), which is also what makes it independent of threads.
#include <algorithm>
#include <cmath>

#include "models/synapses/families.hpp"
#include "nestkit/spike_archive.hpp"

namespace nestkit::synapses {
namespace {

constexpr int kLutSize = 16;

enum Common : int {
  tau_plus,
  tau_minus_stdp,
  Wmax,
  weight_per_lut_entry,
  no_synapses,
  synapses_per_driver,
  driver_readout_time,
  readout_cycle_duration,
  lookuptable_0,
  lookuptable_1 = lookuptable_0 + kLutSize,
  lookuptable_2 = lookuptable_1 + kLutSize,
  configbit_0 = lookuptable_2 + kLutSize,
  configbit_1 = configbit_0 + 4,
  reset_pattern = configbit_1 + 4,
};
enum Record : int { a_causal, a_acausal, a_thresh_th, a_thresh_tl, init_flag, synapse_id, next_readout_time, t_last };

// The readout cycle for the current number of synapses (integer truncation, as NEST).
void recompute_cycle(double* cp) {
  cp[readout_cycle_duration] =
      static_cast<int>((cp[no_synapses] - 1.0) / cp[synapses_per_driver] + 1.0) * cp[driver_readout_time];
}

void derive(double* cp, const std::function<bool(const std::string&)>& given) {
  if (given("Wmax") && !given("weight_per_lut_entry")) cp[weight_per_lut_entry] = cp[Wmax] / (kLutSize - 1);
  if (given("no_synapses") || given("synapses_per_driver") || given("driver_readout_time")) recompute_cycle(cp);
}

// Evaluation bit: the charges weighted by the configuration bits, compared between the thresholds.
bool evaluate(const double* r, const double* bits) {
  const double lhs = (r[a_thresh_tl] + bits[2] * r[a_causal] + bits[1] * r[a_acausal]) / (1.0 + bits[2] + bits[1]);
  const double rhs = (r[a_thresh_th] + bits[0] * r[a_causal] + bits[3] * r[a_acausal]) / (1.0 + bits[0] + bits[3]);
  return lhs > rhs;
}

void readout(double& w, double* r, const double* cp) {
  // Weights outside the tables' range (which NEST would read past) use the nearest entry.
  const double wple = cp[weight_per_lut_entry];
  const double rounded = std::round(w / wple);
  long entry = rounded > 0.0 ? static_cast<long>(rounded) : 0;
  const bool e0 = evaluate(r, cp + configbit_0), e1 = evaluate(r, cp + configbit_1);
  if (e0 || e1) {
    const int table = e0 && e1 ? lookuptable_2 : e0 ? lookuptable_0 : lookuptable_1;
    const int which = e0 && e1 ? 2 : e0 ? 0 : 1;
    entry = static_cast<long>(cp[table + std::min<long>(entry, kLutSize - 1)]);
    if (cp[reset_pattern + 2 * which] != 0.0) r[a_causal] = 0.0;
    if (cp[reset_pattern + 2 * which + 1] != 0.0) r[a_acausal] = 0.0;
  }
  w = static_cast<double>(entry) * wple;
}

void send_facetshw(SynapseSpike& s) {
  double* cp = s.common_state;
  const double t = s.t_spike;
  for (std::size_t k = 0; k < s.count; ++k) {
    double* r = s.record_of(k);
    double& w = s.weight[k];
    if (r[init_flag] == 0.0) {
      // First presynaptic spike: the next free id, and with it the first readout time.
      r[synapse_id] = cp[no_synapses];
      cp[no_synapses] += 1.0;
      recompute_cycle(cp);
      const long group = static_cast<long>(r[synapse_id]) / static_cast<long>(cp[synapses_per_driver]);
      r[next_readout_time] = static_cast<double>(group) * cp[driver_readout_time];
      r[init_flag] = 1.0;
    }
    if (t > r[next_readout_time]) {
      readout(w, r, cp);
      // NEST loops forever on a cycle <= 0; here the synapse then stays due at every spike.
      if (cp[readout_cycle_duration] > 0.0)
        while (t > r[next_readout_time]) r[next_readout_time] += cp[readout_cycle_duration];
    }
    const double d = s.delay_ms(k);
    const std::size_t post = s.target[k] - s.post_first;
    const auto [a, e] = s.post->history(post, r[t_last] - d, t - d);
    if (a != e) {
      r[a_causal] += std::exp((r[t_last] - (a->t + d)) / cp[tau_plus]);
      r[a_acausal] += std::exp(((e - 1)->t + d - t) / cp[tau_minus_stdp]);
    }
    s.out_weight[k] = w;
    r[t_last] = t;
  }
}

SynapseInfo make_facetshw() {
  SynapseInfo s("stdp_facetshw_synapse_hom", "STDP with the 4-bit weights and readout cycle of the FACETS hardware");
  const Constraint entry = in_range(0.0, kLutSize - 1.0);
  s.common(tau_plus, "tau_plus", 20.0, "ms", {}, "Time constant of the causal STDP window")
      .common(tau_minus_stdp, "tau_minus_stdp", 20.0, "ms", {}, "Time constant of the acausal STDP window")
      .common(Wmax, "Wmax", 100.0, "", {}, "Maximum weight (look-up table entry 15)")
      .common(weight_per_lut_entry, "weight_per_lut_entry", 100.0 / (kLutSize - 1), "", {},
              "Weight step of one look-up table entry (Wmax / 15 when Wmax is set)")
      .integer_common(no_synapses, "no_synapses", 0, {}, "Number of synapses that have been assigned an id")
      .integer_common(synapses_per_driver, "synapses_per_driver", 50, positive(),
                      "Synapses read out at once (one synapse line driver)")
      .common(driver_readout_time, "driver_readout_time", 15.0, "ms", positive(),
              "Time to read out one group of synapses")
      .common(readout_cycle_duration, "readout_cycle_duration", 0.0, "ms", {},
              "Time between two readouts of a synapse (follows no_synapses)")
      .common_list(lookuptable_0, "lookuptable_0", {2, 3, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 14, 15}, entry,
                   "Look-up table applied when only evaluation bit 0 is set")
      .common_list(lookuptable_1, "lookuptable_1", {0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 11, 12, 13}, entry,
                   "Look-up table applied when only evaluation bit 1 is set")
      .common_list(lookuptable_2, "lookuptable_2", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, entry,
                   "Look-up table applied when both evaluation bits are set")
      .common_list(configbit_0, "configbit_0", {0, 0, 1, 0}, {},
                   "Configuration bits of evaluation bit 0 (e_cc, e_ca, e_ac, e_aa)")
      .common_list(configbit_1, "configbit_1", {0, 1, 0, 0}, {}, "Configuration bits of evaluation bit 1")
      .common_list(reset_pattern, "reset_pattern", {1, 1, 1, 1, 1, 1}, {},
                   "Reset of (a_causal, a_acausal) after a readout with look-up table 0, 1, 2");
  s.state(a_causal, "a_causal", 0.0, "", {}, "Accumulated causal spike pairs")
      .state(a_acausal, "a_acausal", 0.0, "", {}, "Accumulated acausal spike pairs")
      .param(a_thresh_th, "a_thresh_th", 21.835, "", {}, "Upper threshold of the evaluation")
      .param(a_thresh_tl, "a_thresh_tl", 21.835, "", {}, "Lower threshold of the evaluation")
      .boolean_state(init_flag, "init_flag", false, "Whether the synapse has been assigned its id")
      .integer_state(synapse_id, "synapse_id", 0, {}, "Id of the synapse, which sets its readout group")
      .state(next_readout_time, "next_readout_time", 0.0, "ms", {}, "Time of the next readout of this synapse")
      .hidden(t_last, "_t_lastspike", 0.0);
  s.plastic = true;
  s.needs_archive = true;
  s.shares_pre_state = false;
  s.device_sources = false;  // NEST: "does not support spike input" from devices
  s.serial = true;
  s.derive_common = derive;
  s.send = send_facetshw;
  return s;
}

}  // namespace

void register_facetshw(std::vector<const SynapseInfo*>& out) {
  static const SynapseInfo facetshw = make_facetshw();
  out.push_back(&facetshw);
}

}  // namespace nestkit::synapses
