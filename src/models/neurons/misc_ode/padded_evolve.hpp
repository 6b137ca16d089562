#pragma once
// Runtime-dimension front end to integrators::evolve_apply for models whose ODE
// size depends on parameters or connections (glif_cond, iaf_bw_2001_exact).
//
// The state is padded with zeros up to the next instantiated size. Padded
// components have zero derivative, so their error estimate is exactly zero and
// they never raise the control's maximum ratio (D_i >= eps_abs > 0): the accepted
// steps, and every result bit, equal an integration in the true dimension.
#include <cstddef>
#include <stdexcept>
#include <string>

#include "integrators/rkf45.hpp"

namespace nestkit::misc_ode {

inline constexpr std::size_t kPaddedSizes[] = {3, 5, 7, 9, 13, 17, 33, 65, 129, 257, 513};

// The instantiated size used for a true dimension n (throws above the largest).
inline std::size_t padded_size(std::size_t n) {
  for (std::size_t s : kPaddedSizes)
    if (n <= s) return s;
  throw std::length_error("ODE system too large (" + std::to_string(n) + " > 513 variables)");
}

// Integrates y (holding padded_size(n) values, the tail zero) over one step
// [0, step] as NEST's `while (t < step) evolve_apply(...)` loop. `rhs` must write
// zeros for the padding. Returns false if the right-hand side failed.
template <typename Rhs>
bool integrate_step(const Rhs& rhs, const integrators::ErrorControl& c, double step, double& h, double* y,
                    std::size_t padded) {
  auto run = [&]<std::size_t N>() {
    double t = 0.0;
    while (t < step)
      if (!integrators::evolve_apply<N>(rhs, c, t, step, h, y)) return false;
    return true;
  };
  switch (padded) {
    case 3:
      return run.template operator()<3>();
    case 5:
      return run.template operator()<5>();
    case 7:
      return run.template operator()<7>();
    case 9:
      return run.template operator()<9>();
    case 13:
      return run.template operator()<13>();
    case 17:
      return run.template operator()<17>();
    case 33:
      return run.template operator()<33>();
    case 65:
      return run.template operator()<65>();
    case 129:
      return run.template operator()<129>();
    case 257:
      return run.template operator()<257>();
    default:
      return run.template operator()<513>();
  }
}

}  // namespace nestkit::misc_ode
