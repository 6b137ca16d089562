// aeif_cond_alpha, aeif_cond_exp, aeif_psc_alpha, aeif_psc_exp: AdEx neurons
// (Brette & Gerstner 2005) with one excitatory and one inhibitory synapse,
// conductance- or current-based, alpha- or exponential-shaped, as NEST 3.10.
// The four differ only in the synaptic terms, so one template serves them all.
#include <algorithm>
#include <cmath>

#include "models/neurons/aeif/aeif_common.hpp"
#include "models/neurons/aeif/models.hpp"

namespace nestkit::aeif {
namespace {

enum class Kind { kCondAlpha, kCondExp, kPscAlpha, kPscExp };

template <Kind K>
struct Layout {
  static constexpr bool kCond = K == Kind::kCondAlpha || K == Kind::kCondExp;
  static constexpr bool kAlpha = K == Kind::kCondAlpha || K == Kind::kPscAlpha;
  // Columns after the common ones: [E_ex, E_in,] tau_syn_ex, tau_syn_in, the
  // synaptic state ([d_ex,] x_ex, [d_in,] x_in), then the jump per unit weight.
  static constexpr int kEex = kCommonEnd, kEin = kCommonEnd + 1;
  static constexpr int kTauEx = kCommonEnd + (kCond ? 2 : 0), kTauIn = kTauEx + 1;
  static constexpr int kDex = kTauIn + 1;  // alpha only
  static constexpr int kXex = kAlpha ? kDex + 1 : kTauIn + 1;
  static constexpr int kDin = kXex + 1;  // alpha only
  static constexpr int kXin = kAlpha ? kDin + 1 : kXex + 1;
  static constexpr int kJumpEx = kXin + 1, kJumpIn = kXin + 2;
  // ODE vector in NEST's order: V, [d_ex,] x_ex, [d_in,] x_in, w.
  static constexpr std::size_t N = kAlpha ? 6 : 4;
  static constexpr std::size_t yV = 0, yW = N - 1;
  static constexpr std::size_t yDex = 1, yXex = kAlpha ? 2 : 1, yDin = 3, yXin = kAlpha ? 4 : 2;
};

enum Channel : int { kEx, kIn, kCurrent, kChannels };

template <Kind K>
class TwoPort final : public AeifPopulation {
  using L = Layout<K>;

 public:
  using AeifPopulation::AeifPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    prepare_common(rc);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(V_peak_eff) = c(Delta_T) > 0.0 ? c(V_peak) : c(V_th);  // plain IAF threshold without the exponential
      if constexpr (L::kAlpha) {
        c(L::kJumpEx) = 1.0 * M_E / c(L::kTauEx);  // alpha kernel peaks at 1 per unit weight
        c(L::kJumpIn) = 1.0 * M_E / c(L::kTauIn);
      }
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = input_.row(kEx, step);
      double* in_in = input_.row(kIn, step);
      double* in_cur = input_.row(kCurrent, step);
      for (std::size_t i = begin; i < end; ++i) {
        if (num_[halted][i] == 0.0) step_node(ctx, i, step, in_ex[i], in_in[i], in_cur[i]);
        in_ex[i] = in_in[i] = in_cur[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& batch) override { deliver_sign_split(batch, kEx, kIn); }
  void deliver_current(const CurrentBatch& batch) override { deliver_current_to(batch, kCurrent); }

  // Recordables: V_m, excitatory and inhibitory conductance (or current), w.
  double recordable(int k, std::size_t i) const override {
    switch (k) {
      case 0:
        return num_[V_m][i];
      case 1:
        return num_[L::kXex][i];
      case 2:
        return num_[L::kXin][i];
      default:
        return num_[w][i];
    }
  }

 private:
  void step_node(StepContext& ctx, std::size_t i, long step, double ex, double in, double cur) {
    auto c = [&](int k) { return num_[k][i]; };
    const double p_V_peak = c(V_peak), p_V_reset = c(V_reset), p_g_L = c(g_L), p_C_m = c(C_m), p_E_L = c(E_L);
    const double p_Delta_T = c(Delta_T), p_tau_w = c(tau_w), p_a = c(a), p_V_th = c(V_th), p_I_e = c(I_e);
    const double E_ex = L::kCond ? c(L::kEex) : 0.0, E_in = L::kCond ? c(L::kEin) : 0.0;
    const double tau_ex = c(L::kTauEx), tau_in = c(L::kTauIn);
    const double I_stim_now = c(I_stim);
    long refr = static_cast<long>(c(r));

    double y[L::N];
    y[L::yV] = c(V_m);
    y[L::yW] = c(w);
    y[L::yXex] = c(L::kXex);
    y[L::yXin] = c(L::kXin);
    if constexpr (L::kAlpha) {
      y[L::yDex] = c(L::kDex);
      y[L::yDin] = c(L::kDin);
    }

    // NEST's right-hand side, term by term in its order (bit-identical sums).
    // The refractory count is read live: a spike inside the step clamps the rest.
    auto f = [&](double, const double* s, double* d) {
      const bool is_refractory = refr > 0;
      const double V = is_refractory ? p_V_reset : std::min(s[L::yV], p_V_peak);
      const double x_ex = s[L::yXex], x_in = s[L::yXin], w_ = s[L::yW];
      const double I_spike = p_Delta_T == 0. ? 0. : (p_g_L * p_Delta_T * std::exp((V - p_V_th) / p_Delta_T));
      if constexpr (L::kCond) {
        const double I_syn_exc = x_ex * (V - E_ex);
        const double I_syn_inh = x_in * (V - E_in);
        d[L::yV] = is_refractory
                       ? 0.
                       : (-p_g_L * (V - p_E_L) + I_spike - I_syn_exc - I_syn_inh - w_ + p_I_e + I_stim_now) / p_C_m;
      } else {
        d[L::yV] =
            is_refractory ? 0. : (-p_g_L * (V - p_E_L) + I_spike + x_ex - x_in - w_ + p_I_e + I_stim_now) / p_C_m;
      }
      if constexpr (L::kAlpha) {
        d[L::yDex] = -s[L::yDex] / tau_ex;
        d[L::yXex] = s[L::yDex] - x_ex / tau_ex;
        d[L::yDin] = -s[L::yDin] / tau_in;
        d[L::yXin] = s[L::yDin] - x_in / tau_in;
      } else {
        d[L::yXex] = -x_ex / tau_ex;
        d[L::yXin] = -x_in / tau_in;
      }
      d[L::yW] = (p_a * (V - p_E_L) - w_) / p_tau_w;
      return true;
    };

    const SpikeRule rule{p_V_reset, c(V_peak_eff), c(b), static_cast<long>(c(refr_counts))};
    double h = c(h_int);
    const int spikes = advance<L::N, L::yV, L::yW>(f, control(c(tol_used)), ctx.grid->resolution(), h, y, refr, rule);
    if (spikes < 0) {
      fail(i);
    } else {
      for (int s = 0; s < spikes; ++s) emit(ctx, i, step + 1);
      if (refr > 0) --refr;
      // Input of this step enters after the integration (NEST's order); the
      // inhibitory row holds the (negative) weights, NEST adds their magnitude.
      if constexpr (L::kAlpha) {
        y[L::yDex] += ex * c(L::kJumpEx);
        y[L::yDin] += -in * c(L::kJumpIn);
      } else {
        y[L::yXex] += ex;
        y[L::yXin] += -in;
      }
    }
    num_[h_int][i] = h;
    num_[r][i] = static_cast<double>(refr);
    num_[I_stim][i] = cur;
    num_[V_m][i] = y[L::yV];
    num_[w][i] = y[L::yW];
    num_[L::kXex][i] = y[L::yXex];
    num_[L::kXin][i] = y[L::yXin];
    if constexpr (L::kAlpha) {
      num_[L::kDex][i] = y[L::yDex];
      num_[L::kDin][i] = y[L::yDin];
    }
  }
};

template <Kind K>
ModelInfo make_info(const char* name) {
  using L = Layout<K>;
  ModelInfo m(name, NodeKind::kNeuron,
              std::string("https://nest-simulator.readthedocs.io/en/stable/models/") + name + ".html");
  m.family = "aeif";
  declare_common(m, 0.0);
  if constexpr (L::kCond) {
    m.param(L::kEex, "E_ex", 0.0, "mV", {}, "Excitatory reversal potential")
        .param(L::kEin, "E_in", -85.0, "mV", {}, "Inhibitory reversal potential");
  }
  const char* what = L::kCond ? "conductance" : "current";
  m.param(L::kTauEx, "tau_syn_ex", 0.2, "ms", {}, std::string("Time constant of the excitatory synaptic ") + what)
      .param(L::kTauIn, "tau_syn_in", 2.0, "ms", {}, std::string("Time constant of the inhibitory synaptic ") + what);
  const char* x_ex = L::kCond ? "g_ex" : "I_syn_ex";
  const char* x_in = L::kCond ? "g_in" : "I_syn_in";
  const char* unit = L::kCond ? "nS" : "pA";
  if constexpr (L::kAlpha) {
    const char* d_ex = L::kCond ? "dg_ex" : "dI_syn_ex";
    const char* d_in = L::kCond ? "dg_in" : "dI_syn_in";
    const std::string dunit = std::string(unit) + "/ms";
    m.state(L::kDex, d_ex, 0.0, dunit, "First derivative of the excitatory synaptic state")
        .state(L::kXex, x_ex, 0.0, unit, "Excitatory synaptic state")
        .state(L::kDin, d_in, 0.0, dunit, "First derivative of the inhibitory synaptic state")
        .state(L::kXin, x_in, 0.0, unit, "Inhibitory synaptic state");
  } else {
    m.state(L::kXex, x_ex, 0.0, unit, "Excitatory synaptic state")
        .state(L::kXin, x_in, 0.0, unit, "Inhibitory synaptic state");
  }
  m.internal(L::kJumpEx, "_jump_ex").internal(L::kJumpIn, "_jump_in");
  m.recordables = {"V_m", x_ex, x_in, "w"};
  const std::string model = name;
  m.validate = [model, x_ex, x_in](const ParamRow& row) {
    CheckOrder order;
    if constexpr (K == Kind::kCondExp) order = {true, true, "V_th"};  // aeif_cond_exp tests V_peak first
    check_spike_params(row, model, order);
    check_rest(row, model, {"tau_syn_ex", "tau_syn_in", "tau_w"});
    check_nonnegative_pair(row, model, x_ex, x_in);
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<TwoPort<K>>(info); };
  return m;
}

}  // namespace

const ModelInfo& aeif_cond_alpha_model() {
  static const ModelInfo info = make_info<Kind::kCondAlpha>("aeif_cond_alpha");
  return info;
}
const ModelInfo& aeif_cond_exp_model() {
  static const ModelInfo info = make_info<Kind::kCondExp>("aeif_cond_exp");
  return info;
}
const ModelInfo& aeif_psc_alpha_model() {
  static const ModelInfo info = make_info<Kind::kPscAlpha>("aeif_psc_alpha");
  return info;
}
const ModelInfo& aeif_psc_exp_model() {
  static const ModelInfo info = make_info<Kind::kPscExp>("aeif_psc_exp");
  return info;
}

}  // namespace nestkit::aeif
