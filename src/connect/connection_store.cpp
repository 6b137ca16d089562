#include "nestkit/connection_store.hpp"

#include <algorithm>
#include <numeric>

namespace nestkit {

void ConnectionStore::stage(const std::vector<StagedSynapse>& batch) {
  staged_.insert(staged_.end(), batch.begin(), batch.end());
}

void ConnectionStore::clear() {
  *this = ConnectionStore{};
}

void ConnectionStore::finalize(uint32_t max_gid) {
  const std::size_t old_rows = offsets_.empty() ? 0 : offsets_.size() - 1;
  if (staged_.empty() && old_rows == static_cast<std::size_t>(max_gid) + 1) return;
  std::vector<uint64_t> count(static_cast<std::size_t>(max_gid) + 2, 0);
  for (uint32_t s = 0; s < old_rows; ++s) count[s + 1] += offsets_[s + 1] - offsets_[s];
  for (const auto& st : staged_) ++count[st.source + 1];
  std::partial_sum(count.begin(), count.end(), count.begin());
  const uint64_t total = count.back();

  std::vector<uint32_t> tgt(total);
  std::vector<double> w(total);
  std::vector<uint16_t> d(total);
  std::vector<uint8_t> rec(total), syn(total);
  std::vector<uint64_t> fill(count.begin(), count.end() - 1);
  for (uint32_t s = 0; s < old_rows; ++s) {
    for (uint64_t k = offsets_[s]; k < offsets_[s + 1]; ++k) {
      const uint64_t p = fill[s]++;
      tgt[p] = target_[k];
      w[p] = weight_[k];
      d[p] = delay_[k];
      rec[p] = receptor_[k];
      syn[p] = synapse_model_[k];
    }
  }
  for (const auto& st : staged_) {
    const uint64_t p = fill[st.source]++;
    tgt[p] = st.target;
    w[p] = st.weight;
    d[p] = st.delay;
    rec[p] = st.receptor;
    syn[p] = st.synapse_model;
  }
  // Sort each row by target (stable: creation order among equal targets), so
  // that a row visits target populations in runs and their memory in order.
  std::vector<uint64_t> perm;
  for (std::size_t s = 0; s + 1 < count.size(); ++s) {
    const uint64_t b = count[s], e = count[s + 1];
    if (e - b < 2 || std::is_sorted(tgt.begin() + b, tgt.begin() + e)) continue;
    perm.resize(e - b);
    std::iota(perm.begin(), perm.end(), b);
    std::stable_sort(perm.begin(), perm.end(), [&](uint64_t x, uint64_t y) { return tgt[x] < tgt[y]; });
    auto apply = [&](auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      std::vector<T> tmp(e - b);
      for (uint64_t j = 0; j < e - b; ++j) tmp[j] = v[perm[j]];
      std::copy(tmp.begin(), tmp.end(), v.begin() + b);
    };
    apply(tgt);
    apply(w);
    apply(d);
    apply(rec);
    apply(syn);
  }
  target_.swap(tgt);
  weight_.swap(w);
  delay_.swap(d);
  receptor_.swap(rec);
  synapse_model_.swap(syn);
  offsets_.swap(count);
  staged_.clear();
  staged_.shrink_to_fit();
  ++generation_;
}

uint32_t ConnectionStore::source_of(uint64_t syn) const {
  auto it = std::upper_bound(offsets_.begin(), offsets_.end(), syn);
  return static_cast<uint32_t>(it - offsets_.begin() - 1);
}

}  // namespace nestkit
