// plain_leaf_avx2 (see plain_leaf.hpp). The ball test is Mask::inside's: each axis
// |e| <= r, then the diamond (sum of |e| <= r) or the length, the latter as the square
// against radius_sq (the largest square whose sqrt is <= r), all without a branch.
#include "spatial/plain_leaf.hpp"

#include <algorithm>
#include <array>

#include "core/cpu_features.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace nestkit::spatial {

PlainShape unmirrored(const Mask::Plain& m) {
  PlainShape s;
  s.ball = m.ball;
  s.radius = m.radius;
  s.radius_sq = m.radius_sq;
  for (int i = 0; i < 3; ++i) {
    s.center[i] = m.mirrored ? -m.center[i] : m.center[i];
    s.a[i] = m.mirrored ? -m.b[i] : m.a[i];
    s.b[i] = m.mirrored ? -m.a[i] : m.b[i];
  }
  return s;
}

#if defined(__x86_64__)
namespace {

// Byte shuffles that pack the 32-bit lanes named by a 4-bit verdict to the front.
constexpr std::array<std::array<uint8_t, 16>, 16> make_pack_table() {
  std::array<std::array<uint8_t, 16>, 16> t{};
  for (int mask = 0; mask < 16; ++mask) {
    int o = 0;
    for (int lane = 0; lane < 4; ++lane)
      if (mask & (1 << lane)) {
        for (int b = 0; b < 4; ++b) t[mask][4 * o + b] = static_cast<uint8_t>(4 * lane + b);
        ++o;
      }
    for (; o < 4; ++o)
      for (int b = 0; b < 4; ++b) t[mask][4 * o + b] = 0x80;
  }
  return t;
}
alignas(16) constexpr auto kPack = make_pack_table();

template <int D, bool kBall>
[[gnu::target("avx2,popcnt")]] std::size_t leaf_lanes(const PlainShape& s, const Point& anchor,
                                                      const double* const xs[3], const uint32_t* k, std::size_t n,
                                                      uint32_t* dst) {
  __m256d anc[D], c[D], lo[D], hi[D];
  for (int i = 0; i < D; ++i) {
    anc[i] = _mm256_set1_pd(anchor[i]);
    c[i] = _mm256_set1_pd(s.center[i]);
    lo[i] = _mm256_set1_pd(s.a[i]);
    hi[i] = _mm256_set1_pd(s.b[i]);
  }
  const __m256d r = _mm256_set1_pd(s.radius), r_sq = _mm256_set1_pd(s.radius_sq);
  const __m256d abs_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
  std::size_t count = 0;
  for (std::size_t m = 0; m < n; m += 4) {
    // The last 1-3 points through masked loads (lanes past n read nothing, their verdicts dropped).
    const std::size_t left = n - m;
    const __m256i lanes = _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<long long>(std::min<std::size_t>(left, 4))),
                                             _mm256_setr_epi64x(0, 1, 2, 3));
    __m256d x[D];
    for (int i = 0; i < D; ++i) x[i] = left >= 4 ? _mm256_loadu_pd(xs[i] + m) : _mm256_maskload_pd(xs[i] + m, lanes);
    __m256d in;
    if constexpr (kBall) {
      __m256d out = _mm256_setzero_pd(), sum = _mm256_setzero_pd(), sq = _mm256_setzero_pd();
      for (int i = 0; i < D; ++i) {
        const __m256d e = _mm256_sub_pd(_mm256_sub_pd(x[i], anc[i]), c[i]);
        const __m256d ae = _mm256_and_pd(e, abs_mask);
        out = _mm256_or_pd(out, _mm256_cmp_pd(ae, r, _CMP_GT_OQ));
        sum = i == 0 ? ae : _mm256_add_pd(sum, ae);
        sq = i == 0 ? _mm256_mul_pd(e, e) : _mm256_add_pd(sq, _mm256_mul_pd(e, e));
      }
      in = _mm256_andnot_pd(out, _mm256_or_pd(_mm256_cmp_pd(sum, r, _CMP_LE_OQ), _mm256_cmp_pd(sq, r_sq, _CMP_LE_OQ)));
    } else {
      in = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
      for (int i = 0; i < D; ++i) {
        const __m256d d = _mm256_sub_pd(x[i], anc[i]);
        in = _mm256_and_pd(in, _mm256_and_pd(_mm256_cmp_pd(lo[i], d, _CMP_LE_OQ), _mm256_cmp_pd(d, hi[i], _CMP_LE_OQ)));
      }
    }
    const int verdict = _mm256_movemask_pd(_mm256_and_pd(in, _mm256_castsi256_pd(lanes)));
    const __m128i k_lanes =
        _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(lanes, _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0)));
    const __m128i ks = left >= 4 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(k + m))
                                 : _mm_maskload_epi32(reinterpret_cast<const int*>(k + m), k_lanes);
    const __m128i pick = _mm_load_si128(reinterpret_cast<const __m128i*>(kPack[verdict].data()));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + count), _mm_shuffle_epi8(ks, pick));
    count += static_cast<std::size_t>(__builtin_popcount(static_cast<unsigned>(verdict)));
  }
  return count;
}

}  // namespace

std::size_t plain_leaf_avx2(const PlainShape& s, int dim, const Point& anchor, const double* const xs[3],
                            const uint32_t* k, std::size_t n, uint32_t* dst) {
  if (dim == 2)
    return s.ball ? leaf_lanes<2, true>(s, anchor, xs, k, n, dst) : leaf_lanes<2, false>(s, anchor, xs, k, n, dst);
  return s.ball ? leaf_lanes<3, true>(s, anchor, xs, k, n, dst) : leaf_lanes<3, false>(s, anchor, xs, k, n, dst);
}
#else
std::size_t plain_leaf_avx2(const PlainShape&, int, const Point&, const double* const*, const uint32_t*, std::size_t,
                            uint32_t*) {
  return 0;  // never called: use_avx2() is false
}
#endif

}  // namespace nestkit::spatial
