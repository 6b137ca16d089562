#pragma once
// The RKF45 stepper of rkf45.hpp run over W neurons in lock-step: every lane
// holds one neuron with its own time, step size, tolerances and trial/retry
// state, and the right-hand side is evaluated for all lanes at once (one GCC
// vector operation per term instead of W scalar ones, W independent chains for
// the out-of-order core to overlap). Lanes never wait for each other: when a
// neuron has finished its simulation step, its lane takes the next neuron of the
// block at once, so neurons needing many integration steps (near a spike) do
// not stall the others.
//
// Each lane performs exactly the operations the scalar evolve_apply performs,
// in the same order, so every neuron's result is bit-identical to the scalar
// stepper's (and to NEST's GSL run): the only deviation from the scalar
// control flow is that k1 = f(t0, y0) is evaluated again for a lane that
// retries a rejected step, which reproduces the same k1 because the right-hand
// side is a pure function of (t, y) and of lane state changed only between
// accepted steps.
//
// A driver connects a model to the stepper (V = Lanes<W>::V):
//   bool load(int l, std::size_t i, V* y, LaneStart& s);
//       puts node i into lane l of y and its lane parameters; false skips node i
//   void rhs(const V& t, const V* y, V* dydt);      all lanes; cannot fail
//   bool accepted(int l, V* y);
//       after every accepted integration step of lane l (NEST's in-loop spike
//       handling); false ends the node's step at once (runaway guard)
//   void finish(int l, std::size_t i, const V* y, double h);
//       node i's step is over: lane l of y is its state, h its carried step
#include <cstddef>
#include <limits>

#include "integrators/lanes.hpp"
#include "integrators/pow_array.hpp"
#include "integrators/rkf45.hpp"

namespace nestkit::integrators {

// Lanes per stepper on the baseline x86-64 target (SSE2: one register holds two
// doubles; more lanes spill registers). evolve_population picks wider lanes
// where the CPU has AVX2 (4) or AVX-512 (8).
inline constexpr int kLanes = 2;

// A node's carried integration step and its tolerances (GSL's eps_abs, eps_rel).
struct LaneStart {
  double h = 0.0;
  double eps_abs = 0.0;
  double eps_rel = 0.0;
};

// The driver's right-hand side in the form fehlberg_step calls (it cannot fail).
template <class Driver, class V>
struct LaneRhs {
  Driver& d;
  [[gnu::always_inline]] bool operator()(const V& t, const V* y, V* dydt) const {
    d.rhs(t, y, dydt);
    return true;
  }
};

// Advances every node in [begin, end) from t = 0 to t1 (one simulation step),
// as the scalar `while (t < t1) evolve_apply(...)` loop with the driver's hooks.
// a_y and a_dydt select GSL's y_new (1, 0) or yp_new (0, 1) control.
template <std::size_t N, int W, class Driver>
[[gnu::always_inline]] inline void evolve_lanes(Driver& d, double a_y, double a_dydt, double t1, std::size_t begin,
                                                std::size_t end) {
  using V = typename Lanes<W>::V;
  // Idle lanes keep computing on zeros or a finished node's state; never read.
  V y[N] = {}, y0[N] = {}, k1[N] = {}, yerr[N] = {}, dydt_out[N] = {};
  V t0 = {}, h0 = {}, eps_abs = {}, eps_rel = {};
  std::size_t node[W] = {};
  bool live[W] = {};
  std::size_t next = begin;
  int n_live = 0;
  const LaneRhs<Driver, V> f{d};

  auto start = [&](int l) {
    while (next < end) {
      const std::size_t i = next++;
      LaneStart s;
      if (!d.load(l, i, y, s)) continue;
      node[l] = i;
      t0[l] = 0.0;
      h0[l] = s.h;
      eps_abs[l] = s.eps_abs;
      eps_rel[l] = s.eps_rel;
      for (std::size_t k = 0; k < N; ++k) y0[k][l] = y[k][l];
      return true;
    }
    return false;
  };
  for (int l = 0; l < W; ++l) n_live += (live[l] = start(l));

  while (n_live > 0) {
    // One trial step in every lane (evolve_apply's clipping, then rkf45_step).
    d.rhs(t0, y, k1);
    const V dt = t1 - t0;
    const auto final_step = ((dt >= 0.0) & (h0 > dt)) | ((dt < 0.0) & (h0 < dt));
    h0 = final_step ? dt : h0;
    fehlberg_step<N, V>(f, t0, h0, y, yerr, k1, dydt_out);
    const V rmax = error_ratio<N, V>(eps_abs, eps_rel, a_y, a_dydt, y, yerr, dydt_out, h0);
    // The step control's powers for the lanes that need one, in one call (vector pow, the
    // C library's bits); a lane that skips it (below) or keeps its step takes pow(1, 1).
    double base[W], exponent[W], powed[W];
    bool any_power = false;
    for (int l = 0; l < W; ++l) {
      const double e = live[l] && !(t0[l] == 0.0 && final_step[l] && rmax[l] < 0.5) ? control_exponent(rmax[l]) : 0.0;
      base[l] = e == 0.0 ? 1.0 : rmax[l];
      exponent[l] = e == 0.0 ? 1.0 : e;
      powed[l] = 1.0;
      any_power |= e != 0.0;
    }
    if (any_power) pow_array(base, exponent, powed, W);

    // Step control and the model's hooks, lane by lane.
    for (int l = 0; l < W; ++l) {
      if (!live[l]) continue;
      const double h_old = h0[l];
      const double t = final_step[l] ? t1 : t0[l] + h_old;
      double h_next;
      // A lane that crossed its whole simulation step at once (from t0 = 0) and may grow
      // its step carries a proposal r * h_old with r in (1.01, 5], i.e. more than t1: the
      // next step clips any such proposal to t1 and marks it final, so its exact value
      // never matters and GSL's pow() for r (a third of a resting AdEx neuron's step)
      // is skipped. Every state bit stays the scalar stepper's.
      if (t0[l] == 0.0 && final_step[l] && rmax[l] < 0.5) {
        h_next = 5.0 * h_old;
      } else if (propose_step_from(rmax[l], powed[l], h_old, h_next) == Adjust::kDecrease) {
        if (worth_retry(t, h_old, h_next)) {
          h0[l] = h_next;
          for (std::size_t k = 0; k < N; ++k) y[k][l] = y0[k][l];
          continue;
        }
        h_next = h_old;
      }
      if (d.accepted(l, y) && t < t1) {
        t0[l] = t;
        h0[l] = h_next;
        for (std::size_t k = 0; k < N; ++k) y0[k][l] = y[k][l];
        continue;
      }
      d.finish(l, node[l], y, h_next);
      if (!(live[l] = start(l))) --n_live;
    }
  }
}

// The lane width evolve_population uses: 8 with AVX-512, 4 with AVX2 and FMA, else 2;
// NESTKIT_LANES=2|4|8 in the environment caps it (for benchmarks and tests).
// Results do not depend on it: every lane computes the scalar stepper's bits.
int lane_width();

namespace detail {
#if defined(__x86_64__)
// The stepper compiled for a wider instruction set: evolve_lanes and the
// driver's right-hand side are inlined here, so their vector code uses the
// wide registers. Both enable FMA for the explicit fused operations of the exact
// vector exp (exp_lanes.hpp); the library is built with -ffp-contract=off, so the
// compiler fuses nothing else.
template <std::size_t N, class Make>
[[gnu::target("avx512f,fma")]] void evolve_lanes_avx512(const Make& make, double a_y, double a_dydt, double t1,
                                                        std::size_t begin, std::size_t end) {
  auto d = make.template operator()<8>();
  evolve_lanes<N, 8>(d, a_y, a_dydt, t1, begin, end);
}
template <std::size_t N, class Make>
[[gnu::target("avx2,fma")]] void evolve_lanes_avx2(const Make& make, double a_y, double a_dydt, double t1,
                                                   std::size_t begin, std::size_t end) {
  auto d = make.template operator()<4>();
  evolve_lanes<N, 4>(d, a_y, a_dydt, t1, begin, end);
}
#endif
template <std::size_t N, class Make>
void evolve_lanes_sse2(const Make& make, double a_y, double a_dydt, double t1, std::size_t begin, std::size_t end) {
  auto d = make.template operator()<kLanes>();
  evolve_lanes<N, kLanes>(d, a_y, a_dydt, t1, begin, end);
}
}  // namespace detail

// evolve_lanes at the widest lane count the CPU supports. `make` is a generic
// callable, make.template operator()<W>() returning the model's driver for W lanes.
template <std::size_t N, class Make>
void evolve_population(const Make& make, double a_y, double a_dydt, double t1, std::size_t begin, std::size_t end) {
#if defined(__x86_64__)
  switch (lane_width()) {
    case 8:
      return detail::evolve_lanes_avx512<N>(make, a_y, a_dydt, t1, begin, end);
    case 4:
      return detail::evolve_lanes_avx2<N>(make, a_y, a_dydt, t1, begin, end);
  }
#endif
  detail::evolve_lanes_sse2<N>(make, a_y, a_dydt, t1, begin, end);
}

}  // namespace nestkit::integrators
