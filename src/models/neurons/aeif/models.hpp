#pragma once
// Accessors of the AdEx family's model declarations (registered in family.cpp).
#include "nestkit/schema.hpp"

namespace nestkit::aeif {

const ModelInfo& aeif_cond_alpha_model();
const ModelInfo& aeif_cond_alpha_astro_model();
const ModelInfo& aeif_cond_exp_model();
const ModelInfo& aeif_psc_alpha_model();
const ModelInfo& aeif_psc_exp_model();
const ModelInfo& aeif_psc_delta_model();
const ModelInfo& aeif_psc_delta_clopath_model();
const ModelInfo& aeif_cond_alpha_multisynapse_model();
const ModelInfo& aeif_cond_beta_multisynapse_model();

}  // namespace nestkit::aeif
