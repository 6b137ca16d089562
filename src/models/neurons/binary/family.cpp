// Registers the binary neurons (ginzburg, erfc, mcculloch_pitts).
#include "nestkit/registry.hpp"

namespace nestkit {

const ModelInfo& ginzburg_neuron_model();
const ModelInfo& erfc_neuron_model();
const ModelInfo& mcculloch_pitts_neuron_model();

void register_binary_family(std::vector<const ModelInfo*>& out) {
  out.insert(out.end(), {&ginzburg_neuron_model(), &erfc_neuron_model(), &mcculloch_pitts_neuron_model()});
}

}  // namespace nestkit
