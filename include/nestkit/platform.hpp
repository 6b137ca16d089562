#pragma once
// What the library chose for the machine it runs on.

namespace nestkit {

// How many neurons the ODE models' lock-step RKF45 stepper advances together:
// 8 with AVX-512, 4 with AVX2, else 2 (SSE2), fixed at first use. The
// environment variable NESTKIT_LANES=2|4|8 caps it. Results do not depend on it.
int ode_lane_width();

}  // namespace nestkit
