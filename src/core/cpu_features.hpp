#pragma once
// Which instruction-set versions of the vectorised loops run. Every version gives the
// same numbers; the choice follows the ODE lane width (include/nestkit/platform.hpp),
// so NESTKIT_LANES=2 also selects the baseline (SSE2) loops, and the tests compare them.
#include "nestkit/platform.hpp"

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
