// Registration of the current-based GLIF models.
#include "models/neurons/glif/glif_psc.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {

void register_glif_psc_family(std::vector<const ModelInfo*>& out) {
  out.push_back(&glif_psc_model());
  out.push_back(&glif_psc_double_alpha_model());
}

}  // namespace nestkit
