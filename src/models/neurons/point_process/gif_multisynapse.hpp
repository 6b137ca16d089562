#pragma once
// Receptor ports of the GIF multisynapse models: ports 1..n, n = len(tau_syn),
// reported as n_receptors; a spike connection fixes n against shrinking
// (has_connections), as NEST's connection check does. Per-receptor state is kept
// per node and survives runs (NEST resizes its vectors, keeping values).
#include <string>
#include <vector>

#include "models/neurons/point_process/gif_common.hpp"

namespace nestkit::gif {

// n_receptors and has_connections (read-only) at columns col, col + 1; tau_syn
// with the default [2.0] ms.
inline void declare_receptors(ModelInfo& m, int col) {
  m.integer(col, "n_receptors", 1, {}, "Number of receptor ports (len(tau_syn))", Role::kReadOnly)
      .flag(col + 1, "has_connections", false, "Whether spike connections to the neuron exist");
  m.specs.back().role = Role::kReadOnly;
  m.object("tau_syn", PType::kDoubleVec, std::vector<double>{2.0}, "ms",
           "Synaptic time constants, one per receptor port (ports 1..len(tau_syn))");
}

// Checks a new tau_syn (when given): entries finite and > 0, and not fewer ports
// once connected. Keeps n_receptors in step with it in the validated row.
inline void check_receptors(const ParamRow& row, const std::string& model) {
  const auto& tau = list(row, "tau_syn");
  const long before = static_cast<long>(row.num("n_receptors"));
  if (row.given("tau_syn") && static_cast<long>(tau.size()) < before && row.num("has_connections") != 0.0)
    throw BadProperty(model +
                      ": The neuron has connections, therefore the number of ports cannot be reduced (tau_syn " +
                      "has " + std::to_string(tau.size()) + " entries, the neuron " + std::to_string(before) + ").");
  check_list(row, model, "tau_syn", true);
  const_cast<ParamRow&>(row).at("n_receptors") = static_cast<long>(tau.size());
}

class GifMultisynapsePopulation : public GifPopulation {
 public:
  explicit GifMultisynapsePopulation(const ModelInfo& info)
      : GifPopulation(info),
        tau_col_(info.specs[info.index_of("tau_syn")].column),
        idx_conn_(info.index_of("has_connections")) {}

  bool accepts_spike_port(std::size_t i, long receptor) const override {
    if (receptor < 1 || static_cast<std::size_t>(receptor) > ports(i)) return false;
    connected_[i] = 1;
    return true;
  }
  std::string spike_ports(std::size_t i) const override {
    const std::size_t n = ports(i);
    return n == 0 ? "none (tau_syn is empty)" : n == 1 ? "1" : "1.." + std::to_string(n);
  }

 protected:
  std::size_t ports(std::size_t i) const { return list_at(tau_col_, i).size(); }
  const std::vector<double>& tau_syn(std::size_t i) const { return list_at(tau_col_, i); }

  // Sizes the per-receptor state (keeping values) and the input channels:
  // channel 0 is the current, channel k the spikes of port k.
  void prepare_ports(const RunContext& rc) {
    syn_.resize(n_);
    std::size_t k_max = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      syn_[i].resize(ports(i), 0.0);
      k_max = std::max(k_max, ports(i));
    }
    prepare_input(rc, 1 + static_cast<int>(k_max));
  }

  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    row[idx_conn_] = i < connected_.size() && connected_[i] != 0;
  }
  void write_derived(std::size_t, const std::vector<Value>&) override {
    if (connected_.size() != n_) connected_.resize(n_, 0);
  }

  std::vector<std::vector<double>> syn_;  // per node and receptor: current (pA) or conductance (nS)

 private:
  int tau_col_, idx_conn_;
  mutable std::vector<char> connected_;  // set by the connection check (a const call)
};

}  // namespace nestkit::gif
