#include "integrators/exp_lanes.hpp"

#include <cstdlib>
#include <cstring>

namespace nestkit::integrators {

namespace {

// Arguments for the check: a counter-hashed sample over the range the models use
// and beyond (both signs, magnitudes from 2^-60 to 2^10), plus boundary values.
double sample(std::uint64_t i) {
  std::uint64_t z = i * 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  const double u = static_cast<double>(z >> 11) * 0x1p-53;  // [0, 1)
  const int e = static_cast<int>(i % 71) - 60;              // 2^-60 .. 2^10
  const double x = std::ldexp(0.5 + u, e);
  return (i & 1) ? -x : x;
}

[[gnu::target("avx2,fma")]] bool same_bits(const exp_detail::V4& x) {
  const exp_detail::V4 y = exp_detail::exp4(x);
  for (int l = 0; l < 4; ++l) {
    const double ref = std::exp(x[l]);
    if (std::memcmp(&ref, &y[l], sizeof ref) != 0 && !(std::isnan(ref) && std::isnan(y[l]))) return false;
  }
  return true;
}

[[gnu::target("avx2,fma")]] bool matches_libm() {
  constexpr std::uint64_t kSamples = 1 << 18;
  static const double edges[] = {0.0,    -0.0,   0x1p-54,  -0x1p-54,  0x1.fffffffffffffp-55,
                                 512.0,  -512.0, 511.9999, -511.9999, 709.78,
                                 -708.4, -745.2, 1e-300,   INFINITY,  -INFINITY,
                                 NAN};
  for (std::size_t k = 0; k + 4 <= sizeof edges / sizeof edges[0]; k += 4)
    if (!same_bits(exp_detail::V4{edges[k], edges[k + 1], edges[k + 2], edges[k + 3]})) return false;
  for (std::uint64_t i = 0; i < kSamples; i += 4)
    if (!same_bits(exp_detail::V4{sample(i), sample(i + 1), sample(i + 2), sample(i + 3)})) return false;
  return true;
}

bool decide() {
#if defined(__x86_64__)
  if (const char* v = std::getenv("NESTKIT_VECTOR_EXP"); v && std::strcmp(v, "0") == 0) return false;
  __builtin_cpu_init();
  // glibc runs its FMA build of exp exactly when the CPU (and OS) offer FMA and AVX2.
  if (!__builtin_cpu_supports("fma") || !__builtin_cpu_supports("avx2")) return false;
  return matches_libm();
#else
  return false;
#endif
}

}  // namespace

bool decide_exact_exp_lanes() { return decide(); }

}  // namespace nestkit::integrators
