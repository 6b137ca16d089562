#pragma once
// Pieces shared by mat2_psc_exp and amat2_psc_exp: V_m kept relative to E_L and
// shown absolute, the read-only total threshold V_th, NEST's excitatory/inhibitory
// split of spikes (weight >= 0 is excitatory) and the refractory-step check.
#include <string>

#include "models/neurons/neuron_base.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/schema.hpp"
#include "nestkit/time_grid.hpp"

namespace nestkit::mat {

// V_m (state) and V_th (E_L + omega + threshold components; read-only).
inline void declare_potentials(ModelInfo& m, double v_th_default) {
  m.derived_state("V_m", -70.0, "mV", "Membrane potential");
  m.derived_state("V_th", v_th_default, "mV", "Total spike threshold (read-only)");
  m.specs.back().role = Role::kReadOnly;
}

// Keeps the read-only V_th of a validated row in step with its parts, so that
// GetDefaults reports it after SetDefaults; every caller validates a mutable row.
inline void refresh_v_th(const ParamRow& row, double v_th) { const_cast<ParamRow&>(row).at("V_th") = v_th; }

// NEST checks at Simulate that t_ref spans at least one step.
inline long total_refractory_steps(const TimeGrid& grid, double t_ref, const std::string& model) {
  const long steps = grid.ms_to_steps(t_ref);
  if (steps < 1)
    throw BadProperty(
        model + ": Total refractory time must be at least one time step (t_ref = " + std::to_string(t_ref) + " ms).");
  return steps;
}

class MatPopulation : public NeuronPopulation {
 public:
  MatPopulation(const ModelInfo& info, int v_col, int el_col)
      : NeuronPopulation(info),
        v_col_(v_col),
        el_col_(el_col),
        idx_vm_(info.index_of("V_m")),
        idx_vth_(info.index_of("V_th")) {}

 protected:
  double v_m(std::size_t i) const { return num_[v_col_][i] + num_[el_col_][i]; }
  virtual double v_th(std::size_t i) const = 0;

  // NEST files a spike as excitatory when its weight is >= 0 (zero included).
  void deliver_sign_split_zero_ex(const SpikeBatch& b, int ex, int in) {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      const double s = b.weight[k] * b.weight_factor * m;
      input_.add(s >= 0.0 ? ex : in, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, s);
    }
  }

  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    row[idx_vm_] = v_m(i);
    row[idx_vth_] = v_th(i);
  }
  void write_derived(std::size_t i, const std::vector<Value>& row) override {
    num_[v_col_][i] = std::get<double>(row[idx_vm_]) - num_[el_col_][i];
  }

 private:
  int v_col_, el_col_, idx_vm_, idx_vth_;
};

}  // namespace nestkit::mat
