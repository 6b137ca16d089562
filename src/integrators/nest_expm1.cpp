#include "integrators/nest_expm1.hpp"

#include <cstring>

#include "core/cpu_features.hpp"
#include "integrators/exp_lanes.hpp"

namespace nestkit::integrators {

namespace {

#if defined(__x86_64__)
using exp_detail::M4;
using exp_detail::U4;
using exp_detail::V4;

[[gnu::always_inline]] inline V4 magnitude(V4 v) {
  return reinterpret_cast<V4>(reinterpret_cast<U4>(v) & 0x7fffffffffffffffull);
}

// Whether any lane of a comparison's mask is set.
[[gnu::target("avx2"), gnu::always_inline]] inline bool any(M4 m) {
  return __builtin_ia32_movmskpd256(reinterpret_cast<V4>(m)) != 0;
}

// The series of nest_expm1 in eight lanes (two vectors, whose chains interleave): each
// lane adds its terms until its own stopping test holds, as the scalar loop does (a
// lane that stopped keeps its sum). The quotients x/n do not depend on the sum, so
// they pipeline; the chain per term is one multiplication and one addition.
[[gnu::target("avx2")]] void series8(V4 x0, V4 x1, V4& sum0, V4& sum1) {
  const V4 eps = V4{} + std::numeric_limits<double>::epsilon();
  sum0 = x0;
  sum1 = x1;
  V4 term0 = x0 * x0 / 2, term1 = x1 * x1 / 2;
  V4 n = V4{} + 2.0;
  // Lanes beyond ln 2 do not run the series (their result comes from exp).
  const V4 ln2 = V4{} + kNestExpm1SeriesLimit;
  M4 active0 = (magnitude(term0) > magnitude(sum0) * eps) & (magnitude(x0) <= ln2);
  M4 active1 = (magnitude(term1) > magnitude(sum1) * eps) & (magnitude(x1) <= ln2);
  while (any(active0 | active1)) {
    sum0 = active0 ? sum0 + term0 : sum0;
    sum1 = active1 ? sum1 + term1 : sum1;
    n += 1.0;
    const V4 q0 = x0 / n, q1 = x1 / n;
    term0 = active0 ? term0 * q0 : term0;
    term1 = active1 ? term1 * q1 : term1;
    active0 &= magnitude(term0) > magnitude(sum0) * eps;
    active1 &= magnitude(term1) > magnitude(sum1) * eps;
  }
}

// Lanes at 0 or beyond ln 2 (or not finite) take the scalar function's other branches.
[[gnu::target("avx2")]] void fix_other_lanes(V4 x, V4& r) {
  const M4 other = ~(magnitude(x) <= kNestExpm1SeriesLimit) | (x == 0.0);
  if (any(other))
    for (int l = 0; l < 4; ++l)
      if (other[l]) r[l] = nest_expm1(x[l]);
}

[[gnu::target("avx2")]] void array_avx2(const double* x, double* y, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    V4 v0, v1, r0, r1;
    std::memcpy(&v0, x + i, sizeof v0);
    std::memcpy(&v1, x + i + 4, sizeof v1);
    series8(v0, v1, r0, r1);
    fix_other_lanes(v0, r0);
    fix_other_lanes(v1, r1);
    std::memcpy(y + i, &r0, sizeof r0);
    std::memcpy(y + i + 4, &r1, sizeof r1);
  }
  for (; i < n; ++i) y[i] = nest_expm1(x[i]);
}
#endif

}  // namespace

void nest_expm1_array(const double* x, double* y, std::size_t n) {
#if defined(__x86_64__)
  if (use_avx2()) {
    array_avx2(x, y, n);
    return;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) y[i] = nest_expm1(x[i]);
}

}  // namespace nestkit::integrators
