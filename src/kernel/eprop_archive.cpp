#include "nestkit/eprop_archive.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>

namespace nestkit {
namespace {

template <typename V>
auto first_at_or_after(V& v, long t) {
  return std::lower_bound(v.begin(), v.end(), t, [](const auto& e, long x) { return e.t < x; });
}

}  // namespace

void EpropArchive::resize(std::size_t n) {
  if (nodes_.size() < n) nodes_.resize(n);
}

void EpropArchive::register_connection(std::size_t i) {
  resize(i + 1);
  ++nodes_[i].indegree;
  if (bsshslm()) {
    // NEST's initialize_update_history: every synapse starts with the update at the shift.
    auto& up = nodes_[i].updates;
    auto it = first_at_or_after(up, shift());
    if (it != up.end() && it->t == shift())
      ++it->count;
    else
      up.insert(it, {shift(), 1});
  }
}

void EpropArchive::write_update(std::size_t i, long t_prev, long t_curr, bool is_flush, bool previous_was_flush) {
  Node& nd = nodes_[i];
  if (nd.indegree == 0) return;
  auto& up = nd.updates;
  const long cur = t_curr + shift(), prev = t_prev + shift();
  if (!is_flush) {
    auto it = first_at_or_after(up, cur);
    if (it != up.end() && it->t == cur)
      ++it->count;
    else
      up.insert(it, {cur, 1});
  }
  if (!previous_was_flush) {
    auto p = first_at_or_after(up, prev);
    if (p != up.end() && p->t == prev && --p->count == 0) up.erase(p);
  }
}

void EpropArchive::erase_used_intervals(std::size_t i) {
  Node& nd = nodes_[i];
  auto& h = nd.h;
  const auto& up = nd.updates;
  if (h.empty() || up.empty()) return;
  auto u = up.begin();
  for (long t = up.front().t; t <= up.back().t && u != up.end(); t += update_interval) {
    if (u->t == t) {
      ++u;
    } else {
      // An interval no synapse's update starts at: no synapse reads it.
      const auto a = first_at_or_after(h, t);
      const auto b = first_at_or_after(h, t + update_interval);
      h.erase(a, b);
    }
  }
  h.erase(h.begin(), first_at_or_after(h, up.front().t));
}

double EpropArchive::firing_rate_reg(std::size_t i, long t) const {
  const auto& reg = nodes_[i].reg;
  auto it = std::lower_bound(reg.begin(), reg.end(), t, [](const auto& e, long x) { return e.first < x; });
  return it == reg.end() ? 0.0 : it->second;
}

std::vector<long>& EpropArchive::isi_list(std::size_t i, double& slot) {
  auto& lists = nodes_[i].isi_lists;
  if (slot == 0.0) {
    lists.emplace_back();
    slot = static_cast<double>(lists.size());
  }
  return lists[static_cast<std::size_t>(slot) - 1];
}

void EpropFlushRegistry::add(uint32_t first_gid, std::size_t n, const double* interval_steps) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), first_gid,
                             [](const Range& r, uint32_t g) { return r.first < g; });
  if (it != ranges_.end() && it->first == first_gid)
    *it = {first_gid, n, interval_steps};
  else
    ranges_.insert(it, {first_gid, n, interval_steps});
}

void EpropFlushRegistry::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  ranges_.clear();
}

long EpropFlushRegistry::interval(uint32_t gid) const {
  constexpr long kNever = std::numeric_limits<long>::max() / 4;
  auto it =
      std::upper_bound(ranges_.begin(), ranges_.end(), gid, [](uint32_t g, const Range& r) { return g < r.first; });
  if (it == ranges_.begin()) return kNever;
  --it;
  if (gid >= it->first + it->n) return kNever;
  return static_cast<long>(it->steps[gid - it->first]);
}

EpropFlushRegistry& eprop_flush_registry(const void* simulator) {
  static std::mutex m;
  static std::map<const void*, std::unique_ptr<EpropFlushRegistry>> registries;
  std::lock_guard<std::mutex> lock(m);
  auto& r = registries[simulator];
  if (!r) r = std::make_unique<EpropFlushRegistry>();
  return *r;
}

namespace {
std::mutex settings_mutex;
std::map<const void*, EpropKernelSettings>& settings_map() {
  static std::map<const void*, EpropKernelSettings> settings;
  return settings;
}
std::map<const void*, const void*>& grid_links() {
  static std::map<const void*, const void*> links;
  return links;
}
}  // namespace

EpropKernelSettings& eprop_kernel_settings(const void* simulator) {
  std::lock_guard<std::mutex> lock(settings_mutex);
  return settings_map()[simulator];
}

void eprop_link_grid(const void* grid, const void* simulator) {
  std::lock_guard<std::mutex> lock(settings_mutex);
  grid_links()[grid] = simulator;
}

EpropKernelSettings eprop_kernel_settings_of_grid(const void* grid) {
  std::lock_guard<std::mutex> lock(settings_mutex);
  const auto link = grid_links().find(grid);
  if (link == grid_links().end()) return EpropKernelSettings{};
  const auto it = settings_map().find(link->second);
  return it == settings_map().end() ? EpropKernelSettings{} : it->second;
}

EpropEntry* EpropArchive::append(std::size_t i, long t) {
  Node& nd = nodes_[i];
  if (nd.indegree == 0) return nullptr;
  nd.h.push_back({t});
  return &nd.h.back();
}

EpropEntry* EpropArchive::lower_bound(std::size_t i, long t) {
  auto& h = nodes_[i].h;
  return h.data() + (first_at_or_after(h, t) - h.begin());
}

void EpropArchive::add_learning_signal(std::size_t i, long t, double v) {
  EpropEntry* e = lower_bound(i, t);
  if (e != end(i) && e->t == t) e->learning_signal += v;
}

double EpropArchive::learning_signal(std::size_t i, long t) {
  EpropEntry* e = lower_bound(i, t);
  return e == end(i) ? 0.0 : e->learning_signal;
}

void EpropArchive::erase_used(std::size_t i, long t_spike, long t_prev) {
  Node& nd = nodes_[i];
  auto& up = nd.updates;
  auto& h = nd.h;
  auto it = first_at_or_after(up, t_spike);
  if (it != up.end() && it->t == t_spike)
    ++it->count;
  else
    up.insert(it, {t_spike, 1});
  if (t_prev > 0) {
    auto prev = first_at_or_after(up, t_prev);
    if (prev != up.end() && prev->t == t_prev) {
      if (prev->count > 0) --prev->count;
      if (prev->count == 0) up.erase(prev);
    }
    // The window [t_prev - 1, t_prev - 1 + cutoff) of this synapse is read; what no other
    // synapse's window needs inside it goes.
    const long cutoff = nd.c.cutoff;
    const long cand_begin = t_prev - 1;
    const long cand_end = cand_begin + cutoff;
    long erase_begin = cand_begin, erase_end = cand_end;
    const long search_begin = std::max(0L, cand_begin - cutoff);
    for (auto u = first_at_or_after(up, search_begin); u != up.end() && u->t <= cand_end && erase_begin < erase_end;
         ++u) {
      const long need_begin = u->t - 1;
      const long need_end = need_begin + cutoff;
      if (need_begin >= cand_begin && need_begin <= cand_end) erase_end = std::min(erase_end, need_begin);
      if (need_end >= cand_begin && need_end <= cand_end) erase_begin = std::max(erase_begin, need_end);
    }
    const auto a = first_at_or_after(h, erase_begin);
    const auto b = first_at_or_after(h, erase_end);
    if (a < b) h.erase(a, b);
  }
  if (up.empty() || h.empty()) return;
  const long keep = up.front().t - 1;
  const auto k = first_at_or_after(h, keep);
  if (k != h.end() && k->t == keep && k != h.begin()) h.erase(h.begin(), k);
}

void EpropArchive::fail(const std::string& message) {
  std::lock_guard<std::mutex> lock(error_mutex_);
  if (error_.empty()) error_ = message;
}

std::string EpropArchive::take_error() {
  std::lock_guard<std::mutex> lock(error_mutex_);
  return std::exchange(error_, {});
}

}  // namespace nestkit
