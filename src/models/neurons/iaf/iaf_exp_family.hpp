#pragma once
// Declarations of the models registered by register_iaf_exp_family().
#include "nestkit/schema.hpp"

namespace nestkit {

const ModelInfo& iaf_psc_exp_model();
const ModelInfo& iaf_psc_delta_model();
const ModelInfo& iaf_psc_exp_htum_model();
const ModelInfo& iaf_tum_2000_model();
const ModelInfo& ignore_and_fire_model();

}  // namespace nestkit
