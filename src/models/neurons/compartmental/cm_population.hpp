#pragma once
// The population of cm_default nodes. Every node has its own tree of compartments
// and its own receptors, so per-parameter columns (one value per node) cannot hold
// them. Instead the nodes' compartments are concatenated into one structure-of-
// arrays layout (node i owns compartments [comp_begin_[i], comp_begin_[i+1]) and
// receptors [rec_begin_[i], rec_begin_[i+1])), with the tree as index arrays:
// parents, children (CSR) and the order of NEST's elimination sweep. The update
// loops over steps, then nodes, then a node's compartments: no per-node virtual
// calls, contiguous memory, and threads own contiguous blocks of nodes (and with
// them disjoint compartments, receptors and input slots).
//
// The structure's source of truth is each node's row (cm_blueprint.hpp); the layout
// is rebuilt from the rows when a node's structure grew (NEST only ever adds), and
// the state of existing compartments and receptors carries over.
#include <string>
#include <vector>

#include "models/neurons/compartmental/cm_blueprint.hpp"
#include "models/neurons/neuron_base.hpp"

namespace nestkit::cm {

// Numeric columns of the model's row.
enum Col : int { V_th, tau_minus, tau_minus_triplet };

class CmDefaultPopulation : public NeuronPopulation {
 public:
  explicit CmDefaultPopulation(const ModelInfo& info);

  void prepare(const RunContext& rc) override;
  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override;
  void deliver_spikes(const SpikeBatch& b) override;
  void deliver_current(const CurrentBatch& b) override;
  double recordable(int code, std::size_t i) const override;

  bool accepts_spike_port(std::size_t i, long receptor) const override;
  bool accepts_current_port(std::size_t i, long receptor) const override;
  std::string spike_ports(std::size_t i) const override;
  bool has_recordable(std::size_t i, const std::string& name) const override;
  int recordable_index(std::size_t i, const std::string& name) const override;

 protected:
  void write_derived(std::size_t i, const std::vector<Value>& row) override;

 private:
  const std::vector<double>& flat(std::size_t i) const;
  std::size_t comps_of(std::size_t i) const;      // from the row
  std::size_t receptors_of(std::size_t i) const;  // from the row
  void rebuild_layout();
  void compute_constants(double dt);
  void update_node(std::size_t i, long step, double* slots, StepContext& ctx);
  // One compartment's channel and receptor terms of the system row.
  void currents(std::size_t g, double v, const double* slots, double& gsum, double& isum);

  int blueprint_col_;
  bool layout_dirty_ = true;
  double dt_ = 0.0;

  // --- layout (rebuilt from the rows)
  std::vector<std::size_t> comp_begin_, rec_begin_;      // n_ + 1 entries
  std::vector<long> parent_;                             // global index, -1 at a root
  std::vector<std::size_t> child_begin_, children_;      // children in the order added (NEST's)
  std::vector<std::size_t> sweep_;                       // per node, NEST's elimination order
  std::vector<std::size_t> comp_rec_begin_, comp_recs_;  // a compartment's receptors, in NEST's order
  // per compartment: parameters
  std::vector<double> ca_, gc_, gl_, el_, gbar_na_, e_na_, gbar_k_, e_k_;
  // per compartment: per-run constants and the system row
  std::vector<double> gg_base_, c_v_, gl_el_, gc2_, hh_, gg_, ff_, xx_, yy_;
  // per compartment: state
  std::vector<double> v_, m_na_, h_na_, n_k_;
  // per receptor: parameters, constants, state (4 conductances: g_r, g_d, and for
  // AMPA_NMDA the NMDA pair)
  std::vector<int> kind_;
  std::vector<double> e_rev_, ratio_, tau_r_, tau_d_, tau_r2_, tau_d2_, norm_, norm2_, prop_r_, prop_d_, prop_r2_,
      prop_d2_;
  std::vector<double> g_;  // 4 per receptor

  // --- input: one slot per receptor (spikes), then one per compartment (currents)
  std::size_t n_slots() const { return g_.size() / 4 + v_.size(); }
  std::vector<double> ring_;
  long ring_size_ = 0;
};

}  // namespace nestkit::cm
