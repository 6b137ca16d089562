#include <algorithm>
#include <cstdlib>

#include "integrators/rkf45_lanes.hpp"
#include "nestkit/platform.hpp"

namespace nestkit::integrators {

namespace {
int detect_lane_width() {
  int width = kLanes;
#if defined(__x86_64__)
  __builtin_cpu_init();
  // Both wide steppers are compiled with FMA (exp_lanes.hpp); CPUs with AVX2 or
  // AVX-512 have it, but ask.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma"))
    width = 8;
  else if (__builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2"))
    width = 4;
#endif
  if (const char* cap = std::getenv("NESTKIT_LANES")) {
    const int w = std::atoi(cap);
    if (w == 2 || w == 4 || w == 8) width = std::min(width, w);
  }
  return width;
}
}  // namespace

int lane_width() {
  static const int width = detect_lane_width();
  return width;
}

}  // namespace nestkit::integrators

namespace nestkit {
int ode_lane_width() { return integrators::lane_width(); }
}  // namespace nestkit
