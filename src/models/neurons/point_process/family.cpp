// Registers the escape-noise neurons (pp_psc_delta, gif_*, and the
// mesoscopic gif_pop_psc_exp).
#include "models/neurons/point_process/models.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {

void register_point_process_family(std::vector<const ModelInfo*>& out) {
  out.insert(out.end(),
             {&pp_psc_delta_model(), &gif_psc_exp_model(), &gif_psc_exp_multisynapse_model(), &gif_cond_exp_model(),
              &gif_cond_exp_multisynapse_model(), &gif_pop_psc_exp_model(), &pp_cond_exp_mc_urbanczik_model()});
}

}  // namespace nestkit
