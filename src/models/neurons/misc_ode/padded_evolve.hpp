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
#include "integrators/rkf45_lanes.hpp"

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

// The lock-step stepper is instantiated for the padded sizes up to this one
// (systems of up to 17 variables: 7 receptor ports of a multisynapse AdEx model,
// 8 of glif_cond); larger systems take the scalar integrate_step. Each size costs
// three compiled copies of the stepper (SSE2, AVX2, AVX-512), hence the limit.
inline constexpr std::size_t kMaxLanePadded = 17;

// integrators::evolve_population at a padded size <= kMaxLanePadded. The drivers
// `make` returns must load only nodes of this padded size (load() returns false
// for others, which another call handles), zero the padding in load and in rhs.
template <class Make>
void evolve_population_padded(std::size_t padded, const Make& make, double a_y, double a_dydt, double t1,
                              std::size_t begin, std::size_t end) {
  auto run = [&]<std::size_t N>() { integrators::evolve_population<N>(make, a_y, a_dydt, t1, begin, end); };
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
    default:
      throw std::logic_error("evolve_population_padded: no lane stepper for size " + std::to_string(padded));
  }
}

}  // namespace nestkit::misc_ode
