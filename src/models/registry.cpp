#include "nestkit/registry.hpp"

namespace nestkit {

const std::vector<const ModelInfo*>& builtin_node_models() {
  static const std::vector<const ModelInfo*> models = {
      &iaf_psc_alpha_model(),   &parrot_neuron_model(), &spike_generator_model(), &dc_generator_model(),
      &poisson_generator_model(), &multimeter_model(),  &voltmeter_model(),       &spike_recorder_model(),
  };
  return models;
}

}  // namespace nestkit
