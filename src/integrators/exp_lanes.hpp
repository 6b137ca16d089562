#pragma once
// exp() of 4 or 8 lanes at once that returns, in every lane, exactly the bits of
// the C library's scalar exp(), so that vectorised models stay bit-identical to
// NEST (which calls the scalar exp).
//
// glibc (2.28 and later) computes exp with Szabolcs Nagy's table method (ARM's
// optimized-routines): k = round(x * 128 / ln 2), r = x - k ln2/128 in two parts,
// exp(x) = 2^(k/128) * (1 + tail + r + r^2 p(r)) with a 128-entry table of
// 2^(j/128). On x86-64 CPUs with FMA and AVX2 it runs its FMA build of that code
// (__exp_fma), whose fused operations we read from its machine code. The function
// below performs the same IEEE operations in the same order on every lane, with
// the same constants and a table computed from the mathematics
// (tools/make_exp_table.py), so each lane's result has the scalar call's bits.
// Lanes outside the main range (|x| < 2^-54, |x| >= 512, NaN) call std::exp.
//
// Whether the process's exp is that code is a property of the C library found at
// run time, so exact_exp_lanes() checks it once (CPU features as glibc selects
// its variant, then a comparison over a large sample of arguments) and the
// callers fall back to lane-by-lane std::exp when it does not hold.
#include <cmath>
#include <cstdint>

namespace nestkit::integrators {

namespace exp_detail {
inline constexpr int kTableSize = 128;
extern const std::uint64_t kTable[2 * kTableSize];
inline constexpr double kInvLn2N = 0x1.71547652b82fep+7;  // 128 / ln 2
inline constexpr double kShift = 0x1.8p52;                // rounds to an integer when added
inline constexpr double kNegLn2HiN = -0x1.62e42fefa0000p-8;
inline constexpr double kNegLn2LoN = -0x1.cf79abc9e3b3ap-47;
inline constexpr double kC2 = 0x1.ffffffffffdbdp-2;
inline constexpr double kC3 = 0x1.555555555543cp-3;
inline constexpr double kC4 = 0x1.55555cf172b91p-5;
inline constexpr double kC5 = 0x1.1111167a4d017p-7;

typedef double V4 __attribute__((vector_size(32)));
typedef std::uint64_t U4 __attribute__((vector_size(32)));
typedef std::int64_t M4 __attribute__((vector_size(32)));
}  // namespace exp_detail

// Whether exp4 returns std::exp's bits in this process (the check; see above).
bool decide_exact_exp_lanes();
// The decision, made once; inline, since the steppers ask at every exp.
inline bool exact_exp_lanes() {
  static const bool exact = decide_exact_exp_lanes();
  return exact;
}

namespace exp_detail {

// Fused multiply-add lane by lane. __builtin_fma carries no target attribute, so
// this inlines anywhere; in the FMA-enabled AVX2 stepper it becomes vfmadd
// instructions, elsewhere a call of the C library's fma (same bits, slower).
[[gnu::always_inline]] inline V4 fma4(V4 a, V4 b, V4 c) {
  V4 r;
  for (int l = 0; l < 4; ++l) r[l] = __builtin_fma(a[l], b[l], c[l]);
  return r;
}

// exp(x) from its reduction x = k ln2/128 + r (ki: the bits whose low part is k):
// 2^(k/128) from the table times the polynomial of r, as the FMA build computes it.
[[gnu::always_inline]] inline V4 exp4_reduced(V4 r, U4 ki) {
  const U4 idx = (ki & 127) * 2;
  V4 tail;
  U4 sbits;
  for (int l = 0; l < 4; ++l) {
    tail[l] = __builtin_bit_cast(double, kTable[idx[l]]);
    sbits[l] = kTable[idx[l] + 1];
  }
  sbits += ki << 45;
  const V4 t = r + tail;
  const V4 r2 = r * r;
  const V4 a = fma4(r, V4{} + kC3, V4{} + kC2);
  const V4 b = fma4(r, V4{} + kC5, V4{} + kC4);
  const V4 u = fma4(a, r2, t);
  const V4 tmp = fma4(r2 * r2, b, u);
  const V4 scale = reinterpret_cast<V4>(sbits);
  return fma4(scale, tmp, scale);
}

// The FMA build's operation sequence, lane by lane (see the header comment).
[[gnu::always_inline]] inline V4 exp4(V4 x) {
  const U4 abstop = (reinterpret_cast<U4>(x) >> 52) & 0x7ff;
  const M4 outside = (abstop - 0x3c9) > 0x3e;  // unsigned: |x| < 2^-54 or |x| >= 512 or not finite
  V4 kd = fma4(x, V4{} + kInvLn2N, V4{} + kShift);
  const U4 ki = reinterpret_cast<U4>(kd);
  kd = kd - kShift;
  V4 r = fma4(kd, V4{} + kNegLn2HiN, x);
  r = fma4(kd, V4{} + kNegLn2LoN, r);
  V4 y = exp4_reduced(r, ki);
  if (outside[0] | outside[1] | outside[2] | outside[3])
    for (int l = 0; l < 4; ++l)
      if (outside[l]) y[l] = std::exp(x[l]);
  return y;
}

}  // namespace exp_detail

}  // namespace nestkit::integrators
