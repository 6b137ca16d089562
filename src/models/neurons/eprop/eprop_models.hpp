#pragma once
// NEST 3.10's e-prop neuron models (eprop_family.cpp registers them).
#include "nestkit/schema.hpp"

namespace nestkit {

const ModelInfo& eprop_iaf_model();
const ModelInfo& eprop_iaf_adapt_model();
const ModelInfo& eprop_iaf_psc_delta_model();
const ModelInfo& eprop_iaf_psc_delta_adapt_model();
const ModelInfo& eprop_readout_model();
const ModelInfo& eprop_iaf_bsshslm_2020_model();
const ModelInfo& eprop_iaf_adapt_bsshslm_2020_model();
const ModelInfo& eprop_readout_bsshslm_2020_model();

}  // namespace nestkit
