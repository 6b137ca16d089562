// Registers the correlation and spin detectors.
#include "nestkit/registry.hpp"

namespace nestkit {

const ModelInfo& spin_detector_model();
const ModelInfo& correlation_detector_model();
const ModelInfo& correlomatrix_detector_model();
const ModelInfo& correlospinmatrix_detector_model();

void register_detectors(std::vector<const ModelInfo*>& out) {
  out.insert(out.end(), {&spin_detector_model(), &correlation_detector_model(), &correlomatrix_detector_model(),
                         &correlospinmatrix_detector_model()});
}

}  // namespace nestkit
