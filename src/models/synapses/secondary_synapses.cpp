// Connections that carry secondary events (NEST's SecondaryEvent family): rates,
// the drift and diffusion of mean-field units, gap junctions, and the slow inward
// current of astrocytes (sic_connection). They have no
// send(): the kernel hands each source's interval of values to the target
// (Population::deliver_secondary), which applies the weight (or the record's
// factors) itself.
#include "models/synapses/families.hpp"

namespace nestkit::synapses {
namespace {

SynapseInfo secondary(const std::string& name, const std::string& doc, Secondary kind, bool has_delay, bool wfr) {
  SynapseInfo s(name, doc);
  s.secondary = kind;
  s.has_delay = has_delay;
  s.supports_wfr = wfr;
  s.device_sources = kind == Secondary::kDelayedRate;  // step_rate_generator sends delayed rates
  s.supports_hpc = false;
  s.supports_lbl = false;
  return s;
}

enum DiffusionCol : int { c_drift, c_diffusion };

}  // namespace

void register_secondary(std::vector<const SynapseInfo*>& out) {
  static const SynapseInfo inst =
      secondary("rate_connection_instantaneous", "Rate coupling without delay (waveform relaxation when use_wfr)",
                Secondary::kInstantRate, false, true);
  static const SynapseInfo delayed =
      secondary("rate_connection_delayed", "Rate coupling with a delay", Secondary::kDelayedRate, true, false);
  static const SynapseInfo diffusion = [] {
    SynapseInfo s = secondary("diffusion_connection", "Drift and diffusion input of siegert_neuron (mean-field unit)",
                              Secondary::kDiffusion, false, true);
    s.param(c_drift, "drift_factor", 1.0, "", {}, "Factor of the source rate in the target's mean input")
        .param(c_diffusion, "diffusion_factor", 1.0, "", {},
               "Factor of the source rate in the target's input variance");
    // NEST refuses to set a weight (and reports its uninitialised field: 2.0, 6.9e-310, ...);
    // nestkit reports the neutral 1.
    s.weight_refusal = "Please use the parameters drift_factor and diffusion_factor to specifiy the weights.";
    return s;
  }();
  static const SynapseInfo gap = [] {
    SynapseInfo s = secondary("gap_junction", "Electrical coupling (gap junction); connect with make_symmetric",
                              Secondary::kGap, false, true);
    s.requires_symmetric = true;
    return s;
  }();
  static const SynapseInfo sic =
      secondary("sic_connection", "Slow inward current from an astrocyte to a neuron", Secondary::kSic, true, false);
  out.push_back(&inst);
  out.push_back(&delayed);
  out.push_back(&diffusion);
  out.push_back(&gap);
  out.push_back(&sic);
}

}  // namespace nestkit::synapses
