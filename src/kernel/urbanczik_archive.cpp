#include "nestkit/urbanczik_archive.hpp"

#include <cstddef>

namespace nestkit {

void UrbanczikArchive::register_connection(std::size_t i) {
  resize(i + 1);
  ++nodes_[i].n_incoming;
}

void UrbanczikArchive::write(std::size_t i, double t_ms, double dw) {
  Node& nd = nodes_[i];
  if (nd.n_incoming == 0) return;
  while (nd.h.size() - nd.front > 1 && nd.h[nd.front].access >= nd.n_incoming) ++nd.front;
  if (nd.front > 64 && nd.front * 2 > nd.h.size()) {
    nd.h.erase(nd.h.begin(), nd.h.begin() + static_cast<std::ptrdiff_t>(nd.front));
    nd.front = 0;
  }
  nd.h.push_back({t_ms, dw, 0});
}

std::pair<const UrbanczikEntry*, const UrbanczikEntry*> UrbanczikArchive::history(std::size_t i, double t1, double t2) {
  Node& nd = nodes_[i];
  UrbanczikEntry* e = nd.h.data() + nd.front;
  UrbanczikEntry* const end = nd.h.data() + nd.h.size();
  while (e != end && e->t - kEps < t1) ++e;
  UrbanczikEntry* const start = e;
  for (; e != end && e->t - kEps < t2; ++e) ++e->access;
  return {start, e};
}

}  // namespace nestkit
