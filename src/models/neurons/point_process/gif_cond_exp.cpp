// gif_cond_exp: generalized integrate-and-fire neuron with exponentially decaying
// synaptic conductances and escape noise, as NEST 3.10's model. V and the two
// conductances are integrated with RKF45 under GSL's y_new(gsl_error_tol, 0)
// control (integrators/rkf45.hpp reproduces GSL's steps bit for bit; the
// lock-step lanes of rkf45_lanes.hpp run several nodes at once, each with its own
// steps), each node carrying its integration step across steps and runs; spike
// input lands after the integration, then the hazard is drawn (gif_common.hpp).
#include <cmath>

#include "integrators/rkf45_lanes.hpp"
#include "models/neurons/point_process/gif_common.hpp"
#include "models/neurons/point_process/models.hpp"

namespace nestkit {
namespace {

enum Col : int {
  tau_syn_ex = gif::kCommonEnd,
  tau_syn_in,
  E_ex,
  E_in,
  gsl_error_tol,
  g_ex,
  g_in,
  h_int,  // the carried integration step (0 until the first run)
};
enum Rec : int { kV_m, kE_sfa, kI_stc, kG_ex, kG_in };
enum Channel : int { kEx, kIn, kCurrent, kChannels };

class GifCondExp final : public gif::GifPopulation {
 public:
  using GifPopulation::GifPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    prepare_gif(rc);
    for (double& h : num_[h_int])
      if (h <= 0.0) h = h_;  // NEST's init_buffers_: once per node
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = input_.row(kEx, step);
      double* in_in = input_.row(kIn, step);
      double* in_cur = input_.row(kCurrent, step);
      // The kernels are read first: I_stc drives V during the integration.
      for (std::size_t i = begin; i < end; ++i) adapt(i);
      auto make = [&]<int W>() { return LaneDriver<W>{*this, ctx, step, in_ex, in_in, in_cur}; };
      // GSL's y_new control: a_y = 1, a_dydt = 0 (tolerances per node, in load()).
      integrators::evolve_population<3>(make, 1.0, 0.0, h_, begin, end);
      for (std::size_t i = begin; i < end; ++i) in_ex[i] = in_in[i] = in_cur[i] = 0.0;
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override { deliver_sign_split(b, kEx, kIn); }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int k, std::size_t i) const override {
    static constexpr int kCols[] = {gif::V_m, gif::E_sfa, gif::I_stc, g_ex, g_in};
    return num_[kCols[k]][i];
  }

 private:
  // What the right-hand side reads besides y, per lane (T = lane vector) or for
  // one node (T = double); `refractory` is 1 or 0, fixed for the step.
  template <class T>
  struct RhsParams {
    T refractory, V_reset, E_ex, E_in, g_L, E_L, I_stim, I_e, stc, C_m, tau_ex, tau_in;
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums).
  template <class T>
  [[gnu::always_inline]] static void rhs(const RhsParams<T>& p, const T* y, T* f) {
    using namespace integrators;
    const auto refractory = p.refractory > 0.0;
    const T v = select(refractory, p.V_reset, y[0]);
    const T i_ex = y[1] * (v - p.E_ex);
    const T i_in = y[2] * (v - p.E_in);
    const T i_leak = p.g_L * (v - p.E_L);
    f[0] = select(refractory, splat<T>(0.0), (-i_leak + p.I_stim + p.I_e - i_ex - i_in - p.stc) / p.C_m);
    f[1] = -y[1] / p.tau_ex;
    f[2] = -y[2] / p.tau_in;
  }

  // Connects the population to the lock-step RKF45 stepper for one simulation step.
  template <int W>
  struct LaneDriver {
    using Lane = typename integrators::Lanes<W>::V;
    GifCondExp& pop;
    StepContext& ctx;
    long step;
    const double *in_ex, *in_in, *in_cur;
    RhsParams<Lane> p{};

    bool load(int l, std::size_t i, Lane* y, integrators::LaneStart& s) {
      auto c = [&](int k) { return pop.num_[k][i]; };
      y[0][l] = c(gif::V_m), y[1][l] = c(g_ex), y[2][l] = c(g_in);
      p.refractory[l] = c(gif::r) > 0.0 ? 1.0 : 0.0;
      p.V_reset[l] = c(gif::V_reset), p.E_ex[l] = c(E_ex), p.E_in[l] = c(E_in), p.g_L[l] = c(gif::g_L);
      p.E_L[l] = c(gif::E_L), p.I_stim[l] = c(gif::I_stim), p.I_e[l] = c(gif::I_e), p.stc[l] = c(gif::I_stc);
      p.C_m[l] = c(gif::C_m), p.tau_ex[l] = c(tau_syn_ex), p.tau_in[l] = c(tau_syn_in);
      s = {c(h_int), c(gsl_error_tol), 0.0};
      return true;
    }

    [[gnu::always_inline]] void rhs(const Lane&, const Lane* y, Lane* f) const { GifCondExp::rhs<Lane>(p, y, f); }
    bool accepted(int, Lane*) { return true; }  // spikes are drawn after the whole step

    void finish(int l, std::size_t i, const Lane* y, double h) {
      auto c = [&](int k) -> double& { return pop.num_[k][i]; };
      c(h_int) = h;
      c(g_ex) = y[1][l] + in_ex[i];
      c(g_in) = y[2][l] + -in_in[i];  // inhibitory weights arrive negative; g jumps by |w|
      c(gif::V_m) = pop.fire_or_clamp(ctx, i, step, y[0][l]);
      c(gif::I_stim) = in_cur[i];
    }
  };
};

ModelInfo make_info() {
  ModelInfo m("gif_cond_exp", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/gif_cond_exp.html");
  m.family = "point_process";
  gif::declare_common(m);
  m.param(tau_syn_ex, "tau_syn_ex", 2.0, "ms", positive(), "Time constant of the excitatory synaptic conductance")
      .param(tau_syn_in, "tau_syn_in", 2.0, "ms", positive(), "Time constant of the inhibitory synaptic conductance")
      .param(E_ex, "E_ex", 0.0, "mV", {}, "Excitatory reversal potential")
      .param(E_in, "E_in", -85.0, "mV", {}, "Inhibitory reversal potential")
      .param(gsl_error_tol, "gsl_error_tol", 1e-3, "", positive(), "Absolute error tolerance of the RKF45 integrator")
      .state(g_ex, "g_ex", 0.0, "nS", "Excitatory synaptic conductance")
      .state(g_in, "g_in", 0.0, "nS", "Inhibitory synaptic conductance");
  m.internal(h_int, "_integration_step");
  m.recordables = {"V_m", "E_sfa", "I_stc", "g_ex", "g_in"};
  m.validate = [](const ParamRow& row) {
    gif::validate_common(row, "gif_cond_exp");
    gif::check_finite(row, "gif_cond_exp",
                      {"tau_syn_ex", "tau_syn_in", "E_ex", "E_in", "gsl_error_tol", "g_ex", "g_in"});
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<GifCondExp>(info); };
  return m;
}

}  // namespace

const ModelInfo& gif_cond_exp_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
