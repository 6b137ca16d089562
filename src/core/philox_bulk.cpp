// philox_blocks (declared in nestkit/rng.hpp): consecutive Philox4x32-10 blocks, eight
// per AVX2 iteration where the CPU has it; first_uniforms (core/first_uniforms.hpp):
// the first uniform of eight streams per iteration.

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "core/cpu_features.hpp"
#include "core/first_uniforms.hpp"
#include "nestkit/rng.hpp"

namespace nestkit {
namespace {

// The block whose counter word 0 is ctr[0] + j (modulo 2^32).
Philox4x32::Block block_at(std::array<uint32_t, 4> ctr, const std::array<uint32_t, 2>& key, std::size_t j) {
  ctr[0] += static_cast<uint32_t>(j);
  return Philox4x32::generate(ctr, key);
}

void blocks_scalar(const std::array<uint32_t, 4>& ctr, const std::array<uint32_t, 2>& key, std::size_t first,
                   std::size_t n, uint32_t* out) {
  for (std::size_t j = first; j < n; ++j) {
    const auto b = block_at(ctr, key, j);
    for (int w = 0; w < 4; ++w) out[4 * j + w] = b[w];
  }
}

#if defined(__x86_64__)
// Eight blocks per iteration, one 32-bit lane each. A round needs the high and low
// halves of two 32x32-bit products per lane; vpmuludq multiplies the even lanes, so
// the odd lanes are shifted down, multiplied, and both halves are blended back.
[[gnu::target("avx2")]] inline void mul_hi_lo(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// Philox4x32-10's ten rounds on eight counters, one per 32-bit lane of c0..c3.
[[gnu::target("avx2")]] inline void rounds(__m256i& c0, __m256i& c1, __m256i& c2, __m256i& c3,
                                           const std::array<uint32_t, 2>& key) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    __m256i hi0, lo0, hi1, lo1;
    mul_hi_lo(c0, m0, hi0, lo0);
    mul_hi_lo(c2, m1, hi1, lo1);
    const __m256i n0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32(static_cast<int>(k0)));
    const __m256i n2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32(static_cast<int>(k1)));
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
  }
}

// Blocks ctr[0] + j .. ctr[0] + j + 7: word w of block j + l in lane l of cw.
[[gnu::target("avx2")]] inline void eight_blocks(const std::array<uint32_t, 4>& ctr, const std::array<uint32_t, 2>& key,
                                                 std::size_t j, __m256i& c0, __m256i& c1, __m256i& c2, __m256i& c3) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  c0 = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(ctr[0] + static_cast<uint32_t>(j))), lane);
  c1 = _mm256_set1_epi32(static_cast<int>(ctr[1]));
  c2 = _mm256_set1_epi32(static_cast<int>(ctr[2]));
  c3 = _mm256_set1_epi32(static_cast<int>(ctr[3]));
  rounds(c0, c1, c2, c3, key);
}

[[gnu::target("avx2")]] void blocks_avx2(const std::array<uint32_t, 4>& ctr, const std::array<uint32_t, 2>& key,
                                         std::size_t n, uint32_t* out) {
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    __m256i c0, c1, c2, c3;
    eight_blocks(ctr, key, j, c0, c1, c2, c3);
    // Lanes hold words; the output interleaves them per block (a 4x8 transpose).
    const __m256i a01 = _mm256_unpacklo_epi32(c0, c1);  // b0w0 b0w1 b1w0 b1w1 | b4.. b5..
    const __m256i b01 = _mm256_unpackhi_epi32(c0, c1);  // b2w0 b2w1 b3w0 b3w1 | b6.. b7..
    const __m256i a23 = _mm256_unpacklo_epi32(c2, c3);
    const __m256i b23 = _mm256_unpackhi_epi32(c2, c3);
    const __m256i r0 = _mm256_unpacklo_epi64(a01, a23);  // block 0 | block 4
    const __m256i r1 = _mm256_unpackhi_epi64(a01, a23);  // block 1 | block 5
    const __m256i r2 = _mm256_unpacklo_epi64(b01, b23);  // block 2 | block 6
    const __m256i r3 = _mm256_unpackhi_epi64(b01, b23);  // block 3 | block 7
    __m256i* o = reinterpret_cast<__m256i*>(out + 4 * j);
    _mm256_storeu_si256(o + 0, _mm256_permute2x128_si256(r0, r1, 0x20));
    _mm256_storeu_si256(o + 1, _mm256_permute2x128_si256(r2, r3, 0x20));
    _mm256_storeu_si256(o + 2, _mm256_permute2x128_si256(r0, r1, 0x31));
    _mm256_storeu_si256(o + 3, _mm256_permute2x128_si256(r2, r3, 0x31));
  }
  blocks_scalar(ctr, key, j, n, out);
}

#endif

// RandomStream::uniform() of words 0 and 1 of a stream's first block: 27 and 26 bits,
// exact in a double whatever the order of the operations.
inline double uniform_of(uint32_t w0, uint32_t w1) {
  const uint64_t hi = w0 >> 5, lo = w1 >> 6;
  return (hi * 67108864.0 + lo) * (1.0 / 9007199254740992.0);
}

void first_scalar(const std::array<uint32_t, 2>& key, const uint32_t* ids, uint64_t b, std::size_t first, std::size_t n,
                  double* out) {
  for (std::size_t j = first; j < n; ++j) {
    const auto w = Philox4x32::generate({0, ids[j], static_cast<uint32_t>(b), static_cast<uint32_t>(b >> 32)}, key);
    out[j] = uniform_of(w[0], w[1]);
  }
}

// Two uniforms per block (words 0, 1 and words 2, 3), the values of uniform() on the
// blocks' words in order: out[2 j] and out[2 j + 1] from block ctr[0] + j.
void uniform_pairs_scalar(const std::array<uint32_t, 4>& ctr, const std::array<uint32_t, 2>& key, std::size_t first,
                          std::size_t n, double* out) {
  for (std::size_t j = first; j < n; ++j) {
    const auto w = block_at(ctr, key, j);
    out[2 * j] = uniform_of(w[0], w[1]);
    out[2 * j + 1] = uniform_of(w[2], w[3]);
  }
}

#if defined(__x86_64__)
[[gnu::target("avx2")]] void first_avx2(const std::array<uint32_t, 2>& key, const uint32_t* ids, uint64_t b,
                                        std::size_t n, double* out) {
  const __m256d scale_hi = _mm256_set1_pd(67108864.0), scale = _mm256_set1_pd(1.0 / 9007199254740992.0);
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    __m256i c0 = _mm256_setzero_si256();
    __m256i c1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ids + j));
    __m256i c2 = _mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(b)));
    __m256i c3 = _mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(b >> 32)));
    rounds(c0, c1, c2, c3, key);
    // Words 0 and 1 of each block, shifted to 27 and 26 bits: below 2^31, so the signed
    // conversion is exact.
    const __m256i hi = _mm256_srli_epi32(c0, 5), lo = _mm256_srli_epi32(c1, 6);
    for (int half = 0; half < 2; ++half) {
      const __m128i h = half ? _mm256_extracti128_si256(hi, 1) : _mm256_castsi256_si128(hi);
      const __m128i l = half ? _mm256_extracti128_si256(lo, 1) : _mm256_castsi256_si128(lo);
      const __m256d u =
          _mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(h), scale_hi), _mm256_cvtepi32_pd(l)), scale);
      _mm256_storeu_pd(out + j + 4 * half, u);
    }
  }
  first_scalar(key, ids, b, j, n, out);
}

// uniform() of four word pairs, 27 and 26 bits: below 2^31, so the signed conversion is exact.
[[gnu::target("avx2")]] inline __m256d to_double(__m128i hi, __m128i lo) {
  const __m256d scale_hi = _mm256_set1_pd(67108864.0), scale = _mm256_set1_pd(1.0 / 9007199254740992.0);
  return _mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(hi), scale_hi), _mm256_cvtepi32_pd(lo)), scale);
}

[[gnu::target("avx2")]] void uniform_pairs_avx2(const std::array<uint32_t, 4>& ctr, const std::array<uint32_t, 2>& key,
                                                std::size_t n, double* out) {
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    __m256i c0, c1, c2, c3;
    eight_blocks(ctr, key, j, c0, c1, c2, c3);
    const __m256i h0 = _mm256_srli_epi32(c0, 5), l0 = _mm256_srli_epi32(c1, 6);
    const __m256i h1 = _mm256_srli_epi32(c2, 5), l1 = _mm256_srli_epi32(c3, 6);
    for (int half = 0; half < 2; ++half) {  // blocks 4 half .. 4 half + 3
      const __m256d a = half ? to_double(_mm256_extracti128_si256(h0, 1), _mm256_extracti128_si256(l0, 1))
                             : to_double(_mm256_castsi256_si128(h0), _mm256_castsi256_si128(l0));
      const __m256d b = half ? to_double(_mm256_extracti128_si256(h1, 1), _mm256_extracti128_si256(l1, 1))
                             : to_double(_mm256_castsi256_si128(h1), _mm256_castsi256_si128(l1));
      // a: first uniforms of four blocks, b: their second; stored interleaved.
      const __m256d lo = _mm256_unpacklo_pd(a, b);  // a0 b0 | a2 b2
      const __m256d hi = _mm256_unpackhi_pd(a, b);  // a1 b1 | a3 b3
      double* o = out + 2 * j + 8 * half;
      _mm256_storeu_pd(o, _mm256_permute2f128_pd(lo, hi, 0x20));      // a0 b0 a1 b1
      _mm256_storeu_pd(o + 4, _mm256_permute2f128_pd(lo, hi, 0x31));  // a2 b2 a3 b3
    }
  }
  uniform_pairs_scalar(ctr, key, j, n, out);
}

#endif

}  // namespace

void philox_uniform_pairs(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key, std::size_t n, double* out) {
#if defined(__x86_64__)
  if (use_avx2()) return uniform_pairs_avx2(ctr, key, n, out);
#endif
  uniform_pairs_scalar(ctr, key, 0, n, out);
}

void first_uniforms(uint32_t seed, Purpose purpose, const uint32_t* ids, uint64_t b, std::size_t n, double* out) {
  const std::array<uint32_t, 2> key{seed, static_cast<uint32_t>(purpose)};
#if defined(__x86_64__)
  if (use_avx2()) return first_avx2(key, ids, b, n, out);
#endif
  first_scalar(key, ids, b, 0, n, out);
}

void philox_blocks(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key, std::size_t n, uint32_t* out) {
#if defined(__x86_64__)
  if (use_avx2()) return blocks_avx2(ctr, key, n, out);
#endif
  blocks_scalar(ctr, key, 0, n, out);
}

}  // namespace nestkit
