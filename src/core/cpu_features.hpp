#pragma once
// Which instruction-set versions of the vectorised loops run. Every version gives the
// same numbers; the choice follows the ODE lane width (include/nestkit/platform.hpp),
// so NESTKIT_LANES=2 also selects the baseline (SSE2) loops, and the tests compare them.
#include "nestkit/platform.hpp"

// Marks the AVX2 version of a vectorised loop; elsewhere than x86-64 that version is
// compiled like the baseline (and use_avx2() never picks it).
#if defined(__x86_64__)
#define NESTKIT_TARGET_AVX2 [[gnu::target("avx2")]]
#else
#define NESTKIT_TARGET_AVX2
#endif

namespace nestkit {

inline bool use_avx2() {
#if defined(__x86_64__)
  static const bool yes = ode_lane_width() >= 4;  // AVX2 and FMA present, not capped below 4
  return yes;
#else
  return false;
#endif
}

}  // namespace nestkit
