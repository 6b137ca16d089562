#pragma once
// Declarations of the models registered by register_multisynapse_mat_family().
#include "nestkit/schema.hpp"

namespace nestkit {

const ModelInfo& iaf_psc_alpha_multisynapse_model();
const ModelInfo& iaf_psc_exp_multisynapse_model();
const ModelInfo& mat2_psc_exp_model();
const ModelInfo& amat2_psc_exp_model();
const ModelInfo& iaf_chs_2007_model();

}  // namespace nestkit
