#pragma once
// Declarations and checks shared by iaf_bw_2001 and iaf_bw_2001_exact.
#include <string>

#include "nestkit/schema.hpp"

namespace nestkit::misc_ode {

// The 15 parameters E_L .. gsl_error_tol, NEST's order, at columns first .. first + 14.
void declare_bw_parameters(ModelInfo& m, int first);
// The read-only currents I_NMDA, I_AMPA, I_GABA at columns first .. first + 2.
void declare_bw_currents(ModelInfo& m, int first);
// NEST's parameter checks, in NEST's order.
void validate_bw(const ParamRow& row, const std::string& model);

}  // namespace nestkit::misc_ode
