#pragma once
// Which nodes are devices. NEST delivers a device's spike (spike_generator,
// poisson_generator) to its targets as one event with its multiplicity, but a
// neuron's spike (a node with proxies) as `multiplicity` separate events. Receivers
// that decode the multiplicity (binary neurons, the spin and correlation detectors)
// must know which of the two they got; the SpikeBatch carries only the source id.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nestkit/simulator.hpp"

namespace nestkit::binary {

class SourceKinds {
 public:
  // Classifies the nodes created since the last call; done in prepare() (serially),
  // so delivery threads only read. Nodes are never removed, so earlier answers stay valid.
  void refresh(const Simulator* kernel) {
    if (!kernel) return;
    const std::size_t n = kernel->network_size();
    std::map<std::string, bool> by_model;
    for (std::size_t gid = device_.size(); gid <= n; ++gid) {
      if (gid == 0) {
        device_.push_back(0);
        continue;
      }
      const std::string model = kernel->model_of(static_cast<uint32_t>(gid));
      auto it = by_model.find(model);
      if (it == by_model.end()) {
        const Dict d = kernel->get_defaults(model);
        const auto e = d.find("element_type");
        const bool dev = e != d.end() && std::get<std::string>(e->second) != "neuron";
        it = by_model.emplace(model, dev).first;
      }
      device_.push_back(it->second ? 1 : 0);
    }
  }
  bool is_device(uint32_t gid) const { return gid < device_.size() && device_[gid] != 0; }

 private:
  std::vector<uint8_t> device_;  // indexed by node id
};

// NEST's signal types: binary neurons send and receive BINARY, other nodes SPIKE,
// and spike_generator, parrot_neuron and noise_generator send both (ALL). A
// connection needs a common signal. These are the sources a BINARY-only receiver
// (binary neurons, spin_detector, correlospinmatrix_detector) accepts.
inline std::string binary_receiver_check(const ModelInfo& source) {
  if (source.family == "binary") return "";
  for (const char* ok : {"spike_generator", "parrot_neuron", "noise_generator"})
    if (source.name == ok) return "";
  return "source and target are not compatible: " + source.name +
         " sends spikes, the target receives only binary-neuron transitions (as NEST's signal types)";
}
// ... and what a SPIKE-only receiver (correlation_detector, correlomatrix_detector) refuses.
inline std::string spike_receiver_check(const ModelInfo& source) {
  if (source.family != "binary") return "";
  return "source and target are not compatible: " + source.name +
         " sends binary-neuron transitions, the target receives only spikes (as NEST's signal types)";
}

}  // namespace nestkit::binary
