#pragma once
// Accessors of the precise-timing models' declarations (registered in family.cpp).
#include "nestkit/schema.hpp"

namespace nestkit::precise {

const ModelInfo& iaf_psc_alpha_ps_model();
const ModelInfo& iaf_psc_exp_ps_model();
const ModelInfo& iaf_psc_exp_ps_lossless_model();
const ModelInfo& iaf_psc_delta_ps_model();
const ModelInfo& parrot_neuron_ps_model();
const ModelInfo& poisson_generator_ps_model();

}  // namespace nestkit::precise
