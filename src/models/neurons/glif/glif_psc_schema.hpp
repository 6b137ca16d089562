#pragma once
// Declaration shared by glif_psc and glif_psc_double_alpha: the numeric column
// layout (identical for both), the list-valued entries, NEST 3.10's defaults and
// the checks NEST makes when a status dictionary is set.
#include <string>

#include "nestkit/schema.hpp"

namespace nestkit::glif {

enum Col : int {
  // parameters
  V_th,
  g,
  E_L,
  C_m,
  t_ref,
  V_reset,
  th_spike_add,
  th_spike_decay,
  voltage_reset_fraction,
  voltage_reset_add,
  th_voltage_index,
  th_voltage_decay,
  spike_dependent_threshold,
  after_spike_currents,
  adapting_threshold,
  tau_minus,
  tau_minus_triplet,
  // user-visible state
  threshold_spike,
  threshold_voltage,
  // state kept between steps: U is V_m relative to E_L, I the external current of
  // the previous step; I_syn, ASC sum and threshold persist through refractoriness
  U,
  I,
  I_syn,
  asc_sum,
  threshold,
  refr,
  // constants derived before each run
  P33,
  P30,
  th_inf,
  reset,
  spike_decay,
  spike_refr_decay,
  potential_decay,
  voltage_decay_inv,
  phi,
  ab_ratio,
  refr_counts,
  kNumCols
};

// List-valued entries, in declaration order (object columns). kTauSyn is tau_syn
// of glif_psc and tau_syn_fast of glif_psc_double_alpha.
enum ObjCol : int { kAscInit, kAscDecay, kAscAmps, kAscR, kTauSyn, kTauSlow, kAmpSlow };

// Parameters common to both models (declared before the model's tau lists), then
// the state, derived entries and recordables (declared after them).
void declare_common(ModelInfo& m);
// The parameters every GLIF model declares first, in this column order (V_th ..
// tau_minus_triplet), then asc_init/asc_decay/asc_amps/asc_r as the first list
// parameters; `conductance` is the membrane conductance's name ("g" or "g_m").
void declare_mechanism_parameters(ModelInfo& m, const std::string& conductance);
void declare_state(ModelInfo& m);
// NEST's parameter and state checks, in NEST's order; `double_alpha` adds the
// checks of tau_syn_slow and amp_slow.
void validate(const ParamRow& row, const std::string& model, const std::string& tau_name, bool double_alpha);

}  // namespace nestkit::glif
