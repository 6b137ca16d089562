#pragma once
// Pieces shared by the leaky integrate-and-fire models of the exponential family:
// the membrane potential kept relative to E_L, NEST's ArchivingNode parameters and
// the checks every such model makes.
#include <string>

#include "models/neurons/neuron_base.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/schema.hpp"

namespace nestkit::iaf {

// Stream purpose for escape-noise (stochastic threshold) draws; far above the
// kernel's own purposes so the streams never coincide.
inline constexpr Purpose kEscapeNoise = Purpose::kEscapeNoise;

// tau_minus and tau_minus_triplet (STDP traces kept by every archiving neuron) at
// columns col and col + 1.
inline void declare_archiving(ModelInfo& m, int col) {
  m.param(col, "tau_minus", 20.0, "ms", positive(), "Time constant of the STDP post-synaptic trace")
      .param(col + 1, "tau_minus_triplet", 110.0, "ms", positive(), "Triplet-STDP post-synaptic time constant");
}

// Internal columns [first, last] (integration state and per-run constants).
inline void declare_internals(ModelInfo& m, int first, int last) {
  for (int c = first; c <= last; ++c) m.internal(c, "_internal_" + std::to_string(c));
}

inline void require_reset_below_threshold(const ParamRow& row, const std::string& model) {
  if (row.num("V_reset") >= row.num("V_th"))
    throw BadProperty(model + ": Reset potential must be smaller than threshold (V_reset < V_th).");
}

// A neuron whose membrane potential is integrated relative to E_L (column kV) and
// shown as the absolute V_m. Changing E_L alone keeps the absolute V_m, as in NEST.
template <int kV, int kEL>
class RelativeVmPopulation : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

 protected:
  double v_m(std::size_t i) const { return num_[kV][i] + num_[kEL][i]; }
  void read_derived(std::size_t i, std::vector<Value>& row) const override { row[info_->index_of("V_m")] = v_m(i); }
  void write_derived(std::size_t i, const std::vector<Value>& row) override {
    num_[kV][i] = std::get<double>(row[info_->index_of("V_m")]) - num_[kEL][i];
  }
};

}  // namespace nestkit::iaf
