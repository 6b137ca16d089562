#pragma once
// The postsynaptic spike history that NEST's plastic synapses read (NEST's
// ArchivingNode): per node, its spikes with the values of the two STDP traces
// (tau_minus, tau_minus_triplet) just after each, kept only for nodes that receive
// plastic synapses. An entry is dropped once every incoming plastic synapse has
// read it and it is older than any delay can reach, as NEST does, so results do
// not depend on how long the history is kept.
#include <cmath>
#include <cstdint>
#include <deque>
#include <vector>

namespace nestkit {

struct HistoryEntry {
  double t;               // spike time in ms (stamp minus offset)
  double Kminus;          // trace with tau_minus, just after this spike
  double Kminus_triplet;  // trace with tau_minus_triplet
  uint32_t access = 0;    // how many incoming synapses have read it
};

class SpikeArchive {
 public:
  static constexpr double kEps = 1.0e-6;  // NEST's stdp_eps (ms)

  void resize(std::size_t n);
  bool empty() const { return nodes_.empty(); }
  // `count` plastic synapses with `delay_ms` now read this node (NEST's
  // register_stdp_connection, once per synapse).
  void register_connection(std::size_t i, double t_first_read, double delay_ms, uint32_t count = 1);
  void set_time_constants(std::size_t i, double tau_minus, double tau_minus_triplet);
  // The node spiked at t_ms; min_delay_ms bounds the pruning horizon.
  void record(std::size_t i, double t_ms, double min_delay_ms);
  // Entries with t in (t1, t2] (each shifted by eps), marked as read. Inline: the plastic
  // synapses of a spike ask it once each, for thousands of nodes.
  std::pair<const HistoryEntry*, const HistoryEntry*> history(std::size_t i, double t1, double t2) {
    Node& nd = nodes_[i];
    HistoryEntry* last = nd.hist.data() + nd.hist.size();
    const double t2_lim = t2 + kEps, t1_lim = t1 + kEps;
    // The newest entry's time, kept in the node, answers the common cases without loading
    // the history itself: no spike in the window, or none after it.
    if (nd.newest < t1_lim) return {last, last};
    HistoryEntry* first = nd.hist.data() + nd.front;
    HistoryEntry* finish = last;
    if (nd.newest >= t2_lim)
      while (finish != first && (finish - 1)->t >= t2_lim) --finish;
    HistoryEntry* start = finish;
    while (start != first && (start - 1)->t >= t1_lim) {
      --start;
      ++start->access;
    }
    return {start, finish};
  }
  // Trace values at t from the last spike strictly before t. The last answer is kept
  // per node: the spikes of one time step reach a node through many synapses that ask
  // for the same t (a node is read by one thread only: the one that delivers to it).
  double K_value(std::size_t i, double t) const {
    const Node& nd = nodes_[i];
    if (t == nd.K_asked) return nd.K_answer;
    nd.K_answer = K_value_uncached(nd, t);
    nd.K_asked = t;
    return nd.K_answer;
  }
  void K_values(std::size_t i, double t, double& K, double& nearest, double& K_triplet) const;
  double last_spike(std::size_t i) const { return nodes_[i].last_spike; }
  std::size_t length(std::size_t i) const { return nodes_[i].hist.size(); }
  void clear(std::size_t i);

 private:
  // What history() and a repeated K_value() read comes first (one cache line for most
  // nodes); the rest is read when the node spikes or a cached answer is missing.
  struct Node {
    std::vector<HistoryEntry> hist;  // ascending in time; front entries pruned in blocks
    std::size_t front = 0;           // first live entry
    double newest = -INFINITY;       // time of the newest entry ever recorded (entries go from the front only)
    // K_value's last question and answer; a spike or new time constants forget them.
    mutable double K_asked = NAN, K_answer = 0.0;
    double Kminus = 0.0, Kminus_triplet = 0.0;
    double last_spike = -1.0;
    double tau_minus_inv = 1.0 / 20.0, tau_minus_triplet_inv = 1.0 / 110.0;
    uint32_t n_incoming = 0;
    double max_delay = 0.0;
  };
  static double K_value_uncached(const Node& nd, double t);
  std::vector<Node> nodes_;
};

}  // namespace nestkit
