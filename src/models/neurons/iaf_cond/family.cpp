// Registration of the conductance-based IAF family (and izhikevich).
#include "models/neurons/iaf_cond/models.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {

void register_iaf_cond_family(std::vector<const ModelInfo*>& out) {
  out.push_back(&iaf_cond_alpha_model());
  out.push_back(&iaf_cond_beta_model());
  out.push_back(&iaf_cond_exp_model());
  out.push_back(&iaf_cond_exp_sfa_rr_model());
  out.push_back(&iaf_cond_alpha_mc_model());
  out.push_back(&iaf_chxk_2008_model());
  out.push_back(&izhikevich_model());
}

}  // namespace nestkit
