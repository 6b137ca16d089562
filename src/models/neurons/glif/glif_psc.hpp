#pragma once
// The current-based GLIF models of NEST 3.10 (registered in family.cpp).
#include "nestkit/schema.hpp"

namespace nestkit {

const ModelInfo& glif_psc_model();
const ModelInfo& glif_psc_double_alpha_model();

}  // namespace nestkit
