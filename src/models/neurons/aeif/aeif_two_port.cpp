// aeif_cond_alpha, aeif_cond_exp, aeif_psc_alpha, aeif_psc_exp: AdEx neurons
// (Brette & Gerstner 2005) with one excitatory and one inhibitory synapse,
// conductance- or current-based, alpha- or exponential-shaped, as NEST 3.10.
// The four differ only in the synaptic terms, so one template serves them all;
// aeif_cond_alpha_astro is aeif_cond_alpha plus the slow inward current (SIC) that
// astrocytes send through sic_connection, an input current read like I_stim.
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "integrators/rkf45_lanes.hpp"
#include "models/neurons/aeif/aeif_common.hpp"
#include "models/neurons/aeif/models.hpp"

namespace nestkit::aeif {
namespace {

enum class Kind { kCondAlpha, kCondExp, kPscAlpha, kPscExp, kCondAlphaAstro };

template <Kind K>
struct Layout {
  static constexpr bool kSic = K == Kind::kCondAlphaAstro;
  static constexpr bool kCond = K == Kind::kCondAlpha || K == Kind::kCondExp || kSic;
  static constexpr bool kAlpha = K == Kind::kCondAlpha || K == Kind::kPscAlpha || kSic;
  // Columns after the common ones: [E_ex, E_in,] tau_syn_ex, tau_syn_in, the
  // synaptic state ([d_ex,] x_ex, [d_in,] x_in), then the jump per unit weight.
  static constexpr int kEex = kCommonEnd, kEin = kCommonEnd + 1;
  static constexpr int kTauEx = kCommonEnd + (kCond ? 2 : 0), kTauIn = kTauEx + 1;
  static constexpr int kDex = kTauIn + 1;  // alpha only
  static constexpr int kXex = kAlpha ? kDex + 1 : kTauIn + 1;
  static constexpr int kDin = kXex + 1;  // alpha only
  static constexpr int kXin = kAlpha ? kDin + 1 : kXex + 1;
  static constexpr int kJumpEx = kXin + 1, kJumpIn = kXin + 2;
  static constexpr int kIsic = kJumpIn + 1;  // astro only: the SIC input of the next step
  // ODE vector in NEST's order: V, [d_ex,] x_ex, [d_in,] x_in, w.
  static constexpr std::size_t N = kAlpha ? 6 : 4;
  static constexpr std::size_t yV = 0, yW = N - 1;
  static constexpr std::size_t yDex = 1, yXex = kAlpha ? 2 : 1, yDin = 3, yXin = kAlpha ? 4 : 2;
};

enum Channel : int { kEx, kIn, kCurrent, kSicInput };

template <Kind K>
class TwoPort final : public AeifPopulation {
  using L = Layout<K>;

 public:
  using AeifPopulation::AeifPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, L::kSic ? kSicInput + 1 : kSicInput);
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
      double* in_sic = L::kSic ? input_.row(kSicInput, step) : nullptr;
      auto make = [&]<int W>() { return LaneDriver<W>{*this, ctx, step, in_ex, in_in, in_cur, in_sic}; };
      // GSL's yp control: a_y = 0, a_dydt = 1.
      integrators::evolve_population<L::N>(make, 0.0, 1.0, ctx.grid->resolution(), begin, end);
      for (std::size_t i = begin; i < end; ++i) in_ex[i] = in_in[i] = in_cur[i] = 0.0;
      if constexpr (L::kSic) std::fill(in_sic + begin, in_sic + end, 0.0);
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& batch) override { deliver_sign_split(batch, kEx, kIn); }
  void deliver_current(const CurrentBatch& batch) override { deliver_current_to(batch, kCurrent); }

  // An astrocyte's SIC of step s reaches step s + delay (NEST's SICEvent through
  // sic_connection), weighted.
  void deliver_secondary(const SecondaryBatch& b) override {
    if constexpr (L::kSic) {
      if (b.kind != Secondary::kSic) return;
      // An astrocyte below its calcium threshold sends zeros, which add nothing: in
      // astrocyte networks most intervals of most sources are such (checked once per batch).
      if (std::all_of(b.values, b.values + b.length, [](double v) { return v == 0.0; })) return;
      if (!b.weight.data && !b.delay.data) {
        // One weight and delay for the batch: one ring row per step of the interval. Multapses
        // (TripartiteConnect gives each astrocyte-neuron pair of a pool dozens of sic_connections)
        // arrive as consecutive equal targets and add r * (w SIC) once, not w SIC r times: the
        // same sum up to rounding (a single connection, r = 1, adds exactly NEST's value), and
        // the dominant cost of large astrocyte networks divided by r.
        static thread_local std::vector<std::pair<uint32_t, double>> runs;
        runs.clear();
        // A run is counted in registers (a running sum kept in memory would chain every
        // multapse through a store and a load).
        for (std::size_t k = 0; k < b.count;) {
          const uint32_t t = b.target[k];
          std::size_t e = k + 1;
          while (e < b.count && b.target[e] == t) ++e;
          runs.emplace_back(t, static_cast<double>(e - k));
          k = e;
        }
        for (std::size_t j = 0; j < b.length; ++j) {
          double* row = input_.row(kSicInput, b.origin + b.delay.value + static_cast<long>(j)) - first_gid_;
          const double v = b.weight.value * b.values[j];
          for (const auto& [t, r] : runs) row[t] += r * v;
        }
        return;
      }
      for (std::size_t k = 0; k < b.count; ++k) {
        const std::size_t t = b.target[k] - first_gid_;
        const double w = b.weight[k];
        const long d = b.delay[k];
        for (std::size_t j = 0; j < b.length; ++j)
          input_.add(kSicInput, b.origin + d + static_cast<long>(j), t, w * b.values[j]);
      }
    }
  }

  // Recordables: V_m, excitatory and inhibitory conductance (or current), w[, I_SIC].
  double recordable(int k, std::size_t i) const override {
    switch (k) {
      case 0:
        return num_[V_m][i];
      case 1:
        return num_[L::kXex][i];
      case 2:
        return num_[L::kXin][i];
      case 3:
        return num_[w][i];
      default:
        return num_[L::kIsic][i];
    }
  }

 private:
  // What the right-hand side reads besides y, per lane (V = lane vector) or
  // for one neuron (V = double).
  template <class V>
  struct RhsParams {
    V V_peak, V_reset, g_L, C_m, E_L, Delta_T, tau_w, a, V_th, I_e, E_ex, E_in, tau_ex, tau_in, I_stim, I_sic;
    V refractory;  // the refractory count, read live: a spike inside the step clamps the rest
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums).
  template <class V>
  [[gnu::always_inline]] static void rhs(const RhsParams<V>& p, const V* s, V* d) {
    using namespace integrators;
    const auto is_refractory = p.refractory > 0.0;
    const V V_ = select(is_refractory, p.V_reset, lane_min(s[L::yV], p.V_peak));
    const V x_ex = s[L::yXex], x_in = s[L::yXin], w_ = s[L::yW];
    const V I_spike = select(p.Delta_T == 0.0, splat<V>(0.0), p.g_L * p.Delta_T * lane_exp((V_ - p.V_th) / p.Delta_T));
    V dv;
    if constexpr (L::kCond) {
      const V I_syn_exc = x_ex * (V_ - p.E_ex);
      const V I_syn_inh = x_in * (V_ - p.E_in);
      if constexpr (L::kSic)
        dv = (-p.g_L * (V_ - p.E_L) + I_spike - I_syn_exc - I_syn_inh - w_ + p.I_e + p.I_stim + p.I_sic) / p.C_m;
      else
        dv = (-p.g_L * (V_ - p.E_L) + I_spike - I_syn_exc - I_syn_inh - w_ + p.I_e + p.I_stim) / p.C_m;
    } else {
      dv = (-p.g_L * (V_ - p.E_L) + I_spike + x_ex - x_in - w_ + p.I_e + p.I_stim) / p.C_m;
    }
    d[L::yV] = select(is_refractory, splat<V>(0.0), dv);
    if constexpr (L::kAlpha) {
      d[L::yDex] = -s[L::yDex] / p.tau_ex;
      d[L::yXex] = s[L::yDex] - x_ex / p.tau_ex;
      d[L::yDin] = -s[L::yDin] / p.tau_in;
      d[L::yXin] = s[L::yDin] - x_in / p.tau_in;
    } else {
      d[L::yXex] = -x_ex / p.tau_ex;
      d[L::yXin] = -x_in / p.tau_in;
    }
    d[L::yW] = (p.a * (V_ - p.E_L) - w_) / p.tau_w;
  }

  // Connects the population to the lock-step stepper for one simulation step.
  template <int W>
  struct LaneDriver {
    using V = typename integrators::Lanes<W>::V;
    TwoPort& pop;
    StepContext& ctx;
    long step;
    const double *in_ex, *in_in, *in_cur, *in_sic;
    RhsParams<V> p{};
    SpikeRule rule[W]{};
    long refr[W]{};
    int spikes[W]{};

    bool load(int l, std::size_t i, V* y, integrators::LaneStart& s) {
      const auto& num = pop.num_;
      if (num[halted][i] != 0.0) return false;
      auto c = [&](int k) { return num[k][i]; };
      p.V_peak[l] = c(V_peak);
      p.V_reset[l] = c(V_reset);
      p.g_L[l] = c(g_L);
      p.C_m[l] = c(C_m);
      p.E_L[l] = c(E_L);
      p.Delta_T[l] = c(Delta_T);
      p.tau_w[l] = c(tau_w);
      p.a[l] = c(a);
      p.V_th[l] = c(V_th);
      p.I_e[l] = c(I_e);
      p.E_ex[l] = L::kCond ? c(L::kEex) : 0.0;
      p.E_in[l] = L::kCond ? c(L::kEin) : 0.0;
      p.tau_ex[l] = c(L::kTauEx);
      p.tau_in[l] = c(L::kTauIn);
      p.I_stim[l] = c(I_stim);
      p.I_sic[l] = L::kSic ? c(L::kIsic) : 0.0;
      refr[l] = static_cast<long>(c(r));
      p.refractory[l] = static_cast<double>(refr[l]);
      rule[l] = SpikeRule{c(V_reset), c(V_peak_eff), c(b), static_cast<long>(c(refr_counts))};
      spikes[l] = 0;
      y[L::yV][l] = c(V_m);
      y[L::yW][l] = c(w);
      y[L::yXex][l] = c(L::kXex);
      y[L::yXin][l] = c(L::kXin);
      if constexpr (L::kAlpha) {
        y[L::yDex][l] = c(L::kDex);
        y[L::yDin][l] = c(L::kDin);
      }
      s = {c(h_int), c(tol_used), c(tol_used)};
      return true;
    }

    [[gnu::always_inline]] void rhs(const V&, const V* y, V* f) const { TwoPort::template rhs<V>(p, y, f); }

    bool accepted(int l, V* y) {
      double v = y[L::yV][l], w_ = y[L::yW][l];
      const int outcome = after_accepted(v, w_, refr[l], rule[l]);
      y[L::yV][l] = v;
      y[L::yW][l] = w_;
      p.refractory[l] = static_cast<double>(refr[l]);
      if (outcome < 0) {
        spikes[l] = -1;
        return false;
      }
      spikes[l] += outcome;
      return true;
    }

    void finish(int l, std::size_t i, const V* y, double h) {
      auto& num = pop.num_;
      double ys[L::N];
      for (std::size_t k = 0; k < L::N; ++k) ys[k] = y[k][l];
      long rr = refr[l];
      if (spikes[l] < 0) {
        pop.fail(i);
      } else {
        for (int s = 0; s < spikes[l]; ++s) pop.emit(ctx, i, step + 1);
        if (rr > 0) --rr;
        // Input of this step enters after the integration (NEST's order); the
        // inhibitory row holds the (negative) weights, NEST adds their magnitude.
        if constexpr (L::kAlpha) {
          ys[L::yDex] += in_ex[i] * num[L::kJumpEx][i];
          ys[L::yDin] += -in_in[i] * num[L::kJumpIn][i];
        } else {
          ys[L::yXex] += in_ex[i];
          ys[L::yXin] += -in_in[i];
        }
      }
      num[h_int][i] = h;
      num[r][i] = static_cast<double>(rr);
      num[I_stim][i] = in_cur[i];
      if constexpr (L::kSic) num[L::kIsic][i] = in_sic[i];
      num[V_m][i] = ys[L::yV];
      num[w][i] = ys[L::yW];
      num[L::kXex][i] = ys[L::yXex];
      num[L::kXin][i] = ys[L::yXin];
      if constexpr (L::kAlpha) {
        num[L::kDex][i] = ys[L::yDex];
        num[L::kDin][i] = ys[L::yDin];
      }
    }
  };
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
  if constexpr (L::kSic) {
    m.internal(L::kIsic, "_I_SIC");
    m.recordables.push_back("I_SIC");
    m.secondary_in = secondary_bit(Secondary::kSic);
  }
  const std::string model = name;
  m.validate = [model, x_ex, x_in](const ParamRow& row) {
    CheckOrder order;
    if constexpr (K == Kind::kCondExp) order = {true, true, "V_th"};  // aeif_cond_exp tests V_peak first
    check_spike_params(row, model, order);
    check_rest(row, model, {"tau_syn_ex", "tau_syn_in", "tau_w"});
    check_nonnegative_pair(row, model, x_ex, x_in);
  };
  m.archiving_params();
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
const ModelInfo& aeif_cond_alpha_astro_model() {
  static const ModelInfo info = make_info<Kind::kCondAlphaAstro>("aeif_cond_alpha_astro");
  return info;
}
const ModelInfo& aeif_psc_exp_model() {
  static const ModelInfo info = make_info<Kind::kPscExp>("aeif_psc_exp");
  return info;
}

}  // namespace nestkit::aeif
