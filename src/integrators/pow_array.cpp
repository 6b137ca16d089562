#include "integrators/pow_array.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/cpu_features.hpp"
#include "integrators/pow_lanes.hpp"

namespace nestkit::integrators {

namespace {

using pow_detail::V4;

// The exponent of element i: one for all, or one each.
struct OneExponent {
  double y;
  double operator[](std::size_t) const { return y; }
};

#if defined(__x86_64__)
template <class Exponents>
[[gnu::target("avx2,fma")]] void pow_array_avx2(const double* base, Exponents exponent, double* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    V4 v, y;
    std::memcpy(&v, base + i, sizeof v);
    for (int l = 0; l < 4; ++l) y[l] = exponent[i + l];
    const V4 r = pow_detail::pow4(v, y);
    std::memcpy(out + i, &r, sizeof r);
  }
  for (; i < n; ++i) out[i] = std::pow(base[i], exponent[i]);
}

// The check: bases over all magnitudes the plastic synapses see and beyond (2^-80 to
// 2^80, both signs), exponents of both signs from 2^-70 to 2^10 and the common ones.
[[gnu::target("avx2,fma")]] bool matches_libm() {
  static const double exponents[] = {1.0, 0.4, 0.5, 2.0, -1.0, 3.0, 0.05, -0.7, 1e-20, 123.4};
  std::uint64_t z = 0x9e3779b97f4a7c15ull;
  auto next = [&z] {
    z ^= z << 13;
    z ^= z >> 7;
    z ^= z << 17;
    return z;
  };
  for (int round = 0; round < 1 << 14; ++round) {
    V4 x, y;
    for (int l = 0; l < 4; ++l) {
      const double m = 0.5 + static_cast<double>(next() >> 11) * 0x1p-54;
      x[l] = std::ldexp(m, static_cast<int>(next() % 161) - 80);
      if ((next() & 15) == 0) x[l] = -x[l];
      const std::uint64_t pick = next();
      y[l] = (pick & 1) ? exponents[(pick >> 1) % 10]
                        : std::ldexp(0.5 + static_cast<double>(pick >> 11) * 0x1p-54, static_cast<int>(pick % 81) - 70);
    }
    const V4 got = pow_detail::pow4(x, y);
    for (int l = 0; l < 4; ++l) {
      const double ref = std::pow(x[l], y[l]);
      if (std::memcmp(&ref, &got[l], sizeof ref) != 0 && !(std::isnan(ref) && std::isnan(got[l]))) return false;
    }
  }
  return true;
}
#endif

bool decide() {
#if defined(__x86_64__)
  // The same C library build as exp: its FMA variant on CPUs with FMA and AVX2.
  return exact_exp_lanes() && matches_libm();
#else
  return false;
#endif
}

}  // namespace

bool exact_pow_lanes() {
  static const bool exact = decide();
  return exact;
}

namespace {
template <class Exponents>
void pow_any(const double* base, Exponents exponent, double* out, std::size_t n) {
#if defined(__x86_64__)
  if (use_avx2() && exact_pow_lanes()) {
    pow_array_avx2(base, exponent, out, n);
    return;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) out[i] = std::pow(base[i], exponent[i]);
}
}  // namespace

void pow_array(const double* base, double exponent, double* out, std::size_t n) {
  pow_any(base, OneExponent{exponent}, out, n);
}

void pow_array(const double* base, const double* exponent, double* out, std::size_t n) {
  pow_any(base, exponent, out, n);
}

}  // namespace nestkit::integrators
