#pragma once
// Each file of synapse models appends its declarations; builtin_synapse_models()
// is the only place that lists the families.
#include <vector>

#include "nestkit/errors.hpp"
#include "nestkit/synapse_model.hpp"

namespace nestkit::synapses {

void register_static(std::vector<const SynapseInfo*>& out);
void register_stdp(std::vector<const SynapseInfo*>& out);
void register_short_term(std::vector<const SynapseInfo*>& out);
void register_stochastic(std::vector<const SynapseInfo*>& out);
void register_neuromodulated(std::vector<const SynapseInfo*>& out);  // stdp_dopamine_synapse
void register_facetshw(std::vector<const SynapseInfo*>& out);
void register_clopath(std::vector<const SynapseInfo*>& out);
void register_urbanczik(std::vector<const SynapseInfo*>& out);
void register_cont_delay(std::vector<const SynapseInfo*>& out);
void register_eprop(std::vector<const SynapseInfo*>& out);  // eprop_synapse, eprop_learning_signal_connection

// cont_delay_synapse (and its variants): the record column of the delay's
// continuous part (ms, subtracted from the whole steps).
inline constexpr int kContDelayOffset = 0;
void register_secondary(std::vector<const SynapseInfo*>& out);  // rate, diffusion, gap junction

// Runs tx(k, record) for every synapse and advance(record) once per record: once
// for the segment when its synapses share a record (state driven by the source
// alone evolves identically for all of them), else once per synapse after its tx.
template <typename Tx, typename Advance>
inline void for_each_synapse(SynapseSpike& s, Tx tx, Advance advance) {
  for (std::size_t k = 0; k < s.count; ++k) {
    double* r = s.record_of(k);
    tx(k, r);
    if (s.record_each) advance(r);
  }
  if (!s.record_each) advance(s.record);
}

// A check that weight and Wmax have the same sign (NEST's wording).
inline void same_sign_weight_wmax(const std::function<double(const std::string&)>& v) {
  const double w = v("weight"), wmax = v("Wmax");
  if (((w >= 0) - (w < 0)) != ((wmax >= 0) - (wmax < 0))) throw BadProperty("Weight and Wmax must have same sign.");
}

}  // namespace nestkit::synapses
