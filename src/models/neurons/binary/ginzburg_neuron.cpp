// ginzburg_neuron: binary neuron whose up-probability is the clipped sum of an
// affine and a sigmoidal term, g(h) = c_1 h + c_2 (1 + tanh(c_3 (h - theta))) / 2
// (Ginzburg & Sompolinsky 1994; c_3 = beta/2 gives Glauber dynamics).
#include "models/neurons/binary/binary_neuron.hpp"

namespace nestkit {
namespace {

using namespace binary;

struct GinzburgGain {
  // g = {theta, c_1, c_2, c_3}; a uniform draw below g(h) means up (so g is
  // effectively clipped to [0, 1]).
  static bool up(RandomStream& rs, const double* g, double x) {
    return rs.uniform() < g[1] * x + g[2] * 0.5 * (1.0 + std::tanh(g[3] * (x - g[0])));
  }
};

ModelInfo make_info() {
  ModelInfo m =
      declare_binary("ginzburg_neuron", "https://nest-simulator.readthedocs.io/en/stable/models/ginzburg_neuron.html");
  m.param(G0, "theta", 0.0, "mV", {}, "Threshold of the sigmoidal gain")
      .param(G1, "c_1", 0.0, "1/mV", {}, "Linear gain factor (probability per mV)")
      .param(G2, "c_2", 1.0, "", {}, "Prefactor of the sigmoidal gain (probability)")
      .param(G3, "c_3", 1.0, "1/mV", {}, "Slope factor of the sigmoidal gain");
  declare_binary_state(m);
  m.make = [](const ModelInfo& info) { return std::make_unique<BinaryPopulation<GinzburgGain>>(info); };
  return m;
}

}  // namespace

const ModelInfo& ginzburg_neuron_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
