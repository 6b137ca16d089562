// glif_psc: generalized leaky integrate-and-fire neuron (GLIF 1-5, Teeter et al.
// 2018) with alpha-shaped synaptic currents on ports 1..n, n = len(tau_syn).
#include "models/neurons/glif/glif_psc.hpp"

#include <stdexcept>

#include "models/neurons/glif/glif_psc_population.hpp"

namespace nestkit {
namespace {

ModelInfo make_info() {
  ModelInfo m("glif_psc", NodeKind::kNeuron, "https://nest-simulator.readthedocs.io/en/stable/models/glif_psc.html");
  m.family = "glif";
  glif::declare_common(m);
  m.object("tau_syn", PType::kDoubleVec, std::vector<double>{2.0}, "ms",
           "Rise times of the synaptic alpha currents, one per port (ports 1..n)");
  if (m.spec("tau_syn").column != glif::kTauSyn) throw std::logic_error("glif_psc: object columns out of order");
  glif::declare_state(m);
  m.validate = [](const ParamRow& row) { glif::validate(row, "glif_psc", "tau_syn", false); };
  m.make = [](const ModelInfo& info) { return std::make_unique<glif::GlifPscPopulation<false>>(info); };
  return m;
}

}  // namespace

const ModelInfo& glif_psc_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
