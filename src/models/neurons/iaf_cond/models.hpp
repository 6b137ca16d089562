#pragma once
// Accessors of this family's model declarations (one per model file).
#include "nestkit/schema.hpp"

namespace nestkit {

const ModelInfo& iaf_cond_alpha_model();
const ModelInfo& iaf_cond_beta_model();
const ModelInfo& iaf_cond_exp_model();
const ModelInfo& iaf_cond_exp_sfa_rr_model();
const ModelInfo& iaf_cond_alpha_mc_model();
const ModelInfo& iaf_chxk_2008_model();
const ModelInfo& izhikevich_model();

}  // namespace nestkit
