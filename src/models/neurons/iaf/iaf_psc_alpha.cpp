// iaf_psc_alpha: leaky integrate-and-fire neuron with alpha-shaped synaptic
// currents, integrated exactly (Rotter & Diesmann 1999), as NEST 3.10's model.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "core/cpu_features.hpp"
#include "integrators/iaf_propagator.hpp"
#include "integrators/nest_expm1.hpp"
#include "models/neurons/blocked_update.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {
namespace {

enum Col : int {
  // parameters
  C_m,
  tau_m,
  t_ref,
  E_L,
  V_reset,
  V_th,
  V_min,
  I_e,
  tau_syn_ex,
  tau_syn_in,
  tau_minus,
  tau_minus_triplet,
  // state relative to E_L, as integrated
  y3,
  I_ex,
  dI_ex,
  I_in,
  dI_in,
  y0,
  r,
  // constants derived before each run
  P11_ex,
  P21_ex,
  P31_ex,
  P32_ex,
  P11_in,
  P21_in,
  P31_in,
  P32_in,
  P30,
  expm1_tau_m,
  psc0_ex,
  psc0_in,
  theta,
  reset,
  lower,
  refractory_steps,
};
enum Rec : int { kV_m, kI_syn_ex, kI_syn_in };
enum Channel : int { kEx, kIn, kCurrent, kChannels };

class IafPscAlpha final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    const double h = rc.grid->resolution();
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(P11_ex) = std::exp(-h / c(tau_syn_ex));
      c(P11_in) = std::exp(-h / c(tau_syn_in));
      // numerics::expm1 in NEST (integrators/nest_expm1.hpp).
      c(expm1_tau_m) = integrators::nest_expm1(-h / c(tau_m));
      c(P30) = -c(tau_m) / c(C_m) * integrators::nest_expm1(-h / c(tau_m));
      c(P21_ex) = h * c(P11_ex);
      c(P21_in) = h * c(P11_in);
      std::tie(c(P31_ex), c(P32_ex)) = integrators::IafPropagator(c(tau_syn_ex), c(tau_m), c(C_m)).alpha(h);
      std::tie(c(P31_in), c(P32_in)) = integrators::IafPropagator(c(tau_syn_in), c(tau_m), c(C_m)).alpha(h);
      c(psc0_ex) = M_E / c(tau_syn_ex);
      c(psc0_in) = M_E / c(tau_syn_in);
      c(theta) = c(V_th) - c(E_L);
      c(reset) = c(V_reset) - c(E_L);
      c(lower) = c(V_min) - c(E_L);
      c(refractory_steps) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
    }
    uniform_ = true;
    for (int k = P11_ex; k <= refractory_steps && uniform_; ++k)
      uniform_ = std::all_of(num_[k].begin(), num_[k].end(), [&](double x) { return x == num_[k][0]; });
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    // Populations whose nodes share their parameters (the usual case) read the
    // propagators as scalars: far fewer memory streams in the hot loop.
    // Until a current arrives, the current channel's ring rows stay zero and are skipped:
    // a third less input streamed per step.
    const bool currents = std::atomic_ref<bool>(currents_).load(std::memory_order_relaxed);
    if (uniform_ && !currents)
      update_impl<true, false>(ctx, from, to, begin, end);
    else if (uniform_)
      update_impl<true, true>(ctx, from, to, begin, end);
    else
      update_impl<false, true>(ctx, from, to, begin, end);
  }

  void deliver_spikes(const SpikeBatch& b) override { deliver_sign_split(b, kEx, kIn); }
  void deliver_current(const CurrentBatch& b) override {
    std::atomic_ref<bool>(currents_).store(true, std::memory_order_relaxed);
    deliver_current_to(b, kCurrent);
  }

  double recordable(int k, std::size_t i) const override {
    switch (k) {
      case kV_m:
        return num_[y3][i] + num_[E_L][i];
      case kI_syn_ex:
        return num_[I_ex][i];
      default:
        return num_[I_in][i];
    }
  }

 protected:
  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    row[info_->index_of("V_m")] = num_[y3][i] + num_[E_L][i];
  }
  void write_derived(std::size_t i, const std::vector<Value>& row) override {
    num_[y3][i] = std::get<double>(row[info_->index_of("V_m")]) - num_[E_L][i];
  }

 private:
  // One step of neurons [b, e): written without branches so that the compiler
  // vectorises it; the operations and their order per neuron are NEST's, so the
  // results keep their bits. spiked[i - b] tells which neurons crossed threshold.
  template <bool U, bool Cur>
  [[gnu::always_inline]] inline void step_rows(long step, std::size_t b, std::size_t e, double* spiked) {
    double* __restrict V = col(y3);
    double* __restrict Iex = col(I_ex);
    double* __restrict dIex = col(dI_ex);
    double* __restrict Iin = col(I_in);
    double* __restrict dIin = col(dI_in);
    double* __restrict I0 = col(y0);
    double* __restrict R = col(r);
    const double* __restrict ie = col(I_e);
    double* __restrict in_ex = input_.row(kEx, step);
    double* __restrict in_in = input_.row(kIn, step);
    double* __restrict in_cur = Cur ? input_.row(kCurrent, step) : nullptr;
    const blocked::Const<U> p11e(col(P11_ex)), p21e(col(P21_ex)), p31e(col(P31_ex)), p32e(col(P32_ex));
    const blocked::Const<U> p11i(col(P11_in)), p21i(col(P21_in)), p31i(col(P31_in)), p32i(col(P32_in));
    const blocked::Const<U> p30(col(P30)), em1(col(expm1_tau_m)), th(col(theta)), rs(col(reset)), lo(col(lower));
    const blocked::Const<U> refr(col(refractory_steps)), e0(col(psc0_ex)), i0(col(psc0_in));
    // The columns are distinct arrays; every operand is loaded before the selects
    // (a conditional load would stop the vectoriser).
#pragma GCC ivdep
    for (std::size_t i = b; i < e; ++i) {
      const double v = V[i], refr_left = R[i], lo_i = lo[i], th_i = th[i], rs_i = rs[i], refr_i = refr[i];
      // Refractory neurons compute a membrane update too and discard it.
      const double v_free = p30[i] * (I0[i] + ie[i]) + p31e[i] * dIex[i] + p32e[i] * Iex[i] + p31i[i] * dIin[i] +
                            p32i[i] * Iin[i] + em1[i] * v + v;
      const double v_clamped = v_free < lo_i ? lo_i : v_free;
      const bool active = refr_left == 0.0;
      const double v_new = active ? v_clamped : v;
      const double r_new = active ? refr_left : refr_left - 1.0;
      Iex[i] = p21e[i] * dIex[i] + p11e[i] * Iex[i];
      dIex[i] = dIex[i] * p11e[i] + e0[i] * in_ex[i];
      Iin[i] = p21i[i] * dIin[i] + p11i[i] * Iin[i];
      dIin[i] = dIin[i] * p11i[i] + i0[i] * in_in[i];
      const bool spike = v_new >= th_i;
      V[i] = spike ? rs_i : v_new;
      R[i] = spike ? refr_i : r_new;
      spiked[i - b] = spike ? 1.0 : 0.0;  // a double: the loop stays in one vector width
      if constexpr (Cur) {
        I0[i] = in_cur[i];  // without currents I0 stays 0, as in_cur would set it
        in_cur[i] = 0.0;
      }
      in_ex[i] = 0.0;
      in_in[i] = 0.0;
    }
  }

  // The same step compiled for AVX2 (four neurons per instruction) and for the baseline.
  template <bool U, bool Cur>
  NESTKIT_TARGET_AVX2 void step_rows_avx2(long step, std::size_t b, std::size_t e, double* spiked) {
    step_rows<U, Cur>(step, b, e, spiked);
  }
  template <bool U, bool Cur>
  void step_rows_base(long step, std::size_t b, std::size_t e, double* spiked) {
    step_rows<U, Cur>(step, b, e, spiked);
  }

  template <bool U, bool Cur>
  void update_impl(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) {
    if (begin >= end) return;
    blocked::run(
        ctx.slice_origin, from, to, begin, end, !samplers_.empty(),
        [&](long step, std::size_t b, std::size_t e, double* spiked) {
          if (use_avx2())
            step_rows_avx2<U, Cur>(step, b, e, spiked);
          else
            step_rows_base<U, Cur>(step, b, e, spiked);
        },
        [&](std::size_t i, long step) { emit(ctx, i, step + 1); }, [&](long step) { sample(step, begin, end); });
  }

  bool uniform_ = false;
  bool currents_ = false;  // set by the first current delivered (atomic_ref: threads deliver at once)
};

ModelInfo make_info() {
  ModelInfo m("iaf_psc_alpha", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_psc_alpha.html");
  m.family = "iaf_current";
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(t_ref, "t_ref", 2.0, "ms", non_negative(), "Duration of refractory period")
      .param(E_L, "E_L", -70.0, "mV", {}, "Resting membrane potential")
      .param(V_reset, "V_reset", -70.0, "mV", {}, "Reset potential of the membrane")
      .param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold")
      .param(V_min, "V_min", -std::numeric_limits<double>::infinity(), "mV", {}, "Absolute lower bound of V_m")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(tau_syn_ex, "tau_syn_ex", 2.0, "ms", positive(), "Rise time of the excitatory synaptic alpha function")
      .param(tau_syn_in, "tau_syn_in", 2.0, "ms", positive(), "Rise time of the inhibitory synaptic alpha function")
      .param(tau_minus, "tau_minus", 20.0, "ms", positive(), "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", positive(),
             "Triplet-STDP post-synaptic time constant");
  for (int c = y3; c <= refractory_steps; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.derived_state("V_m", -70.0, "mV", "Membrane potential");
  m.recordables = {"V_m", "I_syn_ex", "I_syn_in"};
  m.validate = [](const ParamRow& row) {
    if (row.num("V_reset") >= row.num("V_th"))
      throw BadProperty("iaf_psc_alpha: Reset potential must be smaller than threshold (V_reset < V_th).");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafPscAlpha>(info); };
  return m;
}

}  // namespace

const ModelInfo& iaf_psc_alpha_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
