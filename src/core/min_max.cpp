#include "core/min_max.hpp"

#include <algorithm>

#include "core/cpu_features.hpp"

namespace nestkit {

namespace {

// The loop GCC vectorises with the unsigned min/max of the target it compiles for.
template <int kLanes>
[[gnu::always_inline]] inline std::pair<uint32_t, uint32_t> lanes(const uint32_t* ids, std::size_t n) {
  uint32_t lo[kLanes], hi[kLanes];
  for (int l = 0; l < kLanes; ++l) lo[l] = hi[l] = ids[0];
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) {
      lo[l] = std::min(lo[l], ids[i + l]);
      hi[l] = std::max(hi[l], ids[i + l]);
    }
  for (; i < n; ++i) {
    lo[0] = std::min(lo[0], ids[i]);
    hi[0] = std::max(hi[0], ids[i]);
  }
  return {*std::min_element(lo, lo + kLanes), *std::max_element(hi, hi + kLanes)};
}

NESTKIT_TARGET_AVX2 std::pair<uint32_t, uint32_t> min_max_avx2(const uint32_t* ids, std::size_t n) {
  return lanes<16>(ids, n);
}

}  // namespace

std::pair<uint32_t, uint32_t> min_max(const uint32_t* ids, std::size_t n) {
  if (n >= 64 && use_avx2()) return min_max_avx2(ids, n);
  const auto [lo, hi] = std::minmax_element(ids, ids + n);
  return {*lo, *hi};
}

}  // namespace nestkit
