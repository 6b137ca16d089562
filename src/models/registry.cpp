#include "nestkit/registry.hpp"

namespace nestkit {

void register_compartmental_family(std::vector<const ModelInfo*>& out);  // models/neurons/compartmental

const std::vector<const ModelInfo*>& builtin_node_models() {
  static const std::vector<const ModelInfo*> models = [] {
    std::vector<const ModelInfo*> m = {
        &iaf_psc_alpha_model(),     &parrot_neuron_model(),      &spike_generator_model(), &dc_generator_model(),
        &poisson_generator_model(), &multimeter_model(),         &voltmeter_model(),       &spike_recorder_model(),
        &weight_recorder_model(),   &volume_transmitter_model(),
    };
    register_iaf_exp_family(m);
    register_multisynapse_mat_family(m);
    register_glif_psc_family(m);
    register_current_generators(m);
    register_spike_generators(m);
    register_aeif_family(m);
    register_iaf_cond_family(m);
    register_hh_family(m);
    register_misc_ode_family(m);
    register_binary_family(m);
    register_point_process_family(m);
    register_precise_family(m);
    register_detectors(m);
    register_rate_family(m);
    register_astrocyte_family(m);
    register_eprop_family(m);
    register_compartmental_family(m);  // cm_default
    return m;
  }();
  return models;
}

}  // namespace nestkit
