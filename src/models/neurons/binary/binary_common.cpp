// What the three binary neurons declare alike.
#include <cmath>
#include <string>
#include <vector>

#include "models/neurons/binary/binary_neuron.hpp"
#include "nestkit/errors.hpp"

namespace nestkit::binary {

ModelInfo declare_binary(const std::string& name, const std::string& doc_url) {
  ModelInfo m(name, NodeKind::kNeuron, doc_url);
  m.family = "binary";
  m.param(tau_m, "tau_m", 10.0, "ms", positive(), "Mean time between updates (exponentially distributed)")
      .param(tau_minus, "tau_minus", 20.0, "ms", positive(), "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", positive(),
             "Triplet-STDP post-synaptic time constant");
  return m;
}

void declare_binary_state(ModelInfo& m) {
  // NEST shows S and h but does not let users set them.
  m.flag(S, "S", false, "Binary state (output): true = up");
  m.specs.back().role = Role::kReadOnly;
  m.state(h, "h", 0.0, "mV", "Summed input from spikes (without the current of this step)");
  m.specs.back().role = Role::kReadOnly;
  for (int c = t_next; c <= last_stamp; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.recordables = {"S", "h"};
  m.check_source = [](const ModelInfo& s, long) { return binary_receiver_check(s); };
  // NEST accepts any gain parameter; non-finite ones make the gain meaningless.
  std::vector<std::string> params;
  for (const auto& spec : m.specs)
    if (spec.role == Role::kParameter && spec.type == PType::kDouble) params.push_back(spec.name);
  m.validate = [name = m.name, params](const ParamRow& row) {
    for (const auto& p : params)
      if (!std::isfinite(row.num(p)))
        throw BadProperty(name + ": " + p + " = " + std::to_string(row.num(p)) + " must be a finite number.");
  };
}

}  // namespace nestkit::binary
