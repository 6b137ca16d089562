// Registers the precise-timing models (_ps): neurons whose spikes carry an offset
// inside their step, the precise parrot and the precise Poisson generator.
#include "models/neurons/precise/models.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {

void register_precise_family(std::vector<const ModelInfo*>& out) {
  out.push_back(&precise::iaf_psc_alpha_ps_model());
  out.push_back(&precise::iaf_psc_exp_ps_model());
  out.push_back(&precise::iaf_psc_exp_ps_lossless_model());
  out.push_back(&precise::iaf_psc_delta_ps_model());
  out.push_back(&precise::parrot_neuron_ps_model());
  out.push_back(&precise::poisson_generator_ps_model());
}

}  // namespace nestkit
