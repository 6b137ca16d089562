#pragma once
// The weight optimizer shared by eprop_synapse and eprop_synapse_bsshslm_2020 (NEST 3.10's
// WeightOptimizer: gradient descent or Adam).
//
// Its parameters are common to the synapse model (NEST's `optimizer` dictionary; the facade
// flattens it to "optimizer.<key>"), declared first in the model's common values. Its state
// is per synapse: a block of OptRecord columns starting at a column the model chooses. Of that
// state NEST shows and sets per connection only Adam's moments m and v ("optimizer.m",
// "optimizer.v"; the facade turns them into the connection's `optimizer` dictionary).
#include <functional>
#include <string>

#include "nestkit/synapse_model.hpp"

namespace nestkit::synapses::eprop_opt {

// clang-format off
enum Common : int {
  opt_type, opt_batch_size, opt_eta, opt_Wmin, opt_Wmax, opt_each_step, opt_beta_1, opt_beta_2, opt_epsilon,
  eta_first_change, eta_change_count, eta_seen,
  kCommonSize,  // the model's own common values follow
};
// Offsets within the synapse's optimizer block.
enum Record : int {
  cumulative, step, eta_current, n_optimize, adam_m, adam_v, beta_1_power, beta_2_power,
  kRecordSize,
};
// clang-format on
enum Type : int { kGradientDescent = 0, kAdam = 1 };

// Declares the optimizer's common values (columns 0 .. kCommonSize - 1).
// `each_step_doc` documents optimize_each_step for this model.
void declare_common(SynapseInfo& s, const std::string& each_step_doc);
// Declares the optimizer's per-synapse block at record column `first`.
void declare_record(SynapseInfo& s, int first);
// What both e-prop synapse families declare alike: plastic, each synapse reading its own target's
// e-prop history, neuron sources only, no _lbl variant (NEST 3.10 registers the _hpc one only),
// the optimizer's learning-rate rule and checks; `send` is the family's update at a spike.
void declare_eprop_synapse(SynapseInfo& s, decltype(SynapseInfo::send) send);
// The learning-signal connection of a family (a secondary event from readouts to recurrent neurons).
SynapseInfo learning_signal_connection(const std::string& name, const std::string& doc);
// Weight and optimizer checks of NEST's eprop synapses (SynapseInfo::check).
void check(const std::function<double(const std::string&)>& v);
// SynapseInfo::derive_common: NEST uses the first learning rate ever set for a synapse's first update.
void derive_eta(double* common, const std::function<bool(const std::string&)>& given);

// One optimizer call at update index idx (NEST's WeightOptimizer::optimized_weight);
// `state` points at the synapse's optimizer block.
double optimized_weight(const double* common, double* state, long idx, double gradient, double weight);

}  // namespace nestkit::synapses::eprop_opt
