// aeif_psc_delta: AdEx neuron whose input spikes make V_m jump by their weight
// (mV), as NEST 3.10. The jump is applied inside the integration loop, after
// the first accepted integration step of the simulation step, with the optional
// buffering of input arriving during refractoriness (refractory_input).
#include <algorithm>
#include <cmath>

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
      for (std::size_t i = begin; i < end; ++i) {
        if (num_[halted][i] == 0.0) step_node(ctx, i, step, in_sp[i], in_cur[i]);
        in_sp[i] = in_cur[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  // Both signs go to one channel: the weight is the jump of V_m.
  void deliver_spikes(const SpikeBatch& batch) override { deliver_sign_split(batch, kSpike, kSpike); }
  void deliver_current(const CurrentBatch& batch) override { deliver_current_to(batch, kCurrent); }

  double recordable(int k, std::size_t i) const override { return k == 0 ? num_[V_m][i] : num_[w][i]; }

 private:
  void step_node(StepContext& ctx, std::size_t i, long step, double spikes_in, double cur) {
    auto c = [&](int k) { return num_[k][i]; };
    const double p_V_peak = c(V_peak), p_V_reset = c(V_reset), p_g_L = c(g_L), p_E_L = c(E_L);
    const double p_Delta_T = c(Delta_T), p_a = c(a), p_V_th = c(V_th), p_I_e = c(I_e), p_b = c(b);
    const double dT_inv = c(Delta_T_inv), Cm_inv = c(C_m_inv), tw_inv = c(tau_w_inv);
    const double I_stim_now = c(I_stim), V_spike = c(V_peak_eff);
    const bool with_refr_input = c(refractory_input) != 0.0;
    const long counts = static_cast<long>(c(refr_counts));
    long refr = static_cast<long>(c(r));
    double buffer = c(refr_buffer);
    double y[2] = {c(V_m), c(w)};

    auto f = [&](double, const double* s, double* d) {
      const bool is_refractory = refr > 0;
      const double V = is_refractory ? p_V_reset : std::min(s[0], p_V_peak);
      const double I_spike = p_Delta_T == 0. ? 0. : p_g_L * p_Delta_T * std::exp((V - p_V_th) * dT_inv);
      d[0] = is_refractory ? 0.0 : (-p_g_L * (V - p_E_L) + I_spike - s[1] + p_I_e + I_stim_now) * Cm_inv;
      d[1] = (p_a * (V - p_E_L) - s[1]) * tw_inv;
      return true;
    };

    const double h_res = ctx.grid->resolution();
    const double tau_m = c(C_m) / p_g_L;
    const auto ctrl = control(c(tol_used));
    double h = c(h_int);
    double pending = spikes_in;  // the step's input is consumed by the first pass only
    bool ok = true;
    double t = 0.0;
    while (t < h_res) {
      integrators::evolve_apply<2>(f, ctrl, t, h_res, h, y);
      if (runaway(y[0], y[1])) {
        ok = false;
        break;
      }
      if (refr == 0) {
        y[0] = y[0] + pending;
        if (with_refr_input && buffer != 0.0) {
          y[0] += buffer;
          buffer = 0.0;
        }
      } else {
        y[0] = p_V_reset;  // clamped while refractory
        // Input during refractoriness decays with the membrane time constant
        // until the refractory period ends (see the report on NEST's unsigned r).
        if (with_refr_input) buffer += pending * std::exp(-static_cast<double>(refr) * h_res / tau_m);
      }
      pending = 0.0;
      if (refr == 0 && y[0] >= V_spike) {
        y[0] = p_V_reset;
        refr = counts > 0 ? counts + 1 : 0;
        y[1] += p_b;
        emit(ctx, i, step + 1);
      }
    }
    if (!ok) {
      fail(i);
    } else if (refr > 0) {
      --refr;
    }
    num_[h_int][i] = h;
    num_[r][i] = static_cast<double>(refr);
    num_[refr_buffer][i] = buffer;
    num_[I_stim][i] = cur;
    num_[V_m][i] = y[0];
    num_[w][i] = y[1];
  }
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
  m.make = [](const ModelInfo& info) { return std::make_unique<AeifPscDelta>(info); };
  return m;
}

}  // namespace

const ModelInfo& aeif_psc_delta_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit::aeif
