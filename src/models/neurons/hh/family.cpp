// Registration of the Hodgkin-Huxley family. hh_psc_alpha_gap and
// hh_cond_beta_gap_traub are complete except for gap-junction coupling, which
// needs the gap_junction synapse and waveform relaxation (not in nestkit yet).
#include "models/neurons/hh/models.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {

void register_hh_family(std::vector<const ModelInfo*>& out) {
  out.push_back(&hh_psc_alpha_model());
  out.push_back(&hh_psc_alpha_clopath_model());
  out.push_back(&hh_psc_alpha_gap_model());
  out.push_back(&hh_cond_exp_traub_model());
  out.push_back(&hh_cond_beta_gap_traub_model());
}

}  // namespace nestkit
