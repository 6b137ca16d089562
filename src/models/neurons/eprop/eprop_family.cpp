// Registers NEST 3.10's e-prop neurons.
#include "models/neurons/eprop/eprop_models.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {

void register_eprop_family(std::vector<const ModelInfo*>& out) {
  out.insert(out.end(), {&eprop_iaf_model(), &eprop_iaf_adapt_model(), &eprop_iaf_psc_delta_model(),
                         &eprop_iaf_psc_delta_adapt_model(), &eprop_readout_model(), &eprop_iaf_bsshslm_2020_model(),
                         &eprop_iaf_adapt_bsshslm_2020_model(), &eprop_readout_bsshslm_2020_model()});
}

}  // namespace nestkit
