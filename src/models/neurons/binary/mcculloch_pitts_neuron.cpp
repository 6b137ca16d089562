// mcculloch_pitts_neuron: deterministic binary neuron, up exactly when h > theta
// (a Heaviside gain). Only the update times are random.
#include "models/neurons/binary/binary_neuron.hpp"

namespace nestkit {
namespace {

using namespace binary;

struct HeavisideGain {
  // g = {theta}; no draw, as in NEST.
  static bool up(RandomStream&, const double* g, double x) { return x > g[0]; }
};

ModelInfo make_info() {
  ModelInfo m = declare_binary("mcculloch_pitts_neuron",
                               "https://nest-simulator.readthedocs.io/en/stable/models/mcculloch_pitts_neuron.html");
  m.param(G0, "theta", 0.0, "mV", {}, "Threshold");
  m.internal(G1, "_internal_g1").internal(G2, "_internal_g2").internal(G3, "_internal_g3");
  declare_binary_state(m);
  m.make = [](const ModelInfo& info) { return std::make_unique<BinaryPopulation<HeavisideGain>>(info); };
  return m;
}

}  // namespace

const ModelInfo& mcculloch_pitts_neuron_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
