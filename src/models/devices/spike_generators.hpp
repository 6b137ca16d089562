#pragma once
// Declarations of the devices registered by register_spike_generators().
#include "nestkit/schema.hpp"

namespace nestkit {

const ModelInfo& noise_generator_model();
const ModelInfo& step_rate_generator_model();
const ModelInfo& sinusoidal_poisson_generator_model();
const ModelInfo& sinusoidal_gamma_generator_model();
const ModelInfo& inhomogeneous_poisson_generator_model();
const ModelInfo& gamma_sup_generator_model();
const ModelInfo& ppd_sup_generator_model();
const ModelInfo& mip_generator_model();
const ModelInfo& pulsepacket_generator_model();
const ModelInfo& spike_dilutor_model();
const ModelInfo& spike_train_injector_model();

}  // namespace nestkit
