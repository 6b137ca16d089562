// Registration of the AdEx (aeif) family's models.
#include "models/neurons/aeif/models.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {

void register_aeif_family(std::vector<const ModelInfo*>& out) {
  out.push_back(&aeif::aeif_cond_alpha_model());
  out.push_back(&aeif::aeif_cond_alpha_astro_model());
  out.push_back(&aeif::aeif_cond_exp_model());
  out.push_back(&aeif::aeif_psc_alpha_model());
  out.push_back(&aeif::aeif_psc_exp_model());
  out.push_back(&aeif::aeif_psc_delta_model());
  out.push_back(&aeif::aeif_psc_delta_clopath_model());
  out.push_back(&aeif::aeif_cond_alpha_multisynapse_model());
  out.push_back(&aeif::aeif_cond_beta_multisynapse_model());
}

}  // namespace nestkit
