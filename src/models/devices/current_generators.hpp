#pragma once
// Declarations of the devices registered by register_current_generators().
#include "nestkit/schema.hpp"

namespace nestkit {

const ModelInfo& ac_generator_model();
const ModelInfo& step_current_generator_model();

}  // namespace nestkit
