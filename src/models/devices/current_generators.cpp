// Registration of this family's models.
#include "models/devices/current_generators.hpp"

#include "nestkit/registry.hpp"

namespace nestkit {

void register_current_generators(std::vector<const ModelInfo*>& out) {
  out.insert(out.end(), {&ac_generator_model(), &step_current_generator_model()});
}

}  // namespace nestkit
