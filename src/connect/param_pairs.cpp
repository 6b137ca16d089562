// ParamProgram::eval_pairs: a spatial kernel evaluated for one owner and a batch of
// candidates, op by op over arrays instead of one tree walk per pair. Each value is
// computed by the same operations in the same order as run() (the library is built
// without contraction into fused multiply-adds), so the results are bit-identical;
// only pair functions qualify, so no random number is drawn here.
#include <algorithm>
#include <cmath>
#include <vector>

#include "connect/param_program.hpp"
#include "core/cpu_features.hpp"
#include "integrators/exp_array.hpp"
#include "nestkit/spatial.hpp"

namespace nestkit {

namespace {
constexpr std::size_t kChunk = 256;  // pairs per pass: every node's values stay in L1/L2

// std::round (halves away from zero) by truncation: x - trunc(x) is exact, so this
// is round()'s value, sign of zero included (t + copysign(0, x) is t), and as a select
// between constants it vectorises (vroundpd, a blend).
[[gnu::always_inline]] inline double round_exact(double x) {
  const double t = std::trunc(x);
  const double away = std::abs(x - t) >= 0.5 ? 1.0 : 0.0;
  return t + std::copysign(away, x);
}

typedef double V4 __attribute__((vector_size(32)));
typedef long long M4 __attribute__((vector_size(32)));

// Whether |d[m] * inv| >= 1/2 for some m (NaN never), four lanes at a time.
[[gnu::always_inline]] inline bool any_half_or_more(const double* d, std::size_t len, double inv) {
  M4 hit{};
  std::size_t m = 0;
  for (; m + 4 <= len; m += 4) {
    V4 x;
    __builtin_memcpy(&x, d + m, sizeof x);
    x *= inv;
    hit |= (x >= 0.5) | (x <= -0.5);
  }
  bool any = (hit[0] | hit[1] | hit[2] | hit[3]) != 0;
  for (; m < len; ++m) any |= std::abs(d[m] * inv) >= 0.5;
  return any;
}

// One axis of target - source for pairs [m0, m0 + len), as Layer::displacement_axis.
[[gnu::always_inline]] inline void displacement(const ParamProgram::Pairs& pairs, std::size_t m0, std::size_t len,
                                                int axis, double* d) {
  const spatial::Layer& layer = *pairs.layer;
  const double own = pairs.owner[axis];
  const double* other = pairs.other[axis] + m0;
  if (pairs.owner_is_source)
    for (std::size_t m = 0; m < len; ++m) d[m] = other[m] - own;
  else
    for (std::size_t m = 0; m < len; ++m) d[m] = own - other[m];
  if (layer.periodic()) {
    const double ext = layer.extent()[axis], inv = 1 / ext;
    // Where |d / ext| < 1/2 for the whole chunk (a mask smaller than half the layer,
    // away from its edges) the rounding gives zero and d stays (at most the sign of a
    // zero changes, which the distances square or take the absolute value of).
    if (any_half_or_more(d, len, inv))
      for (std::size_t m = 0; m < len; ++m) d[m] -= ext * round_exact(d[m] * inv);
  }
}

}  // namespace

bool ParamProgram::pair_function() const {
  for (const Node& n : nodes_) switch (n.op) {
      case Op::kUniform:
      case Op::kNormal:
      case Op::kLognormal:
      case Op::kExponential:
      case Op::kUniformInt:
      case Op::kTree:
      case Op::kRedraw:
        return false;
      default:
        break;
    }
  return true;
}

[[gnu::always_inline]] inline void ParamProgram::eval_chunk(const Pairs& pairs, std::size_t m0, std::size_t len,
                                                            double* scratch) const {
  const spatial::Layer& layer = *pairs.layer;
  const int dim = layer.dim();
  // Children have larger indices than their parents (add() appends them after).
  for (std::size_t i = nodes_.size(); i-- > 0;) {
    const Node& n = nodes_[i];
    double* v = scratch + i * kChunk;
    const double* x = n.args[0] >= 0 ? scratch + n.args[0] * kChunk : nullptr;
    const double* y = n.args[1] >= 0 ? scratch + n.args[1] * kChunk : nullptr;
    const double* z = n.args[2] >= 0 ? scratch + n.args[2] * kChunk : nullptr;
    switch (n.op) {
      case Op::kConstant:
        std::fill(v, v + len, n.a);
        break;
      case Op::kDistance: {
        double d[kChunk];
        std::fill(v, v + len, 0.0);
        for (int a = 0; a < dim; ++a) {
          displacement(pairs, m0, len, a, d);
          for (std::size_t m = 0; m < len; ++m) v[m] += d[m] * d[m];
        }
        for (std::size_t m = 0; m < len; ++m) v[m] = std::sqrt(v[m]);
        break;
      }
      case Op::kDistanceAxis:
        displacement(pairs, m0, len, n.axis, v);
        for (std::size_t m = 0; m < len; ++m) v[m] = std::abs(v[m]);
        break;
      case Op::kSourcePos:
      case Op::kTargetPos:
        if ((n.op == Op::kSourcePos) == pairs.owner_is_source)
          std::fill(v, v + len, pairs.owner[n.axis]);
        else
          std::copy(pairs.other[n.axis] + m0, pairs.other[n.axis] + m0 + len, v);
        break;
      case Op::kConditional:
        for (std::size_t m = 0; m < len; ++m) v[m] = x[m] != 0.0 ? y[m] : z[m];
        break;
      case Op::kNeg:
        for (std::size_t m = 0; m < len; ++m) v[m] = -x[m];
        break;
      case Op::kExp:
        integrators::exp_array(x, v, len);
        break;
      case Op::kSin:
        for (std::size_t m = 0; m < len; ++m) v[m] = std::sin(x[m]);
        break;
      case Op::kCos:
        for (std::size_t m = 0; m < len; ++m) v[m] = std::cos(x[m]);
        break;
      case Op::kPow:
        for (std::size_t m = 0; m < len; ++m) v[m] = std::pow(x[m], n.a);
        break;
      case Op::kMin:
        for (std::size_t m = 0; m < len; ++m) v[m] = std::min(x[m], n.a);
        break;
      case Op::kMax:
        for (std::size_t m = 0; m < len; ++m) v[m] = std::max(x[m], n.a);
        break;
      case Op::kGauss:
        for (std::size_t m = 0; m < len; ++m) {
          const double dx = x[m] - n.a;
          v[m] = -dx * dx * n.c;
        }
        integrators::exp_array(v, v, len);
        break;
      case Op::kExpo:
        for (std::size_t m = 0; m < len; ++m) v[m] = -x[m] * n.c;
        integrators::exp_array(v, v, len);
        break;
      case Op::kGamma:
        for (std::size_t m = 0; m < len; ++m) v[m] = std::pow(x[m], n.a - 1.) * std::exp(-1. * n.c * x[m]) * n.d;
        break;
      case Op::kAdd:
        for (std::size_t m = 0; m < len; ++m) v[m] = x[m] + y[m];
        break;
      case Op::kSub:
        for (std::size_t m = 0; m < len; ++m) v[m] = x[m] - y[m];
        break;
      case Op::kMul:
        for (std::size_t m = 0; m < len; ++m) v[m] = x[m] * y[m];
        break;
      case Op::kDiv:
        for (std::size_t m = 0; m < len; ++m) v[m] = x[m] / y[m];
        break;
      case Op::kLt:
        for (std::size_t m = 0; m < len; ++m) v[m] = x[m] < y[m];
        break;
      case Op::kLe:
        for (std::size_t m = 0; m < len; ++m) v[m] = x[m] <= y[m];
        break;
      case Op::kEq:
        for (std::size_t m = 0; m < len; ++m) v[m] = x[m] == y[m];
        break;
      case Op::kNe:
        for (std::size_t m = 0; m < len; ++m) v[m] = x[m] != y[m];
        break;
      case Op::kGe:
        for (std::size_t m = 0; m < len; ++m) v[m] = x[m] >= y[m];
        break;
      case Op::kGt:
        for (std::size_t m = 0; m < len; ++m) v[m] = x[m] > y[m];
        break;
      case Op::kGauss2d:
        for (std::size_t m = 0; m < len; ++m) {
          const double dx = x[m] - n.a, dy = y[m] - n.b;
          v[m] = -dx * dx * n.c - dy * dy * n.d + dx * dy * n.e;
        }
        integrators::exp_array(v, v, len);
        break;
      case Op::kGabor:
        for (std::size_t m = 0; m < len; ++m) v[m] = spatial::gabor(x[m], y[m], n.a, n.b, n.c, n.d, n.e, n.f);
        break;
      default:  // random leaves, node values, redraw: excluded by pair_function()
        break;
    }
  }
}

NESTKIT_TARGET_AVX2 void ParamProgram::eval_chunk_avx2(const Pairs& pairs, std::size_t m0, std::size_t len,
                                                       double* scratch) const {
  eval_chunk(pairs, m0, len, scratch);
}

bool ParamProgram::distance_kernel() const {
  return nodes_.size() == 2 && (nodes_[0].op == Op::kGauss || nodes_[0].op == Op::kExpo) && nodes_[0].args[0] == 1 &&
         nodes_[1].op == Op::kDistance;
}

// eval_chunk's operations for a Gaussian or exponential of the distance, in fewer passes:
// each axis's displacement (wrapped as displacement() does) squared into the sum, then
// the square root and the kernel's argument in one loop, then exp in place.
[[gnu::always_inline]] inline void ParamProgram::distance_kernel_chunk(const Pairs& pairs, std::size_t m0,
                                                                       std::size_t len, double* out) const {
  const spatial::Layer& layer = *pairs.layer;
  const Node& kn = nodes_[0];
  double sum[kChunk], d[kChunk];
  for (int a = 0; a < layer.dim(); ++a) {
    displacement(pairs, m0, len, a, d);  // loops without a condition inside: each vectorises
    if (a == 0)
      for (std::size_t m = 0; m < len; ++m) sum[m] = 0.0 + d[m] * d[m];
    else
      for (std::size_t m = 0; m < len; ++m) sum[m] += d[m] * d[m];
  }
  if (kn.op == Op::kGauss) {
    for (std::size_t m = 0; m < len; ++m) {
      const double dx = std::sqrt(sum[m]) - kn.a;
      out[m] = -dx * dx * kn.c;
    }
  } else {
    for (std::size_t m = 0; m < len; ++m) out[m] = -std::sqrt(sum[m]) * kn.c;
  }
  integrators::exp_array(out, out, len);
}

NESTKIT_TARGET_AVX2 void ParamProgram::distance_kernel_chunk_avx2(const Pairs& pairs, std::size_t m0, std::size_t len,
                                                                  double* out) const {
  distance_kernel_chunk(pairs, m0, len, out);
}

void ParamProgram::eval_pairs(const Pairs& pairs, double* out) const {
  const bool avx2 = use_avx2();
  if (distance_kernel()) {
    for (std::size_t m0 = 0; m0 < pairs.n; m0 += kChunk) {
      const std::size_t len = std::min(kChunk, pairs.n - m0);
      if (avx2)
        distance_kernel_chunk_avx2(pairs, m0, len, out + m0);
      else
        distance_kernel_chunk(pairs, m0, len, out + m0);
    }
    return;
  }
  thread_local std::vector<double> scratch;
  scratch.resize(nodes_.size() * kChunk);
  for (std::size_t m0 = 0; m0 < pairs.n; m0 += kChunk) {
    const std::size_t len = std::min(kChunk, pairs.n - m0);
    if (avx2)
      eval_chunk_avx2(pairs, m0, len, scratch.data());
    else
      eval_chunk(pairs, m0, len, scratch.data());
    std::copy(scratch.data(), scratch.data() + len, out + m0);
  }
}

}  // namespace nestkit
