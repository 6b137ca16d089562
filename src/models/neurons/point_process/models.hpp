#pragma once
// Declarations of the models registered by register_point_process_family().
#include "nestkit/schema.hpp"

namespace nestkit {

const ModelInfo& pp_psc_delta_model();
const ModelInfo& gif_psc_exp_model();
const ModelInfo& gif_psc_exp_multisynapse_model();
const ModelInfo& gif_cond_exp_model();
const ModelInfo& gif_cond_exp_multisynapse_model();
const ModelInfo& gif_pop_psc_exp_model();
const ModelInfo& pp_cond_exp_mc_urbanczik_model();

}  // namespace nestkit
