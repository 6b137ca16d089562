#include "nestkit/spike_archive.hpp"

#include <algorithm>

namespace nestkit {

void SpikeArchive::resize(std::size_t n) {
  if (nodes_.size() < n) nodes_.resize(n);
}

void SpikeArchive::register_connection(std::size_t i, double t_first_read, double delay_ms, uint32_t count) {
  Node& nd = nodes_[i];
  // Entries these synapses will never read count as read by them, so that they can go.
  for (std::size_t k = nd.front; k < nd.hist.size() && t_first_read - nd.hist[k].t > -kEps; ++k)
    nd.hist[k].access += count;
  nd.n_incoming += count;
  nd.max_delay = std::max(nd.max_delay, delay_ms);
}

void SpikeArchive::set_time_constants(std::size_t i, double tau_minus, double tau_minus_triplet) {
  nodes_[i].tau_minus_inv = 1.0 / tau_minus;
  nodes_[i].tau_minus_triplet_inv = 1.0 / tau_minus_triplet;
  nodes_[i].K_asked = NAN;
}

void SpikeArchive::record(std::size_t i, double t_ms, double min_delay_ms) {
  Node& nd = nodes_[i];
  nd.K_asked = NAN;
  if (nd.n_incoming == 0) {
    nd.last_spike = t_ms;
    return;
  }
  // Drop entries read by every incoming synapse that no delay can reach any more.
  while (nd.hist.size() - nd.front > 1) {
    const double next_t = nd.hist[nd.front + 1].t;
    if (nd.hist[nd.front].access >= nd.n_incoming && t_ms - next_t > nd.max_delay + min_delay_ms + kEps)
      ++nd.front;
    else
      break;
  }
  if (nd.front > 64 && nd.front * 2 > nd.hist.size()) {
    nd.hist.erase(nd.hist.begin(), nd.hist.begin() + static_cast<std::ptrdiff_t>(nd.front));
    nd.front = 0;
  }
  nd.Kminus = nd.Kminus * std::exp((nd.last_spike - t_ms) * nd.tau_minus_inv) + 1.0;
  nd.Kminus_triplet = nd.Kminus_triplet * std::exp((nd.last_spike - t_ms) * nd.tau_minus_triplet_inv) + 1.0;
  nd.last_spike = t_ms;
  nd.hist.push_back({t_ms, nd.Kminus, nd.Kminus_triplet, 0});
  nd.newest = std::max(nd.newest, t_ms);
}

double SpikeArchive::K_value_uncached(const Node& nd, double t) {
  for (std::size_t k = nd.hist.size(); k-- > nd.front;)
    if (t - nd.hist[k].t > kEps) return nd.hist[k].Kminus * std::exp((nd.hist[k].t - t) * nd.tau_minus_inv);
  return 0.0;
}

void SpikeArchive::K_values(std::size_t i, double t, double& K, double& nearest, double& K_triplet) const {
  const Node& nd = nodes_[i];
  if (nd.hist.size() == nd.front) {
    K = nearest = nd.Kminus;
    K_triplet = nd.Kminus_triplet;
    return;
  }
  for (std::size_t k = nd.hist.size(); k-- > nd.front;) {
    const HistoryEntry& e = nd.hist[k];
    if (t - e.t > kEps) {
      K_triplet = e.Kminus_triplet * std::exp((e.t - t) * nd.tau_minus_triplet_inv);
      K = e.Kminus * std::exp((e.t - t) * nd.tau_minus_inv);
      nearest = std::exp((e.t - t) * nd.tau_minus_inv);
      return;
    }
  }
  K = nearest = K_triplet = 0.0;
}

void SpikeArchive::clear(std::size_t i) {
  Node& nd = nodes_[i];
  nd.hist.clear();
  nd.front = 0;
  nd.newest = -INFINITY;
  nd.Kminus = nd.Kminus_triplet = 0.0;
  nd.last_spike = -1.0;
  nd.K_asked = NAN;
}

}  // namespace nestkit
