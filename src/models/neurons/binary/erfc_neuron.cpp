// erfc_neuron: binary neuron whose up-probability is g(h) = erfc(-(h - theta) /
// (sqrt(2) sigma)) / 2, i.e. a McCulloch-Pitts unit with Gaussian noise of standard
// deviation sigma on its input. (NEST's documentation writes the argument without
// the minus sign; its code, which we follow, makes g increase with h.)
#include "models/neurons/binary/binary_neuron.hpp"

namespace nestkit {
namespace {

using namespace binary;

struct ErfcGain {
  // g = {theta, sigma}
  static bool up(RandomStream& rs, const double* g, double x) {
    return rs.uniform() < 0.5 * std::erfc(-(x - g[0]) / (std::sqrt(2.0) * g[1]));
  }
};

ModelInfo make_info() {
  ModelInfo m =
      declare_binary("erfc_neuron", "https://nest-simulator.readthedocs.io/en/stable/models/erfc_neuron.html");
  m.param(G0, "theta", 0.0, "mV", {}, "Threshold of the gain function")
      .param(G1, "sigma", 1.0, "mV", {}, "Noise width: 1/sqrt(2 pi) times the inverse of the maximal slope");
  m.internal(G2, "_internal_g2").internal(G3, "_internal_g3");
  declare_binary_state(m);
  m.make = [](const ModelInfo& info) { return std::make_unique<BinaryPopulation<ErfcGain>>(info); };
  return m;
}

}  // namespace

const ModelInfo& erfc_neuron_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
