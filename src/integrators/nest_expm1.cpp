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

// The series of nest_expm1 in four lanes: each lane adds its terms until its own
// stopping test holds, as the scalar loop does (a lane that stopped keeps its sum).
// The quotients x/n do not depend on the sum, so they pipeline; the chain per term
// is one multiplication and one addition.
[[gnu::target("avx2")]] V4 series4(V4 x) {
  const V4 eps = V4{} + std::numeric_limits<double>::epsilon();
  V4 sum = x;
  V4 term = x * x / 2;
  V4 n = V4{} + 2.0;
  M4 active = magnitude(term) > magnitude(sum) * eps;
  while (active[0] | active[1] | active[2] | active[3]) {
    sum = active ? sum + term : sum;
    n += 1.0;
    const V4 q = x / n;
    term = active ? term * q : term;
    active &= magnitude(term) > magnitude(sum) * eps;
  }
  return sum;
}

[[gnu::target("avx2")]] void array_avx2(const double* x, double* y, std::size_t n) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    V4 v;
    std::memcpy(&v, x + i, sizeof v);
    // Lanes at 0 or beyond ln 2 (or not finite) take the scalar function's other branches.
    const M4 other = ~(magnitude(v) <= 0x1.62e42fefa39efp-1) | (v == 0.0);
    V4 r = series4(v);
    if (other[0] | other[1] | other[2] | other[3])
      for (int l = 0; l < 4; ++l)
        if (other[l]) r[l] = nest_expm1(v[l]);
    std::memcpy(y + i, &r, sizeof r);
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
