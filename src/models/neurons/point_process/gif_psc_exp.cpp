// gif_psc_exp: generalized integrate-and-fire neuron with exponentially decaying
// synaptic currents and escape noise, as NEST 3.10's model (gif_common.hpp has the
// kernels and the hazard). V is integrated exactly; the synaptic currents decay and
// take the step's input before they drive V.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "core/cpu_features.hpp"
#include "integrators/iaf_propagator.hpp"
#include "integrators/nest_expm1.hpp"
#include "models/neurons/blocked_update.hpp"
#include "models/neurons/point_process/gif_common.hpp"
#include "models/neurons/point_process/models.hpp"

namespace nestkit {
namespace {

enum Col : int {
  tau_syn_ex = gif::kCommonEnd,
  tau_syn_in,
  // internals: synaptic currents and the propagators derived before each run
  i_ex,
  i_in,
  P11ex,
  P11in,
  P21ex,
  P21in,
  P30,
  P31,
  P33,
};
enum Rec : int { kV_m, kE_sfa, kI_stc, kI_syn_ex, kI_syn_in };
enum Channel : int { kEx, kIn, kCurrent, kChannels };

class GifPscExp final : public gif::GifPopulation {
 public:
  using GifPopulation::GifPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    prepare_gif(rc);
    const double h = h_;
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      const double tau_m = c(gif::C_m) / c(gif::g_L);
      c(P11ex) = std::exp(-h / c(tau_syn_ex));
      c(P11in) = std::exp(-h / c(tau_syn_in));
      c(P21ex) = integrators::IafPropagator(c(tau_syn_ex), tau_m, c(gif::C_m)).p32(h);
      c(P21in) = integrators::IafPropagator(c(tau_syn_in), tau_m, c(gif::C_m)).p32(h);
      c(P33) = std::exp(-h / tau_m);
      c(P30) = -1 / c(gif::C_m) * integrators::nest_expm1(-h / tau_m) * tau_m;
      c(P31) = -integrators::nest_expm1(-h / tau_m);
    }
    // Equal parameters for all nodes (a Create with defaults or one value each): the
    // step reads them once instead of a column each (bit patterns compared, so -0.0 and
    // 0.0 stay apart).
    uniform_ = true;
    for (int k :
         {int(P11ex), int(P11in), int(P21ex), int(P21in), int(P30), int(P31), int(P33), int(gif::I_e), int(gif::E_L)})
      uniform_ = uniform_ && std::all_of(num_[k].begin(), num_[k].end(), [&](double x) {
                   return std::bit_cast<uint64_t>(x) == std::bit_cast<uint64_t>(num_[k][0]);
                 });
  }

  // Each step in passes over the range: the kernels (adapt), then the currents and V
  // (step_rows), then the refractory clamp and the gathering of nodes that may fire,
  // then their draws. Per node the operations and their order are the one-pass loop's.
  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    Gathered gathered;  // this range's (threads update ranges side by side)
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      adapt_range(begin, end);
      if (use_avx2())
        uniform_ ? step_rows_avx2<true>(step, begin, end) : step_rows_avx2<false>(step, begin, end);
      else
        uniform_ ? step_rows_base<true>(step, begin, end) : step_rows_base<false>(step, begin, end);
      clamp_and_gather(begin, end, gathered);
      fire_gathered(ctx, step, gathered);
      sample(step, begin, end);
    }
  }

  // NEST sends weights >= 0 to the excitatory current; a zero weight adds nothing either way.
  void deliver_spikes(const SpikeBatch& b) override { deliver_sign_split(b, kEx, kIn); }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int k, std::size_t i) const override {
    static constexpr int kCols[] = {gif::V_m, gif::E_sfa, gif::I_stc, i_ex, i_in};
    return num_[kCols[k]][i];
  }

 private:
  // The currents and the free membrane update of nodes [b, e) for one step, without
  // branches so that it vectorises: refractory nodes compute V too and keep their old
  // value. NEST's operations in NEST's order per node.
  template <bool U>
  [[gnu::always_inline]] inline void step_rows(long step, std::size_t b, std::size_t e) {
    double* __restrict V = col(gif::V_m);
    double* __restrict Iex = col(i_ex);
    double* __restrict Iin = col(i_in);
    double* __restrict Istim = col(gif::I_stim);
    const blocked::Const<U> p11e(col(P11ex)), p11i(col(P11in)), p21e(col(P21ex)), p21i(col(P21in));
    const blocked::Const<U> p30(col(P30)), p31(col(P31)), p33(col(P33)), ie(col(gif::I_e)), el(col(gif::E_L));
    const double* __restrict stc = col(gif::I_stc);
    const double* __restrict refr = col(gif::r);
    double* __restrict in_ex = input_.row(kEx, step);
    double* __restrict in_in = input_.row(kIn, step);
    double* __restrict in_cur = input_.row(kCurrent, step);
#pragma GCC ivdep
    for (std::size_t i = b; i < e; ++i) {
      const double v = V[i], stim = Istim[i], r = refr[i];
      const double iex = Iex[i] * p11e[i] + in_ex[i];
      const double iin = Iin[i] * p11i[i] + in_in[i];
      const double v_free =
          p30[i] * (stim + ie[i] - stc[i]) + p33[i] * v + p31[i] * el[i] + iex * p21e[i] + iin * p21i[i];
      Iex[i] = iex;
      Iin[i] = iin;
      V[i] = r == 0.0 ? v_free : v;
      Istim[i] = in_cur[i];
      in_ex[i] = 0.0;
      in_in[i] = 0.0;
      in_cur[i] = 0.0;
    }
  }
  template <bool U>
  NESTKIT_TARGET_AVX2 void step_rows_avx2(long step, std::size_t b, std::size_t e) {
    step_rows<U>(step, b, e);
  }
  template <bool U>
  void step_rows_base(long step, std::size_t b, std::size_t e) {
    step_rows<U>(step, b, e);
  }

  bool uniform_ = false;
};

ModelInfo make_info() {
  ModelInfo m("gif_psc_exp", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/gif_psc_exp.html");
  m.family = "point_process";
  gif::declare_common(m);
  m.param(tau_syn_ex, "tau_syn_ex", 2.0, "ms", positive(), "Time constant of the excitatory synaptic current")
      .param(tau_syn_in, "tau_syn_in", 2.0, "ms", positive(), "Time constant of the inhibitory synaptic current");
  for (int c = i_ex; c <= P33; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.recordables = {"V_m", "E_sfa", "I_stc", "I_syn_ex", "I_syn_in"};
  m.validate = [](const ParamRow& row) {
    gif::validate_common(row, "gif_psc_exp");
    gif::check_finite(row, "gif_psc_exp", {"tau_syn_ex", "tau_syn_in"});
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<GifPscExp>(info); };
  return m;
}

}  // namespace

const ModelInfo& gif_psc_exp_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
