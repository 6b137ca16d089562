// aeif_psc_delta_clopath: AdEx neuron with delta input, a clamped spike of
// duration t_clamp, a spike afterpotential current z, an adaptive threshold
// V_th and the low-pass filtered membrane traces of the Clopath et al. (2010)
// plasticity rule, as NEST 3.10. Every step ends with the node's state handed to
// its Clopath archive, the history clopath_synapse reads.
#include <cmath>
#include <memory>

#include "integrators/rkf45_lanes.hpp"
#include "models/neurons/aeif/aeif_common.hpp"
#include "models/neurons/aeif/models.hpp"
#include "nestkit/clopath_archive.hpp"

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
    clopath_->resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      num_[V_peak_eff][i] = num_[V_peak][i];  // becomes the threshold state when Delta_T == 0
      num_[clamp_counts][i] = static_cast<double>(rc.grid->ms_to_steps(num_[t_clamp][i]));
      // Sized when the node first runs (delay_u_bars and max_delay as then).
      clopath_->init(i, rc.grid->delay_to_steps(num_[delay_u_bars][i]), rc.max_delay);
    }
  }

  ClopathArchive* clopath_archive() const override { return clopath_.get(); }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_sp = input_.row(kSpike, step);
      double* in_cur = input_.row(kCurrent, step);
      auto make = [&]<int W>() { return LaneDriver<W>{*this, ctx, step, in_sp, in_cur}; };
      // GSL's yp control: a_y = 0, a_dydt = 1.
      integrators::evolve_population<kN>(make, 0.0, 1.0, ctx.grid->resolution(), begin, end);
      for (std::size_t i = begin; i < end; ++i) in_sp[i] = in_cur[i] = 0.0;
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
  std::unique_ptr<ClopathArchive> clopath_ = std::make_unique<ClopathArchive>();

  // Node i's state at the end of the step that ends at `stamp`, for clopath_synapse.
  void write_clopath(std::size_t i, long stamp, double u, double u_bar_p, double u_bar_m, double u_bar_b) {
    const ClopathRule rule{num_[A_LTD][i],      num_[A_LTP][i],       num_[u_ref_squared][i],
                           num_[theta_plus][i], num_[theta_minus][i], num_[A_LTD_const][i] != 0.0};
    clopath_->write(i, grid_ptr_->steps_to_ms(stamp), u, u_bar_p, u_bar_m, u_bar_b, rule, grid_ptr_->resolution());
  }

  // What the right-hand side reads besides y, per lane (V = lane vector) or
  // for one neuron (V = double).
  template <class V>
  struct RhsParams {
    V V_peak, V_reset, g_L, C_m, E_L, Delta_T, tau_w, a, I_e, V_clamp, tau_z, tau_V_th, V_th_rest, tau_up, tau_um,
        tau_ubb, I_stim;
    V refractory, clamped;  // the refractory and clamp counts, read live (a spike inside the step changes them)
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums).
  template <class V>
  [[gnu::always_inline]] static void rhs(const RhsParams<V>& p, const V* s, V* d) {
    using namespace integrators;
    const auto is_refractory = p.refractory > 0.0, is_clamped = p.clamped > 0.0;
    const auto held = is_refractory | is_clamped;
    const V V_ = select(held, select(is_clamped, p.V_clamp, p.V_reset), lane_min(s[yV], p.V_peak));
    const V I_spike = select(p.Delta_T == 0.0, splat<V>(0.0), p.g_L * p.Delta_T * lane_exp((V_ - s[yVth]) / p.Delta_T));
    d[yV] = select(held, splat<V>(0.0), (-p.g_L * (V_ - p.E_L) + I_spike - s[yW] + s[yZ] + p.I_e + p.I_stim) / p.C_m);
    d[yW] = select(is_clamped, splat<V>(0.0), (p.a * (V_ - p.E_L) - s[yW]) / p.tau_w);
    d[yZ] = -s[yZ] / p.tau_z;
    d[yVth] = -(s[yVth] - p.V_th_rest) / p.tau_V_th;
    d[yUp] = (-s[yUp] + V_) / p.tau_up;
    d[yUm] = (-s[yUm] + V_) / p.tau_um;
    d[yUbb] = (-s[yUbb] + s[yUm]) / p.tau_ubb;
  }

  // Connects the population to the lock-step stepper for one simulation step.
  template <int W>
  struct LaneDriver {
    using V = typename integrators::Lanes<W>::V;
    AeifPscDeltaClopath& pop;
    StepContext& ctx;
    long step;
    const double *in_sp, *in_cur;
    RhsParams<V> p{};
    // Per lane: what the in-loop spike handling reads, the refractory and clamp
    // counts, the threshold in use, the input not yet applied (the step's input
    // enters after the first accepted integration step only), spikes so far,
    // and whether the runaway guard fired.
    double V_reset_[W]{}, V_clamp_[W]{}, b_[W]{}, I_sp_[W]{}, V_th_max_[W]{};
    double V_spike[W]{}, pending[W]{};
    long counts[W]{}, ccounts[W]{}, refr[W]{}, clamp[W]{};
    bool plain_threshold[W]{}, failed[W]{};
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
      p.I_e[l] = c(I_e);
      p.V_clamp[l] = c(V_clamp);
      p.tau_z[l] = c(tau_z);
      p.tau_V_th[l] = c(tau_V_th);
      p.V_th_rest[l] = c(V_th_rest);
      p.tau_up[l] = c(tau_u_bar_plus);
      p.tau_um[l] = c(tau_u_bar_minus);
      p.tau_ubb[l] = c(tau_u_bar_bar);
      p.I_stim[l] = c(I_stim);
      V_reset_[l] = c(V_reset);
      V_clamp_[l] = c(V_clamp);
      b_[l] = c(b);
      I_sp_[l] = c(I_sp);
      V_th_max_[l] = c(V_th_max);
      counts[l] = static_cast<long>(c(refr_counts));
      ccounts[l] = static_cast<long>(c(clamp_counts));
      refr[l] = static_cast<long>(c(r));
      clamp[l] = static_cast<long>(c(clamp_r));
      p.refractory[l] = static_cast<double>(refr[l]);
      p.clamped[l] = static_cast<double>(clamp[l]);
      V_spike[l] = c(V_peak_eff);
      plain_threshold[l] = c(Delta_T) == 0.;
      pending[l] = in_sp[i];
      failed[l] = false;
      spikes[l] = 0;
      y[yV][l] = c(V_m);
      y[yW][l] = c(w);
      y[yZ][l] = c(z);
      y[yVth][l] = c(V_th);
      y[yUp][l] = c(u_bar_plus);
      y[yUm][l] = c(u_bar_minus);
      y[yUbb][l] = c(u_bar_bar);
      s = {c(h_int), c(tol_used), c(tol_used)};
      return true;
    }

    [[gnu::always_inline]] void rhs(const V&, const V* y, V* f) const { AeifPscDeltaClopath::rhs<V>(p, y, f); }

    // After every accepted integration step: runaway guard, the delta input,
    // spike detection, the end of the clamp, the refractory clamp.
    bool accepted(int l, V* y) {
      double ys[kN];
      for (std::size_t k = 0; k < kN; ++k) ys[k] = y[k][l];
      if (runaway(ys[yV], ys[yW])) {
        failed[l] = true;
        return false;
      }
      if (refr[l] == 0 && clamp[l] == 0) ys[yV] = ys[yV] + pending[l];  // input during refractoriness or clamp is lost
      pending[l] = 0.0;
      if (plain_threshold[l]) V_spike[l] = ys[yVth];  // plain threshold crossing at the adaptive threshold
      if (ys[yV] >= V_spike[l] && clamp[l] == 0) {
        ys[yV] = V_clamp_[l];
        ys[yW] += b_[l];
        ys[yZ] = I_sp_[l];
        ys[yVth] = V_th_max_[l];
        clamp[l] = ccounts[l] > 0 ? ccounts[l] + 1 : 0;
        ++spikes[l];
      } else if (clamp[l] == 1) {
        // End of the clamped spike: reset, then the refractory period.
        ys[yV] = V_reset_[l];
        clamp[l] = 0;
        refr[l] = counts[l] > 0 ? counts[l] + 1 : 0;
      }
      if (refr[l] > 0) ys[yV] = V_reset_[l];
      for (std::size_t k = 0; k < kN; ++k) y[k][l] = ys[k];
      p.refractory[l] = static_cast<double>(refr[l]);
      p.clamped[l] = static_cast<double>(clamp[l]);
      return true;
    }

    void finish(int l, std::size_t i, const V* y, double h) {
      auto& num = pop.num_;
      // Spikes before a runaway in the same step are still sent (NEST emits them in the loop).
      for (int s = 0; s < spikes[l]; ++s) pop.emit(ctx, i, step + 1);
      long rr = refr[l], cc = clamp[l];
      if (failed[l]) {
        pop.fail(i);
      } else {
        pop.write_clopath(i, step + 1, y[yV][l], y[yUp][l], y[yUm][l], y[yUbb][l]);
        if (cc > 0) --cc;
        if (rr > 0) --rr;
      }
      num[h_int][i] = h;
      num[r][i] = static_cast<double>(rr);
      num[clamp_r][i] = static_cast<double>(cc);
      num[V_peak_eff][i] = V_spike[l];
      num[I_stim][i] = in_cur[i];
      num[V_m][i] = y[yV][l];
      num[w][i] = y[yW][l];
      num[z][i] = y[yZ][l];
      num[V_th][i] = y[yVth][l];
      num[u_bar_plus][i] = y[yUp][l];
      num[u_bar_minus][i] = y[yUm][l];
      num[u_bar_bar][i] = y[yUbb][l];
    }
  };
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
    if (row.num("u_ref_squared") <= 0.0) throw BadProperty(model + ": Ensure that u_ref_squared > 0");
  };
  m.archiving_params();
  m.make = [](const ModelInfo& info) { return std::make_unique<AeifPscDeltaClopath>(info); };
  return m;
}

}  // namespace

const ModelInfo& aeif_psc_delta_clopath_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit::aeif
