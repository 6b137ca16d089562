// iaf_psc_exp_ps and iaf_psc_exp_ps_lossless: leaky integrate-and-fire neurons
// with exponentially decaying synaptic currents and spike times off the grid, as
// NEST 3.10's models. Inside a step the state is propagated exactly from one input
// spike to the next in the order of their offsets.
//
// They differ in how an interval is tested for a spike. iaf_psc_exp_ps looks at
// V at the interval's end, so it misses an excursion above threshold that is over
// by then. The lossless model (Krishnan et al. 2018) decides from the state at
// the interval's start whether V reaches threshold anywhere in it: the state
// space (V, I) splits into regions by curves through the threshold, and outside
// the "no spike" regions it bounds the crossing by the time of V's maximum. Both
// then locate the crossing with regula falsi. The lossless test needs equal
// synaptic time constants, both different from tau_m.
#include <cmath>
#include <limits>

#include "integrators/iaf_propagator.hpp"
#include "integrators/nest_expm1.hpp"
#include "models/neurons/precise/models.hpp"
#include "models/neurons/precise/precise_common.hpp"

namespace nestkit {
namespace {

enum class Kind { kPlain, kLossless };

// clang-format off
enum Col : int {
  // parameters
  C_m, tau_m, t_ref, E_L, V_reset, V_th, V_min, I_e, tau_syn_ex, tau_syn_in, tau_minus, tau_minus_triplet,
  // state users see: the synaptic currents
  I_ex, I_in,
  // state: V relative to E_L, the current that acts in this step,
  // refractoriness, the last spike (stamp, offset)
  y, y0, refractory, last_step, last_offset,
  // constants derived before each run
  expm1_tau_m, exp_ex, exp_in, P20, P21_ex, P21_in, theta, reset, lower, refractory_steps,
  // the lossless test's coefficients
  a1, a2, a3, a4, b1, b2, b3, b4, c1, c2, c3, c4, c5, c6,
};
// clang-format on

template <Kind K>
class IafPscExpPs final : public precise::PreciseNeuron<y, E_L> {
  static constexpr bool kLossless = K == Kind::kLossless;

 public:
  using precise::PreciseNeuron<y, E_L>::PreciseNeuron;

  void prepare(const RunContext& rc) override {
    this->prepare_queue(rc);
    const double h = this->h_;
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(expm1_tau_m) = std::expm1(-h / c(tau_m));
      c(exp_ex) = std::exp(-h / c(tau_syn_ex));
      c(exp_in) = std::exp(-h / c(tau_syn_in));
      c(P20) = -c(tau_m) / c(C_m) * integrators::nest_expm1(-h / c(tau_m));
      c(P21_ex) = integrators::IafPropagator(c(tau_syn_ex), c(tau_m), c(C_m)).p32(h);
      c(P21_in) = integrators::IafPropagator(c(tau_syn_in), c(tau_m), c(C_m)).p32(h);
      c(theta) = c(V_th) - c(E_L);
      c(reset) = c(V_reset) - c(E_L);
      c(lower) = c(V_min) - c(E_L);
      c(refractory_steps) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
      if constexpr (kLossless) {
        const double tm = c(tau_m), ts = c(tau_syn_ex), cm = c(C_m), th = c(theta);
        c(a1) = tm * ts;
        c(a2) = tm * (tm - ts);
        c(a3) = cm * th * (tm - ts);
        c(a4) = cm * (tm - ts);
        c(b1) = -tm * tm;
        c(b2) = tm * ts;
        c(b3) = tm * cm * th;
        c(b4) = -cm * (tm - ts);
        c(c1) = tm / cm;
        c(c2) = (-tm * ts) / (cm * (tm - ts));
        c(c3) = (tm * tm) / (cm * (tm - ts));
        c(c4) = ts / tm;
        c(c5) = (cm * th) / tm;
        c(c6) = 1.0 - ts / tm;
      }
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    // A node set above threshold fires at the very start of the interval.
    for (std::size_t i = begin; i < end; ++i)
      if (num_[y][i] >= num_[theta][i])
        spike(ctx, i, ctx.slice_origin + from + 1, this->h_ * (1.0 - std::numeric_limits<double>::epsilon()));
    for (long lag = from; lag < to; ++lag) {
      const long T = ctx.slice_origin + lag;
      for (std::size_t i = begin; i < end; ++i) step(ctx, i, T);
      this->sample(T, begin, end);
    }
  }

  double recordable(int k, std::size_t i) const override {
    // V_m, then (lossless) I_syn, I_syn_ex, I_syn_in.
    switch (k) {
      case 0:
        return this->v_m(i);
      case 1:
        return num_[I_ex][i] + num_[I_in][i];
      case 2:
        return num_[I_ex][i];
      default:
        return num_[I_in][i];
    }
  }

 private:
  using Population::n_;
  using Population::num_;

  // The state an interval starts from.
  struct Start {
    double V, Iex, Iin;
  };

  void step(StepContext& ctx, std::size_t i, long T) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    const double h = this->h_;
    const bool refr_ends = c(refractory) != 0.0 && T + 1 - static_cast<long>(c(last_step)) == c(refractory_steps);
    auto& in = this->inputs(i, T, refr_ends, c(last_offset));
    Start s{c(y), c(I_ex), c(I_in)};
    if (in.empty()) {
      // No input: the fixed full-step propagators.
      if (c(refractory) == 0.0) {
        const double v =
            c(P20) * (c(I_e) + c(y0)) + c(P21_ex) * c(I_ex) + c(P21_in) * c(I_in) + c(expm1_tau_m) * c(y) + c(y);
        c(y) = v < c(lower) ? c(lower) : v;
      }
      c(I_ex) *= c(exp_ex);
      c(I_in) *= c(exp_in);
      test(ctx, i, T, s, 0.0, h);
    } else {
      double last = h;  // offset of the interval's start
      for (const precise::TimedInput& ev : in) {
        const double ministep = last - ev.offset;
        // Simultaneous inputs: nothing to propagate, and no crossing in an empty interval.
        if (ministep > 0.0) {
          propagate(i, ministep);
          test(ctx, i, T, s, h - last, ministep);
        }
        if (ev.end_of_refractoriness)
          c(refractory) = 0.0;
        else if (ev.weight >= 0.0)
          c(I_ex) += ev.weight;
        else
          c(I_in) += ev.weight;
        s = {c(y), c(I_ex), c(I_in)};
        last = ev.offset;
      }
      if (last > 0.0) {
        propagate(i, last);
        test(ctx, i, T, s, h - last, last);
      }
    }
    // The current that arrived for this step acts from its end on.
    c(y0) = this->take_current(T, i);
  }

  void propagate(std::size_t i, double dt) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    if (c(refractory) == 0.0) {
      const double p20 = -c(tau_m) / c(C_m) * integrators::nest_expm1(-dt / c(tau_m));
      const double p21e = integrators::IafPropagator(c(tau_syn_ex), c(tau_m), c(C_m)).p32(dt);
      const double p21i = integrators::IafPropagator(c(tau_syn_in), c(tau_m), c(C_m)).p32(dt);
      c(y) = p20 * (c(I_e) + c(y0)) + p21e * c(I_ex) + p21i * c(I_in) + c(y) * std::exp(-dt / c(tau_m));
    }
    c(I_ex) *= std::exp(-dt / c(tau_syn_ex));
    c(I_in) *= std::exp(-dt / c(tau_syn_in));
  }

  // Did V reach threshold in the interval [t0, t0 + dt] of the step that started
  // from state s? If so, fire at the located crossing.
  void test(StepContext& ctx, std::size_t i, long T, const Start& s, double t0, double dt) {
    double bound = dt;  // the crossing lies in [0, bound] of the interval
    if constexpr (kLossless) {
      bound = spike_bound(i, s, dt);
      if (std::isnan(bound)) return;
    } else {
      if (num_[y][i] < num_[theta][i]) return;
    }
    auto c = [&](int k) -> double { return num_[k][i]; };
    const integrators::IafPropagator pe(c(tau_syn_ex), c(tau_m), c(C_m)), pi(c(tau_syn_in), c(tau_m), c(C_m));
    const double drive = c(I_e) + c(y0), th = c(theta);
    auto distance = [&](double t) {
      const double p20 = -c(tau_m) / c(C_m) * integrators::nest_expm1(-t / c(tau_m));
      return p20 * drive + pe.p32(t) * s.Iex + pi.p32(t) * s.Iin + s.V * std::exp(-t / c(tau_m)) - th;
    };
    const double root = precise::regula_falsi(distance, bound);
    if (std::isnan(root)) this->fail_crossing(i);
    spike(ctx, i, T + 1, this->h_ - (t0 + (std::isnan(root) ? bound : root)));
  }

  // The lossless test: NaN when V stays below threshold during dt from state s,
  // else an upper bound of the crossing time (dt, or the time V peaks).
  double spike_bound(std::size_t i, const Start& s, double dt) const {
    auto c = [&](int k) -> double { return num_[k][i]; };
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double I0 = s.Iex + s.Iin, V0 = s.V, Ie = c(y0) + c(I_e);
    const double e_s = integrators::nest_expm1(dt / c(tau_syn_ex));
    const double e_m = integrators::nest_expm1(dt / c(tau_m));
    const double e_ms = integrators::nest_expm1(dt / c(tau_m) - dt / c(tau_syn_ex));
    // f: the V0 above which V is at or above threshold at the interval's end.
    const double f = (c(a1) * I0 * e_ms + e_m * (c(a3) - Ie * c(a2)) + c(a3)) / c(a4);
    const double g = ((I0 + Ie) * (c(b1) * e_m + c(b2) * e_s) + c(b3) * (e_m - e_s)) / (c(b4) * e_s);
    if (V0 < g && V0 <= f) return nan;
    if (V0 >= f) return dt;
    // Below the envelope of trajectories that touch the threshold: no spike.
    if (V0 < c(c1) * Ie + c(c2) * I0 + c(c3) * std::pow(I0, c(c4)) * std::pow(c(c5) - Ie, c(c6))) return nan;
    // V peaks inside the interval above threshold: the crossing precedes the peak.
    return (c(a1) / c(tau_m) * c(tau_syn_ex)) * std::log(c(b1) * I0 / (c(a2) * Ie - c(a1) * I0 - c(a4) * V0));
  }

  void spike(StepContext& ctx, std::size_t i, long stamp, double offset) {
    num_[last_step][i] = static_cast<double>(stamp);
    num_[last_offset][i] = offset;
    num_[y][i] = num_[reset][i];
    num_[refractory][i] = 1.0;
    this->emit(ctx, i, stamp, 1, offset);
  }
};

template <Kind K>
ModelInfo make_info(const char* name) {
  constexpr bool kLossless = K == Kind::kLossless;
  ModelInfo m(name, NodeKind::kNeuron,
              std::string("https://nest-simulator.readthedocs.io/en/stable/models/") + name + ".html");
  m.family = "precise";
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(t_ref, "t_ref", 2.0, "ms", non_negative(),
             kLossless ? "Duration of refractory period" : "Duration of refractory period (at least one step)")
      .param(E_L, "E_L", -70.0, "mV", {}, "Resting membrane potential")
      .param(V_reset, "V_reset", -70.0, "mV", {}, "Reset potential of the membrane")
      .param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold")
      .param(V_min, "V_min", -std::numeric_limits<double>::infinity(), "mV", {}, "Absolute lower bound of V_m")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(tau_syn_ex, "tau_syn_ex", 2.0, "ms", positive(), "Time constant of the excitatory synaptic current")
      .param(tau_syn_in, "tau_syn_in", 2.0, "ms", positive(), "Time constant of the inhibitory synaptic current");
  iaf::declare_archiving(m, tau_minus);
  m.state(I_ex, "I_syn_ex", 0.0, "pA", "Excitatory synaptic current")
      .state(I_in, "I_syn_in", 0.0, "pA", "Inhibitory synaptic current");
  iaf::declare_internals(m, y, kLossless ? c6 : refractory_steps);
  m.derived_state("V_m", -70.0, "mV", "Membrane potential");
  if constexpr (kLossless)
    m.recordables = {"V_m", "I_syn", "I_syn_ex", "I_syn_in"};
  else
    m.recordables = {"V_m"};
  const std::string model = name;
  m.validate = [model](const ParamRow& row) {
    precise::require_reset_range(row, model);
    if constexpr (kLossless) {
      if (row.num("tau_syn_ex") != row.num("tau_syn_in"))
        throw BadProperty(model + ": tau_syn_ex == tau_syn_in is required (got " +
                          std::to_string(row.num("tau_syn_ex")) + " and " + std::to_string(row.num("tau_syn_in")) +
                          " ms); use iaf_psc_exp_ps for unequal time constants.");
      if (row.num("tau_m") == row.num("tau_syn_ex"))
        throw BadProperty(model + ": Membrane and synapse time constant(s) must differ (tau_m = tau_syn = " +
                          std::to_string(row.num("tau_m")) + " ms).");
    } else {
      precise::require_refractory_step(row, model);
    }
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafPscExpPs<K>>(info); };
  return m;
}

}  // namespace

const ModelInfo& precise::iaf_psc_exp_ps_model() {
  static const ModelInfo info = make_info<Kind::kPlain>("iaf_psc_exp_ps");
  return info;
}

const ModelInfo& precise::iaf_psc_exp_ps_lossless_model() {
  static const ModelInfo info = make_info<Kind::kLossless>("iaf_psc_exp_ps_lossless");
  return info;
}

}  // namespace nestkit
