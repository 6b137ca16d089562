// Parameters, defaults and checks shared by the current-based GLIF models. The
// defaults are GLIF model 5 of Allen cell 490626718 in NEST units, as in NEST 3.10.
#include "models/neurons/glif/glif_psc_schema.hpp"

#include <vector>

#include "nestkit/errors.hpp"

namespace nestkit::glif {

namespace {
constexpr double kDefaultEL = -78.85;

const std::vector<double>& vec(const ParamRow& row, const std::string& name) {
  return std::get<std::vector<double>>(row.get(name));
}
}  // namespace

void declare_mechanism_parameters(ModelInfo& m, const std::string& conductance) {
  // Range checks live in validate(), which reproduces NEST's order and wording.
  m.param(V_th, "V_th", -51.68, "mV", {}, "Instantaneous threshold")
      .param(g, conductance, 9.43, "nS", {}, "Membrane conductance")
      .param(E_L, "E_L", kDefaultEL, "mV", {}, "Resting membrane potential")
      .param(C_m, "C_m", 58.72, "pF", {}, "Capacitance of the membrane")
      .param(t_ref, "t_ref", 3.75, "ms", {}, "Duration of refractory time")
      .param(V_reset, "V_reset", kDefaultEL, "mV", {}, "Reset potential of the membrane (GLIF 1 and 3)")
      .param(th_spike_add, "th_spike_add", 0.37, "mV", {}, "Threshold addition following a spike")
      .param(th_spike_decay, "th_spike_decay", 0.009, "1/ms", {}, "Decay rate of the spike-induced threshold")
      .param(voltage_reset_fraction, "voltage_reset_fraction", 0.20, "", {},
             "Fraction of the pre-spike voltage kept at reset (GLIF 2, 4, 5)")
      .param(voltage_reset_add, "voltage_reset_add", 18.51, "mV", {}, "Voltage addition following a spike")
      .param(th_voltage_index, "th_voltage_index", 0.005, "1/ms", {},
             "Adaptation index of the voltage-dependent threshold component")
      .param(th_voltage_decay, "th_voltage_decay", 0.09, "1/ms", {},
             "Decay rate of the voltage-dependent threshold component")
      .flag(spike_dependent_threshold, "spike_dependent_threshold", false,
            "Biologically defined reset rules with a spike-dependent threshold component")
      .flag(after_spike_currents, "after_spike_currents", false, "After-spike currents")
      .flag(adapting_threshold, "adapting_threshold", false, "Voltage-dependent threshold component")
      .param(tau_minus, "tau_minus", 20.0, "ms", {}, "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", {}, "Triplet-STDP post-synaptic time constant");
  m.object("asc_init", PType::kDoubleVec, std::vector<double>{0.0, 0.0}, "pA",
           "Initial values of the after-spike currents (as in NEST, not applied to existing state)")
      .object("asc_decay", PType::kDoubleVec, std::vector<double>{0.003, 0.1}, "1/ms",
              "Decay rates of the after-spike currents")
      .object("asc_amps", PType::kDoubleVec, std::vector<double>{-9.18, -198.94}, "pA",
              "Amplitudes added to the after-spike currents at a spike")
      .object("asc_r", PType::kDoubleVec, std::vector<double>{1.0, 1.0}, "",
              "Fraction of each after-spike current kept at a spike");
}

void declare_common(ModelInfo& m) { declare_mechanism_parameters(m, "g"); }

void declare_state(ModelInfo& m) {
  m.state(threshold_spike, "threshold_spike", 0.0, "mV", "Spike-dependent threshold component")
      .state(threshold_voltage, "threshold_voltage", 0.0, "mV", "Voltage-dependent threshold component");
  for (int c = U; c < kNumCols; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.derived_state("V_m", kDefaultEL, "mV", "Membrane potential");
  m.derived_state("ASCurrents", 0.0, "pA", "After-spike currents");
  m.specs.back().type = PType::kDoubleVec;
  m.specs.back().default_value = std::vector<double>{0.0, 0.0};
  m.derived_state("has_connections", 0.0, "", "Whether spike connections target the node (fixes the port count)");
  m.specs.back().type = PType::kBool;
  m.specs.back().default_value = false;
  m.specs.back().role = Role::kReadOnly;
  // The port count before the change being validated (the row holds the new list).
  m.derived_state("_ports_before", 0.0, "", "");
  m.specs.back().role = Role::kInternal;
  m.recordables = {"ASCurrents_sum", "I", "I_syn", "V_m", "threshold", "threshold_spike", "threshold_voltage"};
  m.spike_receptors = {1};
}

void validate(const ParamRow& row, const std::string& model, const std::string& tau_name, bool double_alpha) {
  auto fail = [&](const std::string& why) { throw BadProperty(model + ": " + why); };
  const bool spike = row.num("spike_dependent_threshold") != 0.0;
  const bool asc = row.num("after_spike_currents") != 0.0;
  const bool voltage = row.num("adapting_threshold") != 0.0;
  // GLIF 1-5: an adapting threshold needs both other mechanisms; all else goes.
  if (voltage && !(spike && asc))
    fail(
        "Incorrect model mechanism combination: allowed are GLIF1-5 settings of spike_dependent_threshold, "
        "after_spike_currents, adapting_threshold (adapting_threshold requires both others).");
  if (asc) {
    const auto& k = vec(row, "asc_decay");
    if (vec(row, "asc_init").size() != k.size() || vec(row, "asc_amps").size() != k.size() ||
        vec(row, "asc_r").size() != k.size())
      fail("All after-spike current parameters (asc_init, asc_decay, asc_amps, asc_r) must have the same size.");
    const auto& r = vec(row, "asc_r");
    for (std::size_t a = 0; a < k.size(); ++a) {
      if (k[a] <= 0.0) fail("After-spike current decay rates (asc_decay) must be strictly positive.");
      if (r[a] < 0.0 || r[a] > 1.0) fail("After-spike current fractions asc_r must be within [0.0, 1.0].");
    }
  }
  if (row.num("V_reset") >= row.num("V_th")) fail("Reset potential must be smaller than threshold.");
  if (row.num("C_m") <= 0.0) fail("Capacitance must be strictly positive.");
  if (row.num("g") <= 0.0) fail("Membrane conductance must be strictly positive.");
  if (row.num("t_ref") <= 0.0) fail("Refractory time must be strictly positive.");
  if (voltage && row.num("th_voltage_decay") <= 0.0)
    fail("Voltage-induced threshold decay rate th_voltage_decay must be strictly positive.");
  if (spike) {
    if (row.num("th_spike_decay") <= 0.0)
      fail("Spike-induced threshold decay rate th_spike_decay must be strictly positive.");
    const double f = row.num("voltage_reset_fraction");
    if (f < 0.0 || f > 1.0) fail("voltage_reset_fraction must be within [0.0, 1.0].");
  }
  if (row.given(tau_name)) {
    const auto& tau = vec(row, tau_name);
    if (row.num("has_connections") != 0.0 && static_cast<double>(tau.size()) != row.num("_ports_before"))
      fail("The neuron has connections, therefore the number of ports cannot be changed.");
    for (double t : tau)
      if (t <= 0.0) fail("All synaptic time constants must be strictly positive.");
  }
  if (double_alpha) {
    if (row.given("tau_syn_slow"))
      for (double t : vec(row, "tau_syn_slow"))
        if (t <= 0.0) fail("All slow synaptic time constants must be strictly positive.");
    if (row.given("amp_slow"))
      for (double a : vec(row, "amp_slow"))
        if (a <= 0.0) fail("All slow synaptic amplitudes must be strictly positive.");
  }
  // State entries: settable only when their mechanism is on.
  if (row.given("ASCurrents")) {
    if (!asc) fail("After-spike currents are not settable unless after_spike_currents is on.");
    if (vec(row, "ASCurrents").size() != vec(row, "asc_decay").size())
      fail("ASCurrents must have the same size as the after-spike current parameters (" +
           std::to_string(vec(row, "asc_decay").size()) + ").");
  }
  if (row.given("threshold_spike") && !spike)
    fail("threshold_spike is not settable unless spike_dependent_threshold is on.");
  if (row.given("threshold_voltage") && !voltage)
    fail("threshold_voltage is not settable unless adapting_threshold is on.");
}

}  // namespace nestkit::glif
