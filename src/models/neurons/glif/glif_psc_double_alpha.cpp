// glif_psc_double_alpha: glif_psc whose synaptic current on each port is the sum
// of a fast alpha function (peak 1 pA per unit weight at tau_syn_fast) and a slow
// one (peak amp_slow at tau_syn_slow), both driven by the port's spikes.
#include <stdexcept>

#include "models/neurons/glif/glif_psc.hpp"
#include "models/neurons/glif/glif_psc_population.hpp"

namespace nestkit {
namespace {

ModelInfo make_info() {
  ModelInfo m("glif_psc_double_alpha", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/glif_psc_double_alpha.html");
  m.family = "glif";
  glif::declare_common(m);
  m.object("tau_syn_fast", PType::kDoubleVec, std::vector<double>{2.0}, "ms",
           "Rise times of the fast synaptic alpha currents, one per port (ports 1..n)")
      .object("tau_syn_slow", PType::kDoubleVec, std::vector<double>{6.0}, "ms",
              "Rise times of the slow synaptic alpha currents, one per port")
      .object("amp_slow", PType::kDoubleVec, std::vector<double>{0.3}, "",
              "Peak of the slow current relative to the fast one, one per port");
  if (m.spec("tau_syn_fast").column != glif::kTauSyn || m.spec("tau_syn_slow").column != glif::kTauSlow ||
      m.spec("amp_slow").column != glif::kAmpSlow)
    throw std::logic_error("glif_psc_double_alpha: object columns out of order");
  glif::declare_state(m);
  m.validate = [](const ParamRow& row) { glif::validate(row, "glif_psc_double_alpha", "tau_syn_fast", true); };
  m.make = [](const ModelInfo& info) { return std::make_unique<glif::GlifPscPopulation<true>>(info); };
  return m;
}

}  // namespace

const ModelInfo& glif_psc_double_alpha_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
