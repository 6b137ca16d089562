// Registration of this family's models (filled in as they are implemented).
#include "nestkit/registry.hpp"

namespace nestkit {

void register_hh_family(std::vector<const ModelInfo*>&) {}

}  // namespace nestkit
