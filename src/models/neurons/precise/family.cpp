// Registers the precise-timing models (_ps).
#include "nestkit/registry.hpp"

namespace nestkit {

void register_precise_family(std::vector<const ModelInfo*>&) {}

}  // namespace nestkit
