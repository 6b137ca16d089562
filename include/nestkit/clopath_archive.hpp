#pragma once
// The membrane-potential history that clopath_synapse reads (NEST's
// ClopathArchivingNode), kept by the neuron models that compute the Clopath traces
// u_bar_plus, u_bar_minus and u_bar_bar. Each step the model hands over its state;
// the archive delays the two filtered potentials by delay_u_bars (a ring of
// delay_u_bars + 1 steps that starts out zero-filled) and, while the node has
// incoming STDP-type connections, records
//   LTD: at t where u_bar_minus(t - delay) > theta_minus, the depression amount
//        A_LTD (u_bar_minus - theta_minus) [times u_bar_bar^2 / u_ref^2 unless
//        A_LTD_const], in a ring of max_delay + 1 entries looked up by exact time;
//   LTP: at t where u > theta_plus and u_bar_plus(t - delay) > theta_minus, the
//        potentiation density A_LTP (u - theta_plus)(u_bar_plus - theta_minus) h,
//        in a list whose front entries go once every incoming synapse read them.
// The fixed ring lengths and the zero-filled delay ring are part of the rule as
// NEST 3.10 computes it, so they are kept as they are.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace nestkit {

struct ClopathEntry {
  double t;             // ms
  double dw;            // LTD: weight decrement; LTP: increment before the presynaptic trace factor
  uint32_t access = 0;  // LTP: how many incoming synapses have read it
};

// The rule's parameters as the neuron holds them (read at every write).
struct ClopathRule {
  double A_LTD, A_LTP, u_ref_squared, theta_plus, theta_minus;
  bool A_LTD_const;
};

class ClopathArchive {
 public:
  static constexpr double kEps = 1.0e-6;  // NEST's stdp_eps (ms), also the LTP window shift

  void resize(std::size_t n) {
    if (nodes_.size() < n) nodes_.resize(n);
  }
  std::size_t size() const { return nodes_.size(); }
  // Sizes node i's buffers the first time it runs; later runs keep them.
  void init(std::size_t i, long delay_u_bars_steps, long max_delay_steps);
  // An STDP-type synapse now targets node i (NEST's register_stdp_connection).
  void register_connection(std::size_t i);
  // Node i's state at the end of the step that ends at t_ms.
  void write(std::size_t i, double t_ms, double u, double u_bar_plus, double u_bar_minus, double u_bar_bar,
             const ClopathRule& rule, double resolution_ms);
  // The LTD amount recorded at exactly t (within kEps), else 0.
  double ltd_value(std::size_t i, double t) const;
  // LTP entries with t in (t1, t2] (each shifted by kEps), marked as read.
  std::pair<const ClopathEntry*, const ClopathEntry*> ltp_history(std::size_t i, double t1, double t2);
  std::size_t ltp_length(std::size_t i) const { return nodes_[i].ltp.size() - nodes_[i].ltp_front; }

 private:
  struct Node {
    bool initialized = false;
    uint32_t n_incoming = 0;
    std::vector<double> delayed_plus, delayed_minus;  // ring of the filtered potentials
    std::size_t delayed_idx = 0;
    std::vector<ClopathEntry> ltd;  // ring, overwritten in order
    std::size_t ltd_current = 0;
    std::vector<ClopathEntry> ltp;  // ascending in time; entries before ltp_front are gone
    std::size_t ltp_front = 0;
  };
  std::vector<Node> nodes_;
};

}  // namespace nestkit
