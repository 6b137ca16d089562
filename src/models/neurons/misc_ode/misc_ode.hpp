#pragma once
// The ODE-integrated models of this directory (registered in family.cpp).
#include "nestkit/schema.hpp"

namespace nestkit {

const ModelInfo& glif_cond_model();
const ModelInfo& iaf_bw_2001_model();
const ModelInfo& iaf_bw_2001_exact_model();
const ModelInfo& ht_neuron_model();

}  // namespace nestkit
