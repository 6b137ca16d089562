// Parameters and checks shared by the Brunel-Wang 2001 models (NEST 3.10 defaults).
#include "models/neurons/misc_ode/bw_common.hpp"

#include "nestkit/errors.hpp"

namespace nestkit::misc_ode {

void declare_bw_parameters(ModelInfo& m, int first) {
  int c = first;
  m.param(c++, "E_L", -70.0, "mV", {}, "Leak reversal potential")
      .param(c++, "E_ex", 0.0, "mV", {}, "Excitatory reversal potential")
      .param(c++, "E_in", -70.0, "mV", {}, "Inhibitory reversal potential")
      .param(c++, "V_th", -55.0, "mV", {}, "Spike threshold")
      .param(c++, "V_reset", -60.0, "mV", {}, "Reset potential of the membrane")
      .param(c++, "C_m", 500.0, "pF", {}, "Capacitance of the membrane")
      .param(c++, "g_L", 25.0, "nS", {}, "Leak conductance")
      .param(c++, "t_ref", 2.0, "ms", {}, "Duration of refractory period")
      .param(c++, "tau_AMPA", 2.0, "ms", {}, "Decay time of the AMPA conductance")
      .param(c++, "tau_GABA", 5.0, "ms", {}, "Decay time of the GABA conductance")
      .param(c++, "tau_decay_NMDA", 100.0, "ms", {}, "Decay time of the NMDA conductance")
      .param(c++, "tau_rise_NMDA", 2.0, "ms", {}, "Rise time of the NMDA conductance")
      .param(c++, "alpha", 0.5, "1/ms", {}, "Rate of the NMDA gating's saturation")
      .param(c++, "conc_Mg2", 1.0, "mM", {}, "Extracellular magnesium concentration")
      .param(c++, "gsl_error_tol", 1e-3, "", {}, "Absolute error tolerance of the adaptive integrator");
}

void declare_bw_currents(ModelInfo& m, int first) {
  m.state(first, "I_NMDA", 0.0, "pA", "NMDA current (last evaluation of the dynamics)")
      .state(first + 1, "I_AMPA", 0.0, "pA", "AMPA current (last evaluation of the dynamics)")
      .state(first + 2, "I_GABA", 0.0, "pA", "GABA current (last evaluation of the dynamics)");
  for (std::size_t k = m.specs.size() - 3; k < m.specs.size(); ++k) m.specs[k].role = Role::kReadOnly;
}

void validate_bw(const ParamRow& row, const std::string& model) {
  auto fail = [&](const std::string& why) { throw BadProperty(model + ": " + why); };
  if (row.num("V_reset") >= row.num("V_th")) fail("Reset potential must be smaller than threshold.");
  if (row.num("C_m") <= 0) fail("Capacitance must be strictly positive.");
  if (row.num("t_ref") < 0) fail("Refractory time cannot be negative.");
  if (row.num("tau_AMPA") <= 0 || row.num("tau_GABA") <= 0 || row.num("tau_decay_NMDA") <= 0 ||
      row.num("tau_rise_NMDA") <= 0)
    fail("All time constants must be strictly positive.");
  if (row.num("alpha") <= 0) fail("alpha > 0 required.");
  if (row.num("conc_Mg2") <= 0) fail("Mg2 concentration must be strictly positive.");
  if (row.num("gsl_error_tol") <= 0.0) fail("The gsl_error_tol must be strictly positive.");
}

}  // namespace nestkit::misc_ode
