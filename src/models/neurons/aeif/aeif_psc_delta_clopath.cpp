// aeif_psc_delta_clopath: AdEx neuron with delta input, a clamped spike of
// duration t_clamp, a spike afterpotential current z, an adaptive threshold
// V_th and the low-pass filtered membrane traces of the Clopath et al. (2010)
// plasticity rule, as NEST 3.10. The Clopath plasticity parameters are kept for
// GetStatus; the voltage history read by clopath_synapse is not recorded here.
#include <algorithm>
#include <cmath>

#include "models/neurons/aeif/aeif_common.hpp"
#include "models/neurons/aeif/models.hpp"

namespace nestkit::aeif {
namespace {

enum Col : int {
  V_th_max = kCommonEnd,
  V_th_rest,
  tau_V_th,
  tau_z,
  tau_u_bar_plus,
  tau_u_bar_minus,
  tau_u_bar_bar,
  I_sp,
  t_clamp,
  V_clamp,
  A_LTD,
  A_LTP,
  u_ref_squared,
  theta_plus,
  theta_minus,
  A_LTD_const,
  delay_u_bars,
  // state
  u_bar_plus,
  u_bar_minus,
  u_bar_bar,
  // internal (the adaptive threshold state lives in the common V_th column)
  z,
  clamp_r,
  clamp_counts,
};
enum Channel : int { kSpike, kCurrent, kChannels };
// ODE vector in NEST's order.
enum Y : std::size_t { yV, yW, yZ, yVth, yUp, yUm, yUbb, kN };

class AeifPscDeltaClopath final : public AeifPopulation {
 public:
  using AeifPopulation::AeifPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    prepare_common(rc);
    for (std::size_t i = 0; i < n_; ++i) {
      num_[V_peak_eff][i] = num_[V_peak][i];  // becomes the threshold state when Delta_T == 0
      num_[clamp_counts][i] = static_cast<double>(rc.grid->ms_to_steps(num_[t_clamp][i]));
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

  void deliver_spikes(const SpikeBatch& batch) override { deliver_sign_split(batch, kSpike, kSpike); }
  void deliver_current(const CurrentBatch& batch) override { deliver_current_to(batch, kCurrent); }

  // Recordables in NEST's order: V_m, w, z, V_th, u_bar_plus, u_bar_minus, u_bar_bar.
  double recordable(int k, std::size_t i) const override {
    static constexpr int cols[] = {V_m, w, z, V_th, u_bar_plus, u_bar_minus, u_bar_bar};
    return num_[cols[k]][i];
  }

 private:
  void step_node(StepContext& ctx, std::size_t i, long step, double spikes_in, double cur) {
    auto c = [&](int k) { return num_[k][i]; };
    const double p_V_peak = c(V_peak), p_V_reset = c(V_reset), p_g_L = c(g_L), p_C_m = c(C_m), p_E_L = c(E_L);
    const double p_Delta_T = c(Delta_T), p_tau_w = c(tau_w), p_a = c(a), p_I_e = c(I_e), p_b = c(b);
    const double p_V_clamp = c(V_clamp), p_tau_z = c(tau_z), p_tau_Vth = c(tau_V_th), p_Vth_rest = c(V_th_rest);
    const double p_tup = c(tau_u_bar_plus), p_tum = c(tau_u_bar_minus), p_tubb = c(tau_u_bar_bar);
    const double I_stim_now = c(I_stim);
    const long counts = static_cast<long>(c(refr_counts)), ccounts = static_cast<long>(c(clamp_counts));
    long refr = static_cast<long>(c(r)), clamp = static_cast<long>(c(clamp_r));
    double V_spike = c(V_peak_eff);
    double y[kN] = {c(V_m), c(w), c(z), c(V_th), c(u_bar_plus), c(u_bar_minus), c(u_bar_bar)};

    auto f = [&](double, const double* s, double* d) {
      const bool is_refractory = refr > 0, is_clamped = clamp > 0;
      const double V = (is_refractory || is_clamped) ? (is_clamped ? p_V_clamp : p_V_reset) : std::min(s[yV], p_V_peak);
      const double I_spike = p_Delta_T == 0. ? 0. : (p_g_L * p_Delta_T * std::exp((V - s[yVth]) / p_Delta_T));
      d[yV] = (is_refractory || is_clamped)
                  ? 0.0
                  : (-p_g_L * (V - p_E_L) + I_spike - s[yW] + s[yZ] + p_I_e + I_stim_now) / p_C_m;
      d[yW] = is_clamped ? 0.0 : (p_a * (V - p_E_L) - s[yW]) / p_tau_w;
      d[yZ] = -s[yZ] / p_tau_z;
      d[yVth] = -(s[yVth] - p_Vth_rest) / p_tau_Vth;
      d[yUp] = (-s[yUp] + V) / p_tup;
      d[yUm] = (-s[yUm] + V) / p_tum;
      d[yUbb] = (-s[yUbb] + s[yUm]) / p_tubb;
      return true;
    };

    const double h_res = ctx.grid->resolution();
    const auto ctrl = control(c(tol_used));
    double h = c(h_int);
    double pending = spikes_in;  // consumed by the first pass only
    bool ok = true;
    double t = 0.0;
    while (t < h_res) {
      integrators::evolve_apply<kN>(f, ctrl, t, h_res, h, y);
      if (runaway(y[yV], y[yW])) {
        ok = false;
        break;
      }
      if (refr == 0 && clamp == 0) y[yV] = y[yV] + pending;  // input during refractoriness or clamp is lost
      pending = 0.0;
      if (p_Delta_T == 0.) V_spike = y[yVth];  // plain threshold crossing at the adaptive threshold
      if (y[yV] >= V_spike && clamp == 0) {
        y[yV] = p_V_clamp;
        y[yW] += p_b;
        y[yZ] = c(I_sp);
        y[yVth] = c(V_th_max);
        clamp = ccounts > 0 ? ccounts + 1 : 0;
        emit(ctx, i, step + 1);
      } else if (clamp == 1) {
        // End of the clamped spike: reset, then the refractory period.
        y[yV] = p_V_reset;
        clamp = 0;
        refr = counts > 0 ? counts + 1 : 0;
      }
      if (refr > 0) y[yV] = p_V_reset;
    }
    if (!ok) {
      fail(i);
    } else {
      if (clamp > 0) --clamp;
      if (refr > 0) --refr;
    }
    num_[h_int][i] = h;
    num_[r][i] = static_cast<double>(refr);
    num_[clamp_r][i] = static_cast<double>(clamp);
    num_[V_peak_eff][i] = V_spike;
    num_[I_stim][i] = cur;
    num_[V_m][i] = y[yV];
    num_[w][i] = y[yW];
    num_[z][i] = y[yZ];
    num_[V_th][i] = y[yVth];
    num_[u_bar_plus][i] = y[yUp];
    num_[u_bar_minus][i] = y[yUm];
    num_[u_bar_bar][i] = y[yUbb];
  }
};

ModelInfo make_info() {
  ModelInfo m("aeif_psc_delta_clopath", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/aeif_psc_delta_clopath.html");
  m.family = "aeif";
  declare_common(m, 33.0, false);
  // The adaptive threshold starts at V_th_rest's default (NEST's State_
  // constructor runs once, with the default parameters).
  m.specs[m.index_of("_V_th_state")].default_value = -50.4;
  m.param(V_th_max, "V_th_max", 30.4, "mV", {}, "Value of V_th afterwards a spike")
      .param(V_th_rest, "V_th_rest", -50.4, "mV", {}, "Resting value of V_th")
      .param(tau_V_th, "tau_V_th", 50.0, "ms", {}, "Decay time constant of V_th")
      .param(tau_z, "tau_z", 40.0, "ms", {}, "Decay time constant of the spike afterpotential current z")
      .param(tau_u_bar_plus, "tau_u_bar_plus", 7.0, "ms", {}, "Time constant of u_bar_plus")
      .param(tau_u_bar_minus, "tau_u_bar_minus", 10.0, "ms", {}, "Time constant of u_bar_minus")
      .param(tau_u_bar_bar, "tau_u_bar_bar", 500.0, "ms", {}, "Time constant of u_bar_bar")
      .param(I_sp, "I_sp", 400.0, "pA", {}, "Depolarizing spike afterpotential current")
      .param(t_clamp, "t_clamp", 2.0, "ms", {}, "Duration of the clamp of V_m after a spike")
      .param(V_clamp, "V_clamp", 33.0, "mV", {}, "Value V_m is clamped to during a spike")
      .param(A_LTD, "A_LTD", 14.0e-5, "", {}, "Amplitude of depression (Clopath rule)")
      .param(A_LTP, "A_LTP", 8.0e-5, "", {}, "Amplitude of facilitation (Clopath rule)")
      .param(u_ref_squared, "u_ref_squared", 60.0, "mV^2", {}, "Reference value of u_bar_bar squared")
      .param(theta_plus, "theta_plus", -45.3, "mV", {}, "Threshold for u (Clopath rule)")
      .param(theta_minus, "theta_minus", -70.6, "mV", {}, "Threshold for u_bar_minus (Clopath rule)")
      .flag(A_LTD_const, "A_LTD_const", true, "Whether A_LTD is constant")
      .param(delay_u_bars, "delay_u_bars", 5.0, "ms", {}, "Delay with which u_bar_plus/minus are processed")
      .state(u_bar_plus, "u_bar_plus", -70.6, "mV", "Low-pass filtered membrane potential")
      .state(u_bar_minus, "u_bar_minus", -70.6, "mV", "Low-pass filtered membrane potential")
      .state(u_bar_bar, "u_bar_bar", -70.6, "mV", "Low-pass filtered u_bar_minus");
  m.internal(z, "_z").internal(clamp_r, "_clamp_r").internal(clamp_counts, "_clamp_counts");
  m.recordables = {"V_m", "w", "z", "V_th", "u_bar_plus", "u_bar_minus", "u_bar_bar"};
  m.validate = [](const ParamRow& row) {
    const std::string model = "aeif_psc_delta_clopath";
    check_spike_params(row, model, {false, false, "V_th_rest"});
    if (row.num("V_th_max") < row.num("V_th_rest")) throw BadProperty(model + ": V_th_max >= V_th_rest required.");
    if (row.num("C_m") <= 0.0) throw BadProperty(model + ": Ensure that C_m > 0");
    if (row.num("t_ref") < 0.0) throw BadProperty(model + ": Refractory time cannot be negative.");
    if (row.num("t_clamp") < 0.0) throw BadProperty(model + ": Ensure that t_clamp >= 0");
    check_rest(row, model, {"tau_w", "tau_V_th", "tau_z", "tau_u_bar_plus", "tau_u_bar_minus", "tau_u_bar_bar"});
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<AeifPscDeltaClopath>(info); };
  return m;
}

}  // namespace

const ModelInfo& aeif_psc_delta_clopath_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit::aeif
