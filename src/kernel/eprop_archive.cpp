#include "nestkit/eprop_archive.hpp"

#include <algorithm>
#include <iterator>
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
  const auto& up = nd.updates;
  if (nd.kept == 0 || up.empty()) return;
  auto u = up.begin();
  for (long t = up.front().t; t <= up.back().t && u != up.end(); t += update_interval) {
    if (u->t == t)
      ++u;
    else
      drop(nd, t, t + update_interval);  // an interval no synapse's update starts at: no synapse reads it
  }
  drop_front(nd, slot_at_or_after(nd, up.front().t));
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

// A dropped slot's `signal` holds a step before which every slot from it on is dropped
// too (at least its own step + 1): runs of dropped slots are crossed in a few jumps, and
// the jumps are shortened to the run's end once walked (as path compression). Slots never
// come back, so a hint stays true.
namespace {
long run_end(const EpropEntry& e) { return static_cast<long>(e.signal); }
void set_run_end(EpropEntry& e, long t) { e.signal = static_cast<double>(t); }
}  // namespace

std::size_t EpropArchive::slot_at_or_after(Node& nd, long t) {
  const std::size_t n = nd.h.size();
  std::size_t k;
  if (t <= nd.t_first + static_cast<long>(nd.start))
    k = nd.start;
  else if (t >= nd.t_first + static_cast<long>(n))
    return n;
  else
    k = static_cast<std::size_t>(t - nd.t_first);
  if (k == n || nd.h[k].t != EpropEntry::kDropped) return k;
  std::size_t j = k;
  while (j < n && nd.h[j].t == EpropEntry::kDropped)
    j = std::max(j + 1, static_cast<std::size_t>(std::min<long>(run_end(nd.h[j]) - nd.t_first, static_cast<long>(n))));
  const long end_step = nd.t_first + static_cast<long>(j);
  for (std::size_t i = k; i < j && nd.h[i].t == EpropEntry::kDropped;) {
    const std::size_t next =
        std::max(i + 1, static_cast<std::size_t>(std::min<long>(run_end(nd.h[i]) - nd.t_first, static_cast<long>(n))));
    set_run_end(nd.h[i], end_step);
    i = next;
  }
  return j;
}

void EpropArchive::drop(Node& nd, long a, long b) {
  const long n = static_cast<long>(nd.h.size());
  const long lo = nd.t_first + static_cast<long>(nd.start);
  // Clamp to the kept slots without forming t_first + (huge b) (cutoffs may be huge).
  const std::size_t ka = a <= lo               ? nd.start
                         : a >= nd.t_first + n ? nd.h.size()
                                               : static_cast<std::size_t>(a - nd.t_first);
  const std::size_t kb = b <= lo               ? nd.start
                         : b >= nd.t_first + n ? nd.h.size()
                                               : static_cast<std::size_t>(b - nd.t_first);
  const long end_step = nd.t_first + static_cast<long>(kb);
  for (std::size_t k = ka; k < kb;) {
    EpropEntry& e = nd.h[k];
    if (e.t != EpropEntry::kDropped) {
      e.t = EpropEntry::kDropped;
      --nd.kept;
      set_run_end(e, end_step);
      ++k;
    } else {
      const long r = run_end(e);
      if (r < end_step) set_run_end(e, end_step);
      k = std::max(k + 1, static_cast<std::size_t>(std::min<long>(r - nd.t_first, static_cast<long>(kb))));
    }
  }
  if (ka == nd.start && ka < kb) drop_front(nd, slot_at_or_after(nd, end_step));
}

void EpropArchive::drop_front(Node& nd, std::size_t k) {
  for (std::size_t j = nd.start; j < k; ++j)
    if (nd.h[j].t != EpropEntry::kDropped) --nd.kept;
  if (k > nd.start) nd.start = k;
  if (nd.start == nd.h.size()) {
    nd.t_first += static_cast<long>(nd.h.size());
    nd.h.clear();
    nd.start = 0;
  } else if (nd.start >= 64 && 2 * nd.start >= nd.h.size()) {
    // Compact once the dropped front is as long as the rest: amortised O(1) per entry.
    nd.h.erase(nd.h.begin(), nd.h.begin() + static_cast<std::ptrdiff_t>(nd.start));
    nd.t_first += static_cast<long>(nd.start);
    nd.start = 0;
  }
}

EpropEntry* EpropArchive::append(std::size_t i, long t) {
  Node& nd = nodes_[i];
  if (nd.indegree == 0) return nullptr;
  if (nd.h.empty()) nd.t_first = t;
  const long next = nd.t_first + static_cast<long>(nd.h.size());
  if (t < next) {
    fail("e-prop history: entry for step " + std::to_string(t) + " after step " + std::to_string(next - 1));
    return nullptr;
  }
  // Steps without an entry (none in practice: entries are made every step) stay dropped slots.
  nd.h.resize(nd.h.size() + static_cast<std::size_t>(t - next),
              EpropEntry{EpropEntry::kDropped, static_cast<double>(t)});
  nd.h.push_back({t});
  ++nd.kept;
  return &nd.h.back();
}

EpropEntry* EpropArchive::lower_bound(std::size_t i, long t) {
  Node& nd = nodes_[i];
  return nd.h.data() + slot_at_or_after(nd, t);
}

void EpropArchive::add_learning_signal(std::size_t i, long t, double v) {
  Node& nd = nodes_[i];
  const long k = t - nd.t_first;
  if (k >= static_cast<long>(nd.start) && k < static_cast<long>(nd.h.size()) && nd.h[k].t == t)
    nd.h[k].learning_signal += v;
}

double EpropArchive::learning_signal(std::size_t i, long t) {
  EpropEntry* e = lower_bound(i, t);
  return e == end(i) ? 0.0 : e->learning_signal;
}

void EpropArchive::erase_used(std::size_t i, long t_spike, long t_prev) {
  Node& nd = nodes_[i];
  auto& up = nd.updates;
  // Spikes arrive in time order: the new one is mostly the latest noted (no search).
  if (!up.empty() && up.back().t == t_spike) {
    ++up.back().count;
  } else if (up.empty() || up.back().t < t_spike) {
    up.push_back({t_spike, 1});
  } else {
    auto it = first_at_or_after(up, t_spike);
    if (it != up.end() && it->t == t_spike)
      ++it->count;
    else
      up.insert(it, {t_spike, 1});
  }
  if (t_prev > 0) {
    auto prev = first_at_or_after(up, t_prev);
    if (prev != up.end() && prev->t == t_prev) {
      if (prev->count > 0) --prev->count;
      if (prev->count == 0) up.erase(prev);
    }
    // The window [t_prev - 1, t_prev - 1 + cutoff) of this synapse is read; what no other
    // synapse's window [u - 1, u - 1 + cutoff) needs inside it goes. Of the noted spikes u,
    // only two bound that: the first at or after t_prev (its window starts inside) and the
    // last at or before t_prev (its window ends inside, if it is at most cutoff before).
    // Both found by bisection, instead of visiting every noted spike near the window.
    const long cutoff = nd.c.cutoff;
    const long cand_begin = t_prev - 1;
    const long cand_end = cand_begin + cutoff;
    long erase_begin = cand_begin, erase_end = cand_end;
    const auto next = first_at_or_after(up, t_prev);
    if (next != up.end() && next->t <= cand_end) erase_end = std::min(erase_end, next->t - 1);
    const auto after = next != up.end() && next->t == t_prev ? next + 1 : next;
    if (after != up.begin()) {
      const long u = std::prev(after)->t;  // the last noted spike at or before t_prev
      if (u >= t_prev - cutoff && u - 1 + cutoff <= cand_end) erase_begin = std::max(erase_begin, u - 1 + cutoff);
    }
    if (erase_begin < erase_end) drop(nd, erase_begin, erase_end);
  }
  if (up.empty() || nd.kept == 0) return;
  // NEST drops the entries before the earliest noted spike - 1 only if that entry is kept
  // and not already the first. A slot index answers without a search, and a dropped entry
  // stays dropped: the same `keep` is not looked at again (its slot is mostly out of cache).
  const long keep = up.front().t - 1;
  if (keep == nd.keep_dropped) return;
  const long k = keep - nd.t_first;
  if (k <= static_cast<long>(nd.start) || k >= static_cast<long>(nd.h.size())) return;
  if (nd.h[static_cast<std::size_t>(k)].t == keep)
    drop_front(nd, static_cast<std::size_t>(k));
  else
    nd.keep_dropped = keep;
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
