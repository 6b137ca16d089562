// gif_psc_exp: generalized integrate-and-fire neuron with exponentially decaying
// synaptic currents and escape noise, as NEST 3.10's model (gif_common.hpp has the
// kernels and the hazard). V is integrated exactly; the synaptic currents decay and
// take the step's input before they drive V.
#include <cmath>

#include "integrators/iaf_propagator.hpp"
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
      c(P30) = -1 / c(gif::C_m) * std::expm1(-h / tau_m) * tau_m;
      c(P31) = -std::expm1(-h / tau_m);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double *V = col(gif::V_m), *Iex = col(i_ex), *Iin = col(i_in), *Istim = col(gif::I_stim);
    const double *p11e = col(P11ex), *p11i = col(P11in), *p21e = col(P21ex), *p21i = col(P21in);
    const double *p30 = col(P30), *p31 = col(P31), *p33 = col(P33), *ie = col(gif::I_e), *el = col(gif::E_L);
    const double *stc = col(gif::I_stc), *refr = col(gif::r);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = input_.row(kEx, step);
      double* in_in = input_.row(kIn, step);
      double* in_cur = input_.row(kCurrent, step);
      for (std::size_t i = begin; i < end; ++i) {
        adapt(i);
        Iex[i] *= p11e[i];
        Iin[i] *= p11i[i];
        Iex[i] += in_ex[i];
        Iin[i] += in_in[i];
        if (refr[i] == 0.0)
          V[i] = p30[i] * (Istim[i] + ie[i] - stc[i]) + p33[i] * V[i] + p31[i] * el[i] + Iex[i] * p21e[i] +
                 Iin[i] * p21i[i];
        V[i] = fire_or_clamp(ctx, i, step, V[i]);
        Istim[i] = in_cur[i];
        in_ex[i] = in_in[i] = in_cur[i] = 0.0;
      }
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
