#pragma once
// pow() of 4 lanes at once that returns, in every lane, exactly the bits of the C
// library's scalar pow(), so that plastic synapses computed side by side stay
// bit-identical to NEST (which calls the scalar pow per synapse).
//
// glibc (2.28 and later) computes pow(x, y) as exp(y log x) with Szabolcs Nagy's
// method (ARM's optimized-routines): log x = k ln2 + log c + log1p(z/c - 1) with a
// 128-entry table of c (tools/make_pow_table.py computes it from the mathematics)
// and a degree-8 polynomial, carried with about 15 extra bits; then the exp
// algorithm of exp_lanes.hpp with that tail added to its reduced argument. On
// x86-64 CPUs with FMA and AVX2 glibc runs its FMA build, whose fused operations
// we read from its machine code; pow4 performs the same IEEE operations in the same
// order on every lane. Lanes off the main path (x not positive and normal,
// |y| < 2^-65 or >= 2^63, results near overflow or underflow) call std::pow.
// Whether the process's pow is that code is checked once at run time
// (pow_array.cpp), as for exp.
#include "integrators/exp_lanes.hpp"

namespace nestkit::integrators::pow_detail {

inline constexpr int kLogTableSize = 128;
extern const double kLogTable[kLogTableSize][3];           // {1/c, logc, logctail}
inline constexpr std::uint64_t kOff = 0x3fe6955500000000;  // bits of the start of z's range
inline constexpr double kLn2Hi = 0x1.62e42fefa3800p-1;
inline constexpr double kLn2Lo = 0x1.ef35793c76730p-45;
// The log polynomial's coefficients, scaled as the evaluation uses them.
inline constexpr double kA0 = -0x1p-1;
inline constexpr double kA1 = -0x1.555555555556p-1;
inline constexpr double kA2 = 0x1.0000000000006p-1;
inline constexpr double kA3 = 0x1.999999959554ep-1;
inline constexpr double kA4 = -0x1.555555529a47ap-1;
inline constexpr double kA5 = -0x1.2495b9b4845e9p+0;
inline constexpr double kA6 = 0x1.0002b8b263fc3p+0;

using exp_detail::fma4;
using exp_detail::M4;
using exp_detail::U4;
using exp_detail::V4;

// The FMA build's operation sequence, lane by lane (see the header comment).
[[gnu::always_inline]] inline V4 pow4(V4 x, V4 y) {
  namespace ed = exp_detail;
  const U4 ix = reinterpret_cast<U4>(x), iy = reinterpret_cast<U4>(y);
  M4 off_path = ((ix >> 52) - 1 >= 0x7fe) | (((iy >> 52) & 0x7ff) - 0x3be >= 0x80);

  // log x = k ln2 + log c + log1p(r), x = 2^k z, r = z/c - 1 (exact), as hi + lo.
  const U4 tmp = ix - kOff;
  const U4 i = (tmp >> 45) & (kLogTableSize - 1);
  const M4 k = reinterpret_cast<M4>(tmp) >> 52;
  const V4 z = reinterpret_cast<V4>(ix - (tmp & (0xfffull << 52)));
  V4 kd, invc, logc, logctail;
  for (int l = 0; l < 4; ++l) {
    kd[l] = static_cast<double>(static_cast<int>(k[l]));
    invc[l] = kLogTable[i[l]][0];
    logc[l] = kLogTable[i[l]][1];
    logctail[l] = kLogTable[i[l]][2];
  }
  const V4 r = fma4(z, invc, V4{} - 1.0);
  const V4 t1 = fma4(kd, V4{} + kLn2Hi, logc);
  const V4 t2 = t1 + r;
  const V4 lo1 = fma4(kd, V4{} + kLn2Lo, logctail);
  const V4 lo2 = (t1 - t2) + r;
  const V4 ar = r * kA0;
  const V4 ar2 = r * ar;
  const V4 ar3 = r * ar2;
  const V4 hi = t2 + ar2;
  const V4 lo3 = fma4(ar, r, -ar2);
  const V4 lo4 = (t2 - hi) + ar2;
  const V4 q12 = fma4(r, V4{} + kA2, V4{} + kA1);
  const V4 q34 = fma4(r, V4{} + kA4, V4{} + kA3);
  const V4 q56 = fma4(r, V4{} + kA6, V4{} + kA5);
  const V4 q = fma4(ar2, fma4(q56, ar2, q34), q12);
  const V4 lo = fma4(ar3, q, ((lo1 + lo2) + lo3) + lo4);
  const V4 log_hi = hi + lo;
  const V4 log_lo = (hi - log_hi) + lo;

  // y log x = ehi + elo.
  const V4 ehi = y * log_hi;
  const V4 elo = fma4(y, log_lo, fma4(log_hi, y, -ehi));

  // exp(ehi + elo): exp4's steps with elo added to the reduced argument.
  off_path |= (((reinterpret_cast<U4>(ehi) >> 52) & 0x7ff) - 0x3c9) > 0x3e;
  V4 ekd = fma4(ehi, V4{} + ed::kInvLn2N, V4{} + ed::kShift);
  const U4 ki = reinterpret_cast<U4>(ekd);
  ekd = ekd - ed::kShift;
  V4 er = fma4(ekd, V4{} + ed::kNegLn2HiN, ehi);
  er = fma4(ekd, V4{} + ed::kNegLn2LoN, er);
  er = elo + er;
  V4 result = ed::exp4_reduced(er, ki);
  if (off_path[0] | off_path[1] | off_path[2] | off_path[3])
    for (int l = 0; l < 4; ++l)
      if (off_path[l]) result[l] = std::pow(x[l], y[l]);
  return result;
}

}  // namespace nestkit::integrators::pow_detail
