#include "nestkit/clopath_archive.hpp"

#include <algorithm>
#include <cmath>

namespace nestkit {

void ClopathArchive::init(std::size_t i, long delay_u_bars_steps, long max_delay_steps) {
  resize(i + 1);
  Node& nd = nodes_[i];
  if (nd.initialized) return;
  nd.initialized = true;
  // The ring is written before it is read, hence one slot more than the delay.
  const std::size_t len = static_cast<std::size_t>(std::max(0L, delay_u_bars_steps)) + 1;
  nd.delayed_plus.assign(len, 0.0);
  nd.delayed_minus.assign(len, 0.0);
  nd.delayed_idx = 0;
  nd.ltd.assign(static_cast<std::size_t>(std::max(0L, max_delay_steps)) + 1, ClopathEntry{0.0, 0.0, 0});
  nd.ltd_current = 0;
}

void ClopathArchive::register_connection(std::size_t i) {
  resize(i + 1);
  ++nodes_[i].n_incoming;
}

void ClopathArchive::write(std::size_t i, double t_ms, double u, double u_bar_plus, double u_bar_minus,
                           double u_bar_bar, const ClopathRule& rule, double resolution_ms) {
  Node& nd = nodes_[i];
  const std::size_t len = nd.delayed_plus.size();
  nd.delayed_plus[nd.delayed_idx] = u_bar_plus;
  nd.delayed_minus[nd.delayed_idx] = u_bar_minus;
  nd.delayed_idx = (nd.delayed_idx + 1) % len;
  const double old_plus = nd.delayed_plus[nd.delayed_idx];
  const double old_minus = nd.delayed_minus[nd.delayed_idx];

  if (u > rule.theta_plus && old_plus > rule.theta_minus && nd.n_incoming > 0) {
    // Entries read by every incoming synapse go, but the last one always stays.
    while (nd.ltp.size() - nd.ltp_front > 1 && nd.ltp[nd.ltp_front].access >= nd.n_incoming) ++nd.ltp_front;
    if (nd.ltp_front > 64 && nd.ltp_front * 2 > nd.ltp.size()) {
      nd.ltp.erase(nd.ltp.begin(), nd.ltp.begin() + static_cast<std::ptrdiff_t>(nd.ltp_front));
      nd.ltp_front = 0;
    }
    // The presynaptic trace factor is applied by the synapse.
    const double dw = rule.A_LTP * (u - rule.theta_plus) * (old_plus - rule.theta_minus) * resolution_ms;
    nd.ltp.push_back({t_ms, dw, 0});
  }
  if (old_minus > rule.theta_minus && nd.n_incoming > 0) {
    const double excess = old_minus - rule.theta_minus;
    const double dw =
        rule.A_LTD_const ? rule.A_LTD * excess : rule.A_LTD * u_bar_bar * u_bar_bar * excess / rule.u_ref_squared;
    nd.ltd[nd.ltd_current] = {t_ms, dw, 0};
    nd.ltd_current = (nd.ltd_current + 1) % nd.ltd.size();
  }
}

double ClopathArchive::ltd_value(std::size_t i, double t) const {
  if (t < 0.0) return 0.0;
  for (const ClopathEntry& e : nodes_[i].ltd)
    if (std::fabs(t - e.t) < kEps) return e.dw;
  return 0.0;
}

std::pair<const ClopathEntry*, const ClopathEntry*> ClopathArchive::ltp_history(std::size_t i, double t1, double t2) {
  Node& nd = nodes_[i];
  ClopathEntry* e = nd.ltp.data() + nd.ltp_front;
  ClopathEntry* const end = nd.ltp.data() + nd.ltp.size();
  while (e != end && e->t - kEps < t1) ++e;
  ClopathEntry* const start = e;
  for (; e != end && e->t - kEps < t2; ++e) ++e->access;
  return {start, e};
}

}  // namespace nestkit
