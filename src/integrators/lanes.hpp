#pragma once
// Lane values: W neurons' doubles side by side in one GCC vector, so that a
// model's right-hand side, written once as a template on its value type, runs
// on one neuron (V = double) or on W neurons at once (V = Lanes<W>::V). Every
// operation acts lane by lane with IEEE semantics, so each lane computes the
// same bits the scalar code computes; transcendental functions are evaluated
// lane by lane with the C library, as NEST does, except exp at 4 lanes,
// which a vector function computes with the C library's bits (exp_lanes.hpp).
// (The library is compiled with -ffp-contract=off: a fused multiply-add the
// compiler chose in one path only would break that; exp4's are explicit.)
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "integrators/exp_lanes.hpp"

namespace nestkit::integrators {

template <int W>
struct Lanes {
  static_assert(W >= 2 && (W & (W - 1)) == 0, "lane count must be a power of two");
  typedef double V __attribute__((vector_size(W * sizeof(double))));
  typedef std::int64_t Mask __attribute__((vector_size(W * sizeof(double))));
};

// A GCC vector of doubles (subscriptable, not arithmetic).
template <class V>
concept LaneVector = !std::is_arithmetic_v<V> && requires(V v) {
  { v[0] } -> std::convertible_to<double>;
};

template <class V>
inline constexpr int lane_count = sizeof(V) / sizeof(double);

template <class V>
[[gnu::always_inline]] inline V splat(double x) {
  if constexpr (LaneVector<V>) {
    V r;
    for (int l = 0; l < lane_count<V>; ++l) r[l] = x;
    return r;
  } else {
    return x;
  }
}

// std::min's definition, (b < a) ? b : a, lane by lane (same NaN behaviour).
template <class V>
[[gnu::always_inline]] inline V lane_min(V a, V b) {
  return b < a ? b : a;
}
template <class V>
[[gnu::always_inline]] inline V lane_max(V a, V b) {
  return a < b ? b : a;
}

// `cond ? a : b` for a lane mask or a bool.
template <class C, class V>
[[gnu::always_inline]] inline V select(C cond, V a, V b) {
  return cond ? a : b;
}

inline double lane_exp(double x) { return std::exp(x); }
template <LaneVector V>
[[gnu::always_inline]] inline V lane_exp(V x) {
  V r;
  for (int l = 0; l < lane_count<V>; ++l) r[l] = std::exp(x[l]);
  return r;
}

// 4 lanes (the AVX2 stepper) and 8 (the AVX-512 one, as two halves of 4), both
// compiled with FMA: the vector exp that returns the C library's bits
// (exp_lanes.hpp) where it is proven to. Its operations are lane by lane, so the
// width of the registers that carry them changes no bit.
template <LaneVector V>
  requires(lane_count<V> == 4)
[[gnu::always_inline]] inline V lane_exp(V x) {
  if (exact_exp_lanes()) return reinterpret_cast<V>(exp_detail::exp4(reinterpret_cast<exp_detail::V4>(x)));
  V r;
  for (int l = 0; l < 4; ++l) r[l] = std::exp(x[l]);
  return r;
}
template <LaneVector V>
  requires(lane_count<V> == 8)
[[gnu::always_inline]] inline V lane_exp(V x) {
  V r;
  if (exact_exp_lanes()) {
    exp_detail::V4 lo, hi;
    for (int l = 0; l < 4; ++l) {
      lo[l] = x[l];
      hi[l] = x[l + 4];
    }
    lo = exp_detail::exp4(lo);
    hi = exp_detail::exp4(hi);
    for (int l = 0; l < 4; ++l) {
      r[l] = lo[l];
      r[l + 4] = hi[l];
    }
    return r;
  }
  for (int l = 0; l < 8; ++l) r[l] = std::exp(x[l]);
  return r;
}

inline double lane_abs(double x) { return std::fabs(x); }
template <LaneVector V>
[[gnu::always_inline]] inline V lane_abs(V x) {
  // fabs clears the sign bit; so does this, in every lane.
  using Bits = typename Lanes<lane_count<V>>::Mask;
  return reinterpret_cast<V>(reinterpret_cast<Bits>(x) & static_cast<std::int64_t>(0x7fffffffffffffffLL));
}

}  // namespace nestkit::integrators
