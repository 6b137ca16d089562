// Registration of this family's models.
#include "models/neurons/iaf/iaf_exp_family.hpp"

#include "nestkit/registry.hpp"

namespace nestkit {

void register_iaf_exp_family(std::vector<const ModelInfo*>& out) {
  out.insert(out.end(), {&iaf_psc_exp_model(), &iaf_psc_delta_model(), &iaf_psc_exp_htum_model(), &iaf_tum_2000_model(),
                         &ignore_and_fire_model()});
}

}  // namespace nestkit
