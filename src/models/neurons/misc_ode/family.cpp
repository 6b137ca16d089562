// Registration of this family's models (only complete models are registered).
#include "models/neurons/misc_ode/misc_ode.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {

void register_misc_ode_family(std::vector<const ModelInfo*>& out) {
  out.push_back(&glif_cond_model());
  out.push_back(&iaf_bw_2001_model());
  out.push_back(&iaf_bw_2001_exact_model());
  out.push_back(&ht_neuron_model());
}

}  // namespace nestkit
