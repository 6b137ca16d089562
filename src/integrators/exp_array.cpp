#include "integrators/exp_array.hpp"

#include <cmath>
#include <cstring>

#include "core/cpu_features.hpp"
#include "integrators/exp_lanes.hpp"

namespace nestkit::integrators {

namespace {

#if defined(__x86_64__)
[[gnu::target("avx2,fma")]] void exp_array_avx2(const double* x, double* y, std::size_t n) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    exp_detail::V4 v;
    std::memcpy(&v, x + i, sizeof v);
    const exp_detail::V4 r = exp_detail::exp4(v);
    std::memcpy(y + i, &r, sizeof r);
  }
  for (; i < n; ++i) y[i] = std::exp(x[i]);
}
#endif

}  // namespace

void exp_array(const double* x, double* y, std::size_t n) {
#if defined(__x86_64__)
  if (use_avx2() && exact_exp_lanes()) {
    exp_array_avx2(x, y, n);
    return;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) y[i] = std::exp(x[i]);
}

}  // namespace nestkit::integrators
