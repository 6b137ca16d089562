// Registration of this family's models.
#include "models/neurons/multisynapse_mat/models.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {

void register_multisynapse_mat_family(std::vector<const ModelInfo*>& out) {
  out.insert(out.end(), {&iaf_psc_alpha_multisynapse_model(), &iaf_psc_exp_multisynapse_model(), &mat2_psc_exp_model(),
                         &amat2_psc_exp_model(), &iaf_chs_2007_model()});
}

}  // namespace nestkit
