#pragma once
// Accessors of the Hodgkin-Huxley family's model declarations.
#include "nestkit/schema.hpp"

namespace nestkit {

const ModelInfo& hh_psc_alpha_model();
const ModelInfo& hh_psc_alpha_clopath_model();
const ModelInfo& hh_psc_alpha_gap_model();
const ModelInfo& hh_cond_exp_traub_model();
const ModelInfo& hh_cond_beta_gap_traub_model();

}  // namespace nestkit
