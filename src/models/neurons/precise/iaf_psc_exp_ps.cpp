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
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "integrators/exp_array.hpp"
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
    prop_.clear();
    same_syn_ = true;
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      prop_.push_back({integrators::IafPropagator(c(tau_syn_ex), c(tau_m), c(C_m)),
                       integrators::IafPropagator(c(tau_syn_in), c(tau_m), c(C_m))});
      same_syn_ = same_syn_ && c(tau_syn_ex) == c(tau_syn_in);
      c(expm1_tau_m) = std::expm1(-h / c(tau_m));
      c(exp_ex) = std::exp(-h / c(tau_syn_ex));
      c(exp_in) = std::exp(-h / c(tau_syn_in));
      c(P20) = -c(tau_m) / c(C_m) * integrators::nest_expm1(-h / c(tau_m));
      c(P21_ex) = prop_.back().first.p32(h);
      c(P21_in) = prop_.back().second.p32(h);
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
    Block& b = precise::thread_block<Block>();
    for (long lag = from; lag < to; ++lag) {
      const long T = ctx.slice_origin + lag;
      for (std::size_t lo = begin; lo < end; lo += precise::kBlockNodes) {
        const std::size_t hi = std::min(end, lo + precise::kBlockNodes);
        this->gather(b.batch, T, lo, hi, {refractory, last_step, last_offset, refractory_steps});
        exponentials(b, lo, hi);
        for (std::size_t i = lo; i < hi; ++i) step(ctx, i, T, b, i - lo);
      }
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

  // A block's inputs and, per interval, the exponentials its propagators are made of:
  // expm1(-dt/tau_m) and exp(-dt/tau_m), and per synapse type the propagator's
  // exp(-dt/tau_syn) and expm1(dt/beta) (NEST forms these with products by inverses)
  // and the current's decay exp(-dt/tau_syn) (a quotient, as NEST writes it). The
  // inhibitory ones alias the excitatory ones when the time constants agree.
  struct Block {
    precise::StepBatch batch;
    std::vector<double> em1_m, exp_m, syn_e, xm1_e, decay_e, syn_i, xm1_i, decay_i;
  };

  void exponentials(Block& b, std::size_t lo, std::size_t hi) {
    const std::size_t m = b.batch.dt.size();
    for (auto* v : {&b.em1_m, &b.exp_m, &b.syn_e, &b.xm1_e, &b.decay_e}) v->resize(m);
    if (!same_syn_)
      for (auto* v : {&b.syn_i, &b.xm1_i, &b.decay_i}) v->resize(m);
    for (std::size_t i = lo; i < hi; ++i) {
      const auto& [ex, in] = prop_[i];
      const double tm = num_[tau_m][i], te = num_[tau_syn_ex][i], ti = num_[tau_syn_in][i];
      for (std::uint32_t j = b.batch.first_interval[i - lo]; j < b.batch.first_interval[i - lo + 1]; ++j) {
        const double dt = b.batch.dt[j];
        b.em1_m[j] = -dt / tm;
        b.syn_e[j] = ex.exp_syn_arg(dt);
        b.xm1_e[j] = ex.expm1_beta_arg(dt);
        b.decay_e[j] = -dt / te;
        if (!same_syn_) {
          b.syn_i[j] = in.exp_syn_arg(dt);
          b.xm1_i[j] = in.expm1_beta_arg(dt);
          b.decay_i[j] = -dt / ti;
        }
      }
    }
    integrators::exp_array(b.em1_m.data(), b.exp_m.data(), m);
    integrators::nest_expm1_array(b.em1_m.data(), b.em1_m.data(), m);
    for (auto* v : {&b.syn_e, &b.decay_e}) integrators::exp_array(v->data(), v->data(), m);
    integrators::nest_expm1_array(b.xm1_e.data(), b.xm1_e.data(), m);
    if (!same_syn_) {
      for (auto* v : {&b.syn_i, &b.decay_i}) integrators::exp_array(v->data(), v->data(), m);
      integrators::nest_expm1_array(b.xm1_i.data(), b.xm1_i.data(), m);
    }
  }

  // One step [T, T+1] of node i, the k-th of its block.
  void step(StepContext& ctx, std::size_t i, long T, const Block& b, std::size_t k) {
    auto c = [&](int col) -> double& { return num_[col][i]; };
    const double h = this->h_;
    const precise::StepBatch& in = b.batch;
    Start s{c(y), c(I_ex), c(I_in)};
    if (in.first_input[k] == in.first_input[k + 1]) {
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
      std::uint32_t j = in.first_interval[k];
      for (std::uint32_t e = in.first_input[k]; e < in.first_input[k + 1]; ++e, ++j) {
        const precise::TimedInput& ev = in.inputs[e];
        const double ministep = in.dt[j];
        // Simultaneous inputs: nothing to propagate, and no crossing in an empty interval.
        if (ministep > 0.0) {
          propagate(i, ministep, b, j);
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
        propagate(i, last, b, j);
        test(ctx, i, T, s, h - last, last);
      }
    }
    // The current that arrived for this step acts from its end on.
    c(y0) = this->take_current(T, i);
  }

  // Exact propagation of node i over the block's interval j of length dt, as NEST's propagate_.
  void propagate(std::size_t i, double dt, const Block& b, std::uint32_t j) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    if (c(refractory) == 0.0) {
      const double p20 = -c(tau_m) / c(C_m) * b.em1_m[j];
      const double p21e = prop_[i].first.p32(dt, b.syn_e[j], b.xm1_e[j]);
      const double p21i = same_syn_ ? p21e : prop_[i].second.p32(dt, b.syn_i[j], b.xm1_i[j]);
      c(y) = p20 * (c(I_e) + c(y0)) + p21e * c(I_ex) + p21i * c(I_in) + c(y) * b.exp_m[j];
    }
    c(I_ex) *= b.decay_e[j];
    c(I_in) *= same_syn_ ? b.decay_e[j] : b.decay_i[j];
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
    const integrators::IafPropagator &pe = prop_[i].first, &pi = prop_[i].second;
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

  std::vector<std::pair<integrators::IafPropagator, integrators::IafPropagator>> prop_;  // ex, in per node
  bool same_syn_ = true;  // tau_syn_ex == tau_syn_in on every node: one set of exponentials
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
