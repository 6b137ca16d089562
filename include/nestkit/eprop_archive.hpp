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
//
// Storage: entries are made one per step, so a node's history is a buffer with one slot
// per step from `t_first` on; step t sits at slot t - t_first (no search). Entries dropped
// at the front only move a start index (the buffer is compacted once that dead front is as
// long as the rest), entries dropped in the middle are marked (t = kDropped), and a count
// of the kept ones gives the history length: pruning is amortised O(1) per entry instead
// of a vector erase per synapse and spike.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace nestkit {

struct EpropEntry {
  static constexpr long kDropped = -(1L << 62);  // t of a slot whose entry was dropped
  long t;                                        // step (the node's update step t, from t to t + 1)
  double signal = 0.0;                           // surrogate gradient (recurrent) or error signal (readout)
  double learning_signal = 0.0;                  // recurrent: sum of the readouts' weighted error signals
  double firing_rate_reg = 0.0;                  // recurrent: firing-rate regularisation
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
  void resize(std::size_t n);
  void register_connection(std::size_t i);
  bool recording(std::size_t i) const { return nodes_[i].indegree > 0; }
  EpropNodeConstants& constants(std::size_t i) { return nodes_[i].c; }
  const EpropNodeConstants& constants(std::size_t i) const { return nodes_[i].c; }

  // A new entry for step t (only with incoming e-prop connections); returns it or null.
  EpropEntry* append(std::size_t i, long t);
  // The first kept entry at or after step t (end() of the node's history if none). Slots
  // between it and end() may hold dropped entries (t == EpropEntry::kDropped).
  EpropEntry* lower_bound(std::size_t i, long t);
  EpropEntry* end(std::size_t i) { return nodes_[i].h.data() + nodes_[i].h.size(); }
  // Adds a learning signal to the entry of step t, if that entry is kept.
  void add_learning_signal(std::size_t i, long t, double v);
  // The learning signal of step t's entry, the next kept entry's if it is gone, 0 past the end (as NEST).
  double learning_signal(std::size_t i, long t);
  // The number of kept entries.
  std::size_t length(std::size_t i) const { return nodes_[i].kept; }
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
    std::vector<EpropEntry> h;  // slot k: step t_first + k; slots before `start` are gone
    long t_first = 0;
    std::size_t start = 0;                     // first kept slot (h.size() if none)
    std::size_t kept = 0;                      // kept entries (slots from start on that are not dropped)
    long keep_dropped = EpropEntry::kDropped;  // a front step found dropped (erase_used)
    std::vector<Update> updates;
    std::vector<std::pair<long, double>> reg;  // _bsshslm_2020: firing-rate regularisation per interval
    std::vector<std::vector<long>> isi_lists;  // _bsshslm_2020: the synapses' presynaptic intervals
  };
  // The slot of the first kept entry at or after step t (h.size() if none).
  static std::size_t slot_at_or_after(Node& nd, long t);
  // Drops the kept entries of steps [a, b).
  static void drop(Node& nd, long a, long b);
  // Drops every entry before slot k (k kept, or h.size()).
  static void drop_front(Node& nd, std::size_t k);

  Kind kind_;
  std::vector<Node> nodes_;
  std::mutex error_mutex_;
  std::string error_;
};

}  // namespace nestkit
