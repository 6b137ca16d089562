#pragma once
// The e-prop history a neuron keeps for its incoming eprop_synapses (NEST 3.10's
// EpropArchivingNode): one entry per simulation step while the node has incoming
// e-prop connections, holding what the synapse's gradient needs from the
// postsynaptic side. A recurrent neuron (eprop_iaf, ...) stores its surrogate
// gradient, the learning signal that reaches it two steps later and its firing-rate
// regularisation; a readout neuron stores its error signal.
//
// Entries are dropped as NEST drops them: every synapse notes the stamp of its last
// spike in an update history (with access counts); the entries before the earliest
// noted spike, and those between a spike's cutoff window and the next needed one,
// are erased when a synapse moves on. Besides what the synapse reads, the history
// length is a recordable (eprop_history_duration), so the same entries are kept.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace nestkit {

struct EpropEntry {
  long t;                        // step (the node's update step t, from t to t + 1)
  double signal = 0.0;           // surrogate gradient (recurrent) or error signal (readout)
  double learning_signal = 0.0;  // recurrent: sum of the readouts' weighted error signals
  double firing_rate_reg = 0.0;  // recurrent: firing-rate regularisation
};

// Per-node constants the gradient reads, set by the model before each run.
struct EpropNodeConstants {
  double P_v_m = 0.0;       // membrane decay per step
  double kappa = 0.0;       // eligibility-trace low-pass filter
  double kappa_reg = 0.0;   // firing-rate regularisation filter
  double P_adapt = 0.0;     // adaptive threshold decay per step (adaptive models)
  double adapt_beta = 0.0;  // adaptation strength (adaptive models)
  long cutoff = 0;          // eprop_isi_trace_cutoff in steps
  double P_z_in = 1.0;      // _bsshslm_2020 models: input spike scale (1, or 1 - P_v_m without regular_spike_arrival)
};

// NEST's kernel settings the _bsshslm_2020 models read (eprop_update_interval,
// eprop_learning_window, eprop_reset_neurons_on_update), kept per simulator.
struct EpropKernelSettings {
  double update_interval = 1000.0;  // ms
  double learning_window = 1000.0;  // ms
  bool reset_neurons_on_update = true;
};
EpropKernelSettings& eprop_kernel_settings(const void* simulator);
// Parameter checks see the simulator's time grid only: the simulator names its grid once
// it changes its e-prop settings; the settings of the simulator whose grid that is
// (the defaults if none named it).
void eprop_link_grid(const void* grid, const void* simulator);
EpropKernelSettings eprop_kernel_settings_of_grid(const void* grid);

// The flush-event intervals (steps) of the _bsshslm_2020 neurons of one simulator, by node
// id, for the synapses that infer their sources' flush events (eprop_synapse_bsshslm_2020).
class EpropFlushRegistry {
 public:
  void add(uint32_t first_gid, std::size_t n, const double* interval_steps);
  void clear();
  // The source's flush interval in steps; a very large number when it sends none.
  long interval(uint32_t gid) const;

 private:
  struct Range {
    uint32_t first;
    std::size_t n;
    const double* steps;
  };
  std::mutex mutex_;
  std::vector<Range> ranges_;  // ascending in first
};
EpropFlushRegistry& eprop_flush_registry(const void* simulator);

class EpropArchive {
 public:
  enum class Kind : uint8_t {
    kRecurrent,
    kReadout,
    kRecurrentAdapt,
    kRecurrentDelta,
    kRecurrentDeltaAdapt,
    kBssRecurrent,  // the _bsshslm_2020 models: histories per update interval
    kBssRecurrentAdapt,
    kBssReadout,
  };
  explicit EpropArchive(Kind kind) : kind_(kind) {}

  Kind kind() const { return kind_; }
  bool bsshslm() const { return kind_ >= Kind::kBssRecurrent; }
  // _bsshslm_2020: where a node's update intervals start (NEST's get_shift: 2 recurrent, 3 readout).
  long shift() const { return kind_ == Kind::kBssReadout ? 3 : 2; }
  // _bsshslm_2020: the kernel's update interval and learning window in steps (set by the model).
  long update_interval = 1;
  long learning_window = 1;
  const EpropFlushRegistry* flush = nullptr;  // the simulator's flush intervals (set by the model)
  void resize(std::size_t n);
  void register_connection(std::size_t i);
  bool recording(std::size_t i) const { return nodes_[i].indegree > 0; }
  EpropNodeConstants& constants(std::size_t i) { return nodes_[i].c; }
  const EpropNodeConstants& constants(std::size_t i) const { return nodes_[i].c; }

  // A new entry for step t (only with incoming e-prop connections); returns it or null.
  EpropEntry* append(std::size_t i, long t);
  // The first entry at or after step t (end() of the node's history if none).
  EpropEntry* lower_bound(std::size_t i, long t);
  EpropEntry* end(std::size_t i) { return nodes_[i].h.data() + nodes_[i].h.size(); }
  // Adds a learning signal to the entry of step t, if that entry is kept.
  void add_learning_signal(std::size_t i, long t, double v);
  // The learning signal of step t's entry, the next kept entry's if it is gone, 0 past the end (as NEST).
  double learning_signal(std::size_t i, long t);
  std::size_t length(std::size_t i) const { return nodes_[i].h.size(); }
  // A synapse moved from its spike at t_prev (0: none yet) to one at t_spike: note
  // it and drop the entries no synapse needs any longer.
  void erase_used(std::size_t i, long t_spike, long t_prev);

  // _bsshslm_2020 histories. A synapse moved its update from t_prev to t_curr (both
  // unshifted): NEST's write_update_to_history (a flush event notes no new update; after
  // one, the previous update was already released).
  void write_update(std::size_t i, long t_prev, long t_curr, bool is_flush, bool previous_was_flush);
  // At an interval's start: drop the entries of intervals no synapse still needs.
  void erase_used_intervals(std::size_t i);
  // The firing-rate regularisation of the interval that ends before step t.
  void add_firing_rate_reg(std::size_t i, long t, double v) { nodes_[i].reg.push_back({t, v}); }
  double firing_rate_reg(std::size_t i, long t) const;
  // A synapse's list of presynaptic inter-spike intervals of the current update interval,
  // kept with its target node; `slot` is the synapse's handle (0 until first used).
  std::vector<long>& isi_list(std::size_t i, double& slot);

  // Errors found while delivering (threads cannot throw): the model reports them.
  void fail(const std::string& message);
  std::string take_error();

 private:
  struct Update {
    long t;
    std::size_t count;
  };
  struct Node {
    std::size_t indegree = 0;
    EpropNodeConstants c;
    std::vector<EpropEntry> h;  // ascending in t
    std::vector<Update> updates;
    std::vector<std::pair<long, double>> reg;  // _bsshslm_2020: firing-rate regularisation per interval
    std::vector<std::vector<long>> isi_lists;  // _bsshslm_2020: the synapses' presynaptic intervals
  };
  Kind kind_;
  std::vector<Node> nodes_;
  std::mutex error_mutex_;
  std::string error_;
};

}  // namespace nestkit
