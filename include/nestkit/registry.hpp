#pragma once
// The built-in node models. Each model file defines one accessor returning its
// declaration; this list is the only place that enumerates them.
#include <string>
#include <vector>

#include "nestkit/schema.hpp"

namespace nestkit {

const std::vector<const ModelInfo*>& builtin_node_models();

// Each model family appends its models; one function per family file.
void register_iaf_exp_family(std::vector<const ModelInfo*>& out);
void register_multisynapse_mat_family(std::vector<const ModelInfo*>& out);
void register_glif_psc_family(std::vector<const ModelInfo*>& out);
void register_current_generators(std::vector<const ModelInfo*>& out);
void register_spike_generators(std::vector<const ModelInfo*>& out);
void register_aeif_family(std::vector<const ModelInfo*>& out);
void register_iaf_cond_family(std::vector<const ModelInfo*>& out);
void register_hh_family(std::vector<const ModelInfo*>& out);
void register_misc_ode_family(std::vector<const ModelInfo*>& out);
void register_binary_family(std::vector<const ModelInfo*>& out);
void register_point_process_family(std::vector<const ModelInfo*>& out);
void register_precise_family(std::vector<const ModelInfo*>& out);
void register_detectors(std::vector<const ModelInfo*>& out);
void register_astrocyte_family(std::vector<const ModelInfo*>& out);  // astrocyte_lr_1994
void register_rate_family(std::vector<const ModelInfo*>& out);       // rate neurons and rate transformers
void register_eprop_family(std::vector<const ModelInfo*>& out);      // e-prop neurons (eprop_iaf, eprop_readout)

const ModelInfo& iaf_psc_alpha_model();
const ModelInfo& parrot_neuron_model();
const ModelInfo& spike_generator_model();
const ModelInfo& dc_generator_model();
const ModelInfo& poisson_generator_model();
const ModelInfo& multimeter_model();
const ModelInfo& voltmeter_model();
const ModelInfo& spike_recorder_model();
const ModelInfo& weight_recorder_model();

// The recording backends a recorder's record_to can name (NEST's: ascii, memory, screen).
const std::vector<std::string>& recording_backend_names();
const ModelInfo& volume_transmitter_model();

}  // namespace nestkit
