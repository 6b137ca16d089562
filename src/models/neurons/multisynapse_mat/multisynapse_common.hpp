#pragma once
// Shared machinery of the current-based multisynapse models: receptor ports
// 1..n with n = len(tau_syn) per neuron, per-receptor synaptic state kept as
// flat arrays indexed [receptor * n_nodes + node], the read-only n_synapses and
// has_connections entries, and the per-node recordables I_syn_1 .. I_syn_n.
#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "models/neurons/neuron_base.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/schema.hpp"

namespace nestkit::multisynapse {

// Receptors whose current can be named in record_from. The static recordables
// table must list every name a multimeter may ask for; receptor ports above 255
// cannot be connected (receptor_type is stored in 8 bits), so this covers every
// receptor that can carry input.
inline constexpr int kMaxRecordedReceptors = 255;

// Static recordables: 0 = V_m, 1 = I_syn (sum over receptors), 2 + k = I_syn_{k+1}.
inline std::vector<std::string> static_recordables() {
  std::vector<std::string> r = {"V_m", "I_syn"};
  for (int k = 1; k <= kMaxRecordedReceptors; ++k) r.push_back("I_syn_" + std::to_string(k));
  return r;
}

// tau_syn, plus n_synapses and has_connections (read-only) at columns col, col + 1.
inline void declare_receptors(ModelInfo& m, int col) {
  m.object("tau_syn", PType::kDoubleVec, std::vector<double>{2.0}, "ms",
           "Synaptic time constants, one per receptor port (ports 1..len(tau_syn))");
  m.integer(col, "n_synapses", 1, {}, "Number of receptor ports (len(tau_syn))", Role::kReadOnly)
      .flag(col + 1, "has_connections", false,
            "Whether spike connections to the neuron exist (tau_syn's length is then fixed)");
  m.specs.back().role = Role::kReadOnly;
}

// NEST's tau_syn checks, made only when tau_syn is given. Also keeps n_synapses in
// step with tau_syn in the row being validated, so GetDefaults reports the count
// after SetDefaults; every caller validates a mutable row it then stores.
inline void check_tau_syn(const ParamRow& row, const std::string& model, bool forbid_tau_m) {
  if (!row.given("tau_syn")) return;
  const auto& tau = std::get<std::vector<double>>(row.get("tau_syn"));
  if (static_cast<long>(tau.size()) != static_cast<long>(row.num("n_synapses")) && row.num("has_connections") != 0.0)
    throw BadProperty(model +
                      ": The neuron has connections, therefore the number of ports cannot be reduced "
                      "(tau_syn must keep its length " +
                      std::to_string(static_cast<long>(row.num("n_synapses"))) + ").");
  for (double t : tau) {
    if (!(t > 0.0)) throw BadProperty(model + ": All synaptic time constants must be strictly positive (tau_syn).");
    if (forbid_tau_m && t == row.num("tau_m"))
      throw BadProperty(model + ": Membrane and synapse time constant(s) must differ (tau_syn != tau_m).");
  }
  const_cast<ParamRow&>(row).at("n_synapses") = static_cast<long>(tau.size());
}

inline void check_reset_below_threshold(const ParamRow& row, const std::string& model) {
  if (row.num("V_reset") >= row.num("V_th"))
    throw BadProperty(model + ": Reset potential must be smaller than threshold (V_reset < V_th).");
}

// Base of the multisynapse populations. kV and kEL are the columns of the
// membrane potential (relative to E_L) and of E_L; kStates is the number of
// per-receptor state arrays (1 for exponential, 2 for alpha currents).
template <int kV, int kEL, int kStates>
class MultisynapsePopulation : public NeuronPopulation {
 public:
  explicit MultisynapsePopulation(const ModelInfo& info)
      : NeuronPopulation(info),
        tau_col_(info.specs[info.index_of("tau_syn")].column),
        idx_vm_(info.index_of("V_m")),
        idx_nsyn_(info.index_of("n_synapses")),
        idx_conn_(info.index_of("has_connections")) {}

  // Spike ports are 1..n; using a port fixes tau_syn's length, as in NEST, where
  // the flag is raised by the connection check itself.
  bool accepts_spike_port(std::size_t i, long receptor) const override {
    if (receptor < 1 || static_cast<std::size_t>(receptor) > receptors(i)) return false;
    has_connections_[i] = 1;
    return true;
  }
  std::string spike_ports(std::size_t i) const override {
    const std::size_t n = receptors(i);
    if (n == 0) return "none (tau_syn is empty)";
    return n == 1 ? "1" : "1.." + std::to_string(n);
  }

  // I_syn_k exists only for the node's own receptors 1..len(tau_syn).
  bool has_recordable(std::size_t i, const std::string& name) const override {
    if (name == "V_m" || name == "I_syn") return true;
    if (name.rfind("I_syn_", 0) != 0) return false;
    const std::string digits = name.substr(6);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 4)
      return false;
    const std::size_t k = std::stoul(digits);
    return k >= 1 && k <= receptors(i);
  }

  // NEST lists the recordables of each node, sorted by name.
  bool get_extra(std::size_t i, const std::string& key, Value& out) const override {
    if (key != "recordables") return false;
    std::vector<std::string> names = {"V_m", "I_syn"};
    for (std::size_t k = 1; k <= std::min<std::size_t>(receptors(i), kMaxRecordedReceptors); ++k)
      names.push_back("I_syn_" + std::to_string(k));
    std::sort(names.begin(), names.end());
    out = std::move(names);
    return true;
  }

  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      input_.add(b.receptor[k], b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, b.weight[k] * b.weight_factor * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrentChannel); }

 protected:
  static constexpr int kCurrentChannel = 0;  // receptor k uses channel k

  std::size_t receptors(std::size_t i) const { return std::get<std::vector<double>>(obj_[tau_col_][i]).size(); }
  const std::vector<double>& tau_syn(std::size_t i) const { return std::get<std::vector<double>>(obj_[tau_col_][i]); }
  double v_m(std::size_t i) const { return num_[kV][i] + num_[kEL][i]; }

  // Sizes per-receptor state, propagator arrays and input channels for the
  // largest receptor count. Input already queued and the state of receptors that
  // still exist survive; state of receptors a node no longer has is zeroed, as
  // NEST resizes its per-receptor vectors to len(tau_syn) before each run.
  void prepare_receptors(const RunContext& rc, std::initializer_list<std::vector<double>*> propagators) {
    nrec_.resize(n_);
    acc_.assign(n_, 0.0);
    std::size_t k_max = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      nrec_[i] = receptors(i);
      k_max = std::max(k_max, nrec_[i]);
    }
    if (k_max > k_alloc_) {
      for (auto& s : syn_) s.resize(k_max * n_, 0.0);  // layout [k][i]: growing appends whole receptor rows
      k_alloc_ = k_max;
    }
    for (std::size_t i = 0; i < n_; ++i)
      for (std::size_t k = receptors(i); k < k_alloc_; ++k)
        for (auto& s : syn_) s[k * n_ + i] = 0.0;
    for (auto* p : propagators) p->assign(k_alloc_ * n_, 0.0);
    const int channels = 1 + static_cast<int>(k_alloc_);
    if (input_.ring_size() != rc.ring_size || channels != channels_) {
      InputRing old = std::move(input_);
      const int old_channels = channels_;
      input_ = InputRing();
      input_.resize(channels, n_, rc.ring_size);
      if (old.ring_size() == rc.ring_size)
        for (int c = 0; c < std::min(channels, old_channels); ++c)
          for (long s = 0; s < rc.ring_size; ++s) std::memcpy(input_.row(c, s), old.row(c, s), n_ * sizeof(double));
      channels_ = channels;
    }
  }

  // Whether every node of [begin, end) has all k_alloc_ receptors (the usual
  // case: one tau_syn for the population), so the update can sweep receptor rows.
  bool uniform_receptors(std::size_t begin, std::size_t end) const {
    for (std::size_t i = begin; i < end; ++i)
      if (nrec_[i] != k_alloc_) return false;
    return true;
  }

  // The columns the end of a step reads and writes.
  struct StepColumns {
    double *V, *R, *I0;
    const double *theta, *reset, *refractory_steps;
  };

  // The end of a step for every node of [begin, end): the new potential(i) outside the
  // refractory period, threshold and reset with the spike, and the current input that
  // acts in the next step.
  template <class Potential>
  void end_step(StepContext& ctx, long step, std::size_t begin, std::size_t end, const StepColumns& c, double* in_cur,
                Potential&& potential) {
    for (std::size_t i = begin; i < end; ++i) {
      if (c.R[i] == 0.0)
        c.V[i] = potential(i);
      else
        c.R[i] -= 1.0;
      if (c.V[i] >= c.theta[i]) {
        c.R[i] = c.refractory_steps[i];
        c.V[i] = c.reset[i];
        emit(ctx, i, step + 1);
      }
      c.I0[i] = in_cur[i];
      in_cur[i] = 0.0;
    }
  }

  // Input rows of step `step`: rows[k] for receptor k + 1, k < k_alloc_.
  void receptor_rows(long step, std::vector<double*>& rows) {
    rows.resize(k_alloc_);
    for (std::size_t k = 0; k < k_alloc_; ++k) rows[k] = input_.row(static_cast<int>(k) + 1, step);
  }

  // Sum over receptors in order from 0, as NEST accumulates it.
  double syn_sum(int state, std::size_t i) const {
    double s = 0.0;
    for (std::size_t k = 0; k < std::min(receptors(i), k_alloc_); ++k) s += syn_[state][k * n_ + i];
    return s;
  }
  double syn_at(int state, std::size_t k, std::size_t i) const {
    return k < receptors(i) && k < k_alloc_ ? syn_[state][k * n_ + i] : 0.0;
  }

  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    row[idx_vm_] = v_m(i);
    row[idx_nsyn_] = static_cast<long>(receptors(i));
    row[idx_conn_] = i < has_connections_.size() && has_connections_[i] != 0;
  }
  void write_derived(std::size_t i, const std::vector<Value>& row) override {
    if (has_connections_.size() < n_) has_connections_.resize(n_, 0);
    num_[kV][i] = std::get<double>(row[idx_vm_]) - num_[kEL][i];
  }

  std::vector<double> syn_[kStates];  // per-receptor state, [k * n + i]
  std::vector<std::size_t> nrec_;     // receptors per node, fixed during a run
  std::size_t k_alloc_ = 0;           // receptor rows allocated (never shrinks)
  std::vector<double> acc_;           // the membrane potential being summed, per node (update scratch)

 private:
  int tau_col_, idx_vm_, idx_nsyn_, idx_conn_;
  // Set by the connection check, which the kernel calls through a const reference.
  mutable std::vector<char> has_connections_;
};

}  // namespace nestkit::multisynapse
