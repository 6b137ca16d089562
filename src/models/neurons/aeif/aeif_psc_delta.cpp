// aeif_psc_delta: AdEx neuron whose input spikes make V_m jump by their weight
// (mV), as NEST 3.10. The jump is applied inside the integration loop, after
// the first accepted integration step of the simulation step, with the optional
// buffering of input arriving during refractoriness (refractory_input).
#include <cmath>

#include "integrators/rkf45_lanes.hpp"
#include "models/neurons/aeif/aeif_common.hpp"
#include "models/neurons/aeif/models.hpp"

namespace nestkit::aeif {
namespace {

enum Col : int {
  refractory_input = kCommonEnd,
  // internal: input buffered while refractory, and NEST's precomputed inverses
  refr_buffer,
  Delta_T_inv,
  C_m_inv,
  tau_w_inv,
};
enum Channel : int { kSpike, kCurrent, kChannels };

class AeifPscDelta final : public AeifPopulation {
 public:
  using AeifPopulation::AeifPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    prepare_common(rc);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(V_peak_eff) = c(Delta_T) > 0.0 ? c(V_peak) : c(V_th);
      // NEST multiplies by these inverses in the right-hand side (bitwise different from dividing).
      c(Delta_T_inv) = 1. / c(Delta_T);
      c(C_m_inv) = 1. / c(C_m);
      c(tau_w_inv) = 1. / c(tau_w);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_sp = input_.row(kSpike, step);
      double* in_cur = input_.row(kCurrent, step);
      auto make = [&]<int W>() { return LaneDriver<W>{*this, ctx, step, ctx.grid->resolution(), in_sp, in_cur}; };
      // GSL's yp control: a_y = 0, a_dydt = 1.
      integrators::evolve_population<kN>(make, 0.0, 1.0, ctx.grid->resolution(), begin, end);
      for (std::size_t i = begin; i < end; ++i) in_sp[i] = in_cur[i] = 0.0;
      sample(step, begin, end);
    }
  }

  // Both signs go to one channel: the weight is the jump of V_m.
  void deliver_spikes(const SpikeBatch& batch) override { deliver_sign_split(batch, kSpike, kSpike); }
  void deliver_current(const CurrentBatch& batch) override { deliver_current_to(batch, kCurrent); }

  double recordable(int k, std::size_t i) const override { return k == 0 ? num_[V_m][i] : num_[w][i]; }

 private:
  static constexpr std::size_t kN = 2;  // ODE vector: V_m, w

  // What the right-hand side reads besides y, per lane (V = lane vector) or
  // for one neuron (V = double).
  template <class V>
  struct RhsParams {
    V V_peak, V_reset, g_L, E_L, Delta_T, a, V_th, I_e, Delta_T_inv, C_m_inv, tau_w_inv, I_stim;
    V refractory;  // the refractory count, read live: a spike inside the step clamps the rest
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums).
  template <class V>
  [[gnu::always_inline]] static void rhs(const RhsParams<V>& p, const V* s, V* d) {
    using namespace integrators;
    const auto is_refractory = p.refractory > 0.0;
    const V V_ = select(is_refractory, p.V_reset, lane_min(s[0], p.V_peak));
    const V I_spike =
        select(p.Delta_T == 0.0, splat<V>(0.0), p.g_L * p.Delta_T * lane_exp((V_ - p.V_th) * p.Delta_T_inv));
    d[0] =
        select(is_refractory, splat<V>(0.0), (-p.g_L * (V_ - p.E_L) + I_spike - s[1] + p.I_e + p.I_stim) * p.C_m_inv);
    d[1] = (p.a * (V_ - p.E_L) - s[1]) * p.tau_w_inv;
  }

  // Connects the population to the lock-step stepper for one simulation step.
  template <int W>
  struct LaneDriver {
    using V = typename integrators::Lanes<W>::V;
    AeifPscDelta& pop;
    StepContext& ctx;
    long step;
    double h_res;
    const double *in_sp, *in_cur;
    RhsParams<V> p{};
    // Per lane: the spike rule, the refractory count, the input not yet applied
    // (the step's input enters after the first accepted integration step only),
    // the refractory buffer, spikes so far, and whether the runaway guard fired.
    SpikeRule rule[W]{};
    double tau_m[W]{}, pending[W]{}, buffer[W]{};
    long refr[W]{};
    bool with_refr_input[W]{}, failed[W]{};
    int spikes[W]{};

    bool load(int l, std::size_t i, V* y, integrators::LaneStart& s) {
      const auto& num = pop.num_;
      if (num[halted][i] != 0.0) return false;
      auto c = [&](int k) { return num[k][i]; };
      p.V_peak[l] = c(V_peak);
      p.V_reset[l] = c(V_reset);
      p.g_L[l] = c(g_L);
      p.E_L[l] = c(E_L);
      p.Delta_T[l] = c(Delta_T);
      p.a[l] = c(a);
      p.V_th[l] = c(V_th);
      p.I_e[l] = c(I_e);
      p.Delta_T_inv[l] = c(Delta_T_inv);
      p.C_m_inv[l] = c(C_m_inv);
      p.tau_w_inv[l] = c(tau_w_inv);
      p.I_stim[l] = c(I_stim);
      refr[l] = static_cast<long>(c(r));
      p.refractory[l] = static_cast<double>(refr[l]);
      rule[l] = SpikeRule{c(V_reset), c(V_peak_eff), c(b), static_cast<long>(c(refr_counts))};
      tau_m[l] = c(C_m) / c(g_L);
      pending[l] = in_sp[i];
      buffer[l] = c(refr_buffer);
      with_refr_input[l] = c(refractory_input) != 0.0;
      failed[l] = false;
      spikes[l] = 0;
      y[0][l] = c(V_m);
      y[1][l] = c(w);
      s = {c(h_int), c(tol_used), c(tol_used)};
      return true;
    }

    [[gnu::always_inline]] void rhs(const V&, const V* y, V* f) const { AeifPscDelta::rhs<V>(p, y, f); }

    // After every accepted integration step: runaway guard, the delta input (or
    // the clamp and buffering while refractory), then spike detection.
    bool accepted(int l, V* y) {
      double v = y[0][l], w_ = y[1][l];
      if (runaway(v, w_)) {
        failed[l] = true;
        return false;
      }
      if (refr[l] == 0) {
        v = v + pending[l];
        if (with_refr_input[l] && buffer[l] != 0.0) {
          v += buffer[l];
          buffer[l] = 0.0;
        }
      } else {
        v = rule[l].V_reset;  // clamped while refractory
        // Input during refractoriness decays with the membrane time constant
        // until the refractory period ends (see the report on NEST's unsigned r).
        if (with_refr_input[l]) buffer[l] += pending[l] * std::exp(-static_cast<double>(refr[l]) * h_res / tau_m[l]);
      }
      pending[l] = 0.0;
      if (refr[l] == 0 && v >= rule[l].V_peak_eff) {
        v = rule[l].V_reset;
        refr[l] = rule[l].refr_counts > 0 ? rule[l].refr_counts + 1 : 0;
        w_ += rule[l].b;
        ++spikes[l];
      }
      y[0][l] = v;
      y[1][l] = w_;
      p.refractory[l] = static_cast<double>(refr[l]);
      return true;
    }

    void finish(int l, std::size_t i, const V* y, double h) {
      auto& num = pop.num_;
      // Spikes before a runaway in the same step are still sent (NEST emits them in the loop).
      for (int s = 0; s < spikes[l]; ++s) pop.emit(ctx, i, step + 1);
      long rr = refr[l];
      if (failed[l]) {
        pop.fail(i);
      } else if (rr > 0) {
        --rr;
      }
      num[h_int][i] = h;
      num[r][i] = static_cast<double>(rr);
      num[refr_buffer][i] = buffer[l];
      num[I_stim][i] = in_cur[i];
      num[V_m][i] = y[0][l];
      num[w][i] = y[1][l];
    }
  };
};

ModelInfo make_info() {
  ModelInfo m("aeif_psc_delta", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/aeif_psc_delta.html");
  m.family = "aeif";
  declare_common(m, 0.0);
  m.flag(refractory_input, "refractory_input", false,
         "If true, input arriving during refractoriness is added, decayed, once it ends");
  for (int k = refr_buffer; k <= tau_w_inv; ++k) m.internal(k, "_psc_delta_" + std::to_string(k));
  m.recordables = {"V_m", "w"};
  m.validate = [](const ParamRow& row) {
    const std::string model = "aeif_psc_delta";
    check_spike_params(row, model, {});
    check_rest(row, model, {"tau_w"});
  };
  m.archiving_params();
  m.make = [](const ModelInfo& info) { return std::make_unique<AeifPscDelta>(info); };
  return m;
}

}  // namespace

const ModelInfo& aeif_psc_delta_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit::aeif
