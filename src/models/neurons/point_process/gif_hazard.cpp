// The batched escape noise of the GIF models (GifPopulation::clamp_and_gather and
// fire_gathered, gif_common.hpp). Built with -fno-trapping-math, so that the clamp's
// selects vectorise; values are unchanged.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/cpu_features.hpp"
#include "core/first_uniforms.hpp"
#include "integrators/exp_array.hpp"
#include "integrators/nest_expm1.hpp"
#include "models/neurons/point_process/gif_common.hpp"

namespace nestkit::gif {

namespace {

// fire_or_clamp's clamp for nodes [b, e) without a branch: refractory nodes count down
// and sit at V_reset; the others keep V and get x = (V - E_sfa) / Delta_V (-inf for the
// refractory, which never fire).
[[gnu::always_inline]] inline void clamp_rows(double* __restrict V, double* __restrict refr,
                                              const double* __restrict esfa, const double* __restrict dv,
                                              const double* __restrict reset, double* __restrict x, std::size_t b,
                                              std::size_t e) {
#pragma GCC ivdep
  for (std::size_t i = b; i < e; ++i) {
    const double v = V[i], r = refr[i], xi = (v - esfa[i]) / dv[i], v_reset = reset[i];
    const bool active = r == 0.0;
    V[i] = active ? v : v_reset;
    refr[i] = active ? r : r - 1.0;
    x[i - b] = active ? xi : -std::numeric_limits<double>::infinity();
  }
}
NESTKIT_TARGET_AVX2 void clamp_rows_avx2(double* V, double* refr, const double* esfa, const double* dv,
                                         const double* reset, double* x, std::size_t b, std::size_t e) {
  clamp_rows(V, refr, esfa, dv, reset, x, b, e);
}
void clamp_rows_base(double* V, double* refr, const double* esfa, const double* dv, const double* reset, double* x,
                     std::size_t b, std::size_t e) {
  clamp_rows(V, refr, esfa, dv, reset, x, b, e);
}

// bound[k] = lambda_0 h 2^ceil(x log2 e) (1 + 1e-12) >= p for gathered node k (see
// fire_gathered). The power of two is built from its bits: the clamped exponent plus
// 1023, added to 2^52, sits in the low bits of the double (exponents below -1022 give
// 2^-1022, above 1023 infinity: still bounds from above). No branch, so it vectorises.
[[gnu::always_inline]] inline void bound_rows(const double* __restrict x, const uint32_t* __restrict node,
                                              const double* __restrict lambda, double h, double* __restrict bound,
                                              std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    const double e = std::clamp(std::ceil(x[k] * 1.4426950408889634 + 1e-9), -1022.0, 1024.0);
    const uint64_t biased = std::bit_cast<uint64_t>(e + (1023.0 + 0x1p52));
    bound[k] = lambda[node[k]] * h * std::bit_cast<double>(biased << 52) * (1 + 1e-12);
  }
}
NESTKIT_TARGET_AVX2 void bound_rows_avx2(const double* x, const uint32_t* node, const double* lambda, double h,
                                         double* bound, std::size_t n) {
  bound_rows(x, node, lambda, h, bound, n);
}
void bound_rows_base(const double* x, const uint32_t* node, const double* lambda, double h, double* bound,
                     std::size_t n) {
  bound_rows(x, node, lambda, h, bound, n);
}

}  // namespace

void GifPopulation::clamp_and_gather(std::size_t begin, std::size_t end, Gathered& g) {
  g.x_all.resize(end - begin);
  (use_avx2() ? clamp_rows_avx2 : clamp_rows_base)(num_[V_m].data(), num_[r].data(), num_[E_sfa].data(),
                                                   num_[Delta_V].data(), num_[V_reset].data(), g.x_all.data(), begin,
                                                   end);
  // The nodes that may fire, appended without a branch (x >= the silent bound: NaN and
  // -inf are not).
  g.node.resize(end - begin);
  g.x.resize(end - begin);
  std::size_t count = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const double x = g.x_all[i - begin];
    g.node[count] = static_cast<uint32_t>(i);
    g.x[count] = x;
    count += x >= silent_below_[i];
  }
  g.node.resize(count);
  g.x.resize(count);
}

// fire_or_clamp's draw for each gathered node. The spike probability p = -expm1(-lambda h)
// (NEST's numerics::expm1, nest_expm1.hpp) is only compared with the uniform u (and with
// 2^-53), so 1 - exp(-lambda h) stands in for it unless u lies within kBand of it: the two
// differ by less than 2e-15 (p <= 1/2 summed by a series of at most ~20 terms, each
// addition within half an ulp; or exp(x) - 1; exp within an ulp), so elsewhere the verdict
// is the same, and within the band (about one draw in 10^14) p itself decides.
void GifPopulation::fire_gathered(StepContext& ctx, long step, Gathered& g) {
  constexpr double kBand = 1e-14;
  std::size_t n = g.node.size();
  // One stream per node and step: the draw does not depend on threads or chunking.
  g.id.resize(n);
  g.draw.resize(n);
  for (std::size_t k = 0; k < n; ++k) g.id[k] = first_gid_ + g.node[k];
  first_uniforms(seed_, Purpose::kPointProcess, g.id.data(), static_cast<uint64_t>(step), n, g.draw.data());
  // p <= lambda h = lambda_0 h exp(x) <= lambda_0 h 2^ceil(x log2 e) (times 1 + 1e-12, far
  // above the roundings of exp, expm1 and the products): a draw at or above that bound
  // fires no spike, whatever p's last bits, and needs no exp. Most nodes near rest go here.
  g.rate.resize(n);  // the bounds, for now
  (use_avx2() ? bound_rows_avx2 : bound_rows_base)(g.x.data(), g.node.data(), lambda_ms_.data(), h_, g.rate.data(), n);
  std::size_t kept = 0;
  for (std::size_t k = 0; k < n; ++k) {
    g.node[kept] = g.node[k];
    g.x[kept] = g.x[k];
    g.draw[kept] = g.draw[k];
    kept += !(g.draw[k] >= g.rate[k]);
  }
  n = kept;
  g.rate.resize(n);
  g.stay.resize(n);
  integrators::exp_array(g.x.data(), g.rate.data(), n);  // std::exp's bits
  for (std::size_t k = 0; k < n; ++k) {
    g.rate[k] = lambda_ms_[g.node[k]] * g.rate[k];
    g.stay[k] = -g.rate[k] * h_;
  }
  integrators::exp_array(g.stay.data(), g.stay.data(), n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = g.node[k];
    const double u = g.draw[k], p_near = 1.0 - g.stay[k];
    bool fire;
    if (u >= p_near + kBand) {
      fire = false;
    } else if (u < p_near - kBand && p_near - kBand > 0x1p-53) {
      fire = true;
    } else {
      const double p = -integrators::nest_expm1(-g.rate[k] * h_);
      fire = p > 0x1p-53 && u < p;
    }
    if (fire) {
      stc_.jump_node(i);
      sfa_.jump_node(i);
      num_[r][i] = num_[refr_counts][i];
      emit(ctx, i, step + 1);
    }
  }
  g.node.clear();
  g.x.clear();
}

}  // namespace nestkit::gif
