#pragma once
// The history of the dendritic prediction error that a two-compartment
// Urbanczik-Senn neuron (pp_cond_exp_mc_urbanczik) keeps for urbanczik_synapse,
// as NEST's UrbanczikArchivingNode: one entry per simulation step,
//   dw = (n_spikes - phi(V*) h) h'(V*),
// written only while the node has incoming plastic connections; entries read by
// every incoming synapse are dropped (the last one always stays). The node also
// publishes its dendrite's parameters, which the synapse's rule reads.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace nestkit {

struct UrbanczikEntry {
  double t;             // ms, end of the step
  double dw;            // prediction error of that step
  uint32_t access = 0;  // how many incoming synapses have read it
};

// The dendrite's parameters as the rule uses them.
struct UrbanczikDendrite {
  double g_L = 30.0, C_m = 300.0, tau_syn_ex = 3.0, tau_syn_in = 3.0;
  double tau_L() const { return C_m / g_L; }
};

class UrbanczikArchive {
 public:
  static constexpr double kEps = 1.0e-6;  // ms, NEST's tolerance on the window bounds

  void resize(std::size_t n) {
    if (nodes_.size() < n) nodes_.resize(n);
  }
  std::size_t size() const { return nodes_.size(); }
  void register_connection(std::size_t i);
  bool recording(std::size_t i) const { return nodes_[i].n_incoming > 0; }
  void set_dendrite(std::size_t i, const UrbanczikDendrite& d) { nodes_[i].dendrite = d; }
  const UrbanczikDendrite& dendrite(std::size_t i) const { return nodes_[i].dendrite; }
  // Appends an entry (only with incoming connections).
  void write(std::size_t i, double t_ms, double dw);
  // The entries with t in (t1, t2] (up to kEps), each counted as read once more.
  std::pair<const UrbanczikEntry*, const UrbanczikEntry*> history(std::size_t i, double t1, double t2);
  std::size_t length(std::size_t i) const { return nodes_[i].h.size() - nodes_[i].front; }

 private:
  struct Node {
    uint32_t n_incoming = 0;
    UrbanczikDendrite dendrite;
    std::vector<UrbanczikEntry> h;  // ascending in time; entries before `front` are gone
    std::size_t front = 0;
  };
  std::vector<Node> nodes_;
};

}  // namespace nestkit
