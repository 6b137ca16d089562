#include "core/min_max.hpp"

#include <algorithm>
#include <vector>

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

std::pair<uint32_t, uint32_t> min_max(const uint32_t* ids, std::size_t n, int threads) {
  constexpr std::size_t kPerThread = std::size_t{1} << 20;  // below this a thread's start costs more
  const int parts = static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(threads, n / kPerThread)));
  if (parts <= 1) return min_max(ids, n);
  std::vector<std::pair<uint32_t, uint32_t>> part(parts);
#pragma omp parallel for num_threads(parts) schedule(static, 1)
  for (int p = 0; p < parts; ++p) {
    const std::size_t a = n * p / parts, b = n * (p + 1) / parts;
    part[p] = min_max(ids + a, b - a);
  }
  std::pair<uint32_t, uint32_t> r = part[0];
  for (const auto& [lo, hi] : part) r = {std::min(r.first, lo), std::max(r.second, hi)};
  return r;
}

}  // namespace nestkit
