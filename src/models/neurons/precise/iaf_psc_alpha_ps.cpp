// iaf_psc_alpha_ps: leaky integrate-and-fire neuron with alpha-shaped synaptic
// currents and spike times off the grid, as NEST 3.10's model (Morrison et al.
// 2007). Inside a step the state is propagated exactly from one input spike to
// the next, in the order of their offsets; a threshold crossing in an interval
// is located by regula falsi on the exact solution from the interval's start,
// the spike carries its offset, and refractoriness ends exactly t_ref (in whole
// steps) after the precise spike time.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <utility>
#include <vector>

#include "integrators/exp_array.hpp"
#include "integrators/iaf_propagator.hpp"
#include "integrators/nest_expm1.hpp"
#include "models/neurons/precise/models.hpp"
#include "models/neurons/precise/precise_common.hpp"

namespace nestkit {
namespace {

// clang-format off
enum Col : int {
  // parameters
  C_m, tau_m, t_ref, E_L, V_reset, V_th, V_min, I_e, tau_syn_ex, tau_syn_in, tau_minus, tau_minus_triplet,
  // state: V relative to E_L, synaptic currents and their derivatives, the
  // current that acts in this step, refractoriness, the last spike (stamp, offset)
  y, I_ex, dI_ex, I_in, dI_in, y_input, refractory, last_step, last_offset,
  // constants derived before each run (as NEST derives them: products with inverses)
  expm1_tau_m, exp_ex, exp_in, P30, P31_ex, P32_ex, P31_in, P32_in, psc_norm_ex, psc_norm_in, theta, reset, lower,
  inv_tau_m, P30_factor, refractory_steps,
};
// clang-format on
enum Rec : int { kV_m, kI_syn_ex, kI_syn_in };

class IafPscAlphaPs final : public precise::PreciseNeuron<y, E_L> {
 public:
  using PreciseNeuron::PreciseNeuron;

  void prepare(const RunContext& rc) override {
    prepare_queue(rc);
    prop_.clear();
    same_syn_ = true;
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      const integrators::IafPropagator ex(c(tau_syn_ex), c(tau_m), c(C_m)), in(c(tau_syn_in), c(tau_m), c(C_m));
      prop_.push_back({ex, in});
      same_syn_ = same_syn_ && c(tau_syn_ex) == c(tau_syn_in);
      c(expm1_tau_m) = integrators::nest_expm1(-h_ / c(tau_m));
      c(exp_ex) = std::exp(-h_ / c(tau_syn_ex));
      c(exp_in) = std::exp(-h_ / c(tau_syn_in));
      c(P30) = -c(tau_m) / c(C_m) * c(expm1_tau_m);
      std::tie(c(P31_ex), c(P32_ex)) = ex.alpha(h_);
      std::tie(c(P31_in), c(P32_in)) = in.alpha(h_);
      c(psc_norm_ex) = M_E * (1.0 / c(tau_syn_ex));
      c(psc_norm_in) = M_E * (1.0 / c(tau_syn_in));
      c(theta) = c(V_th) - c(E_L);
      c(reset) = c(V_reset) - c(E_L);
      c(lower) = c(V_min) - c(E_L);
      c(inv_tau_m) = 1.0 / c(tau_m);
      c(P30_factor) = -c(tau_m) * (1.0 / c(C_m));
      c(refractory_steps) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    // A node set above threshold fires at the very start of the interval.
    for (std::size_t i = begin; i < end; ++i)
      if (num_[y][i] >= num_[theta][i])
        spike(ctx, i, ctx.slice_origin + from + 1, h_ * (1.0 - std::numeric_limits<double>::epsilon()));
    Block& b = precise::thread_block<Block>();
    for (long lag = from; lag < to; ++lag) {
      const long T = ctx.slice_origin + lag;
      for (std::size_t lo = begin; lo < end; lo += precise::kBlockNodes) {
        const std::size_t hi = std::min(end, lo + precise::kBlockNodes);
        gather(b.batch, T, lo, hi, {refractory, last_step, last_offset, refractory_steps});
        exponentials(b, lo, hi);
        for (std::size_t i = lo; i < hi; ++i) step(ctx, i, T, b, i - lo);
      }
      sample(T, begin, end);
    }
  }

  double recordable(int k, std::size_t i) const override {
    switch (k) {
      case kV_m:
        return v_m(i);
      case kI_syn_ex:
        return num_[I_ex][i];
      default:
        return num_[I_in][i];
    }
  }

 private:
  // The state an interval starts from (the crossing search integrates from it).
  struct Start {
    double V, Iex, dIex, Iin, dIin;
  };

  // A block's inputs and, per interval, the exponentials its propagators are made
  // of: expm1(-dt/tau_m), and per synapse type exp(-dt/tau_syn) and expm1(dt/beta)
  // (the inhibitory ones alias the excitatory ones when the time constants agree).
  struct Block {
    precise::StepBatch batch;
    std::vector<double> em1, exp_e, xm1_e, exp_i, xm1_i;
  };

  void exponentials(Block& b, std::size_t lo, std::size_t hi) {
    const std::size_t m = b.batch.dt.size();
    b.em1.resize(m);
    b.exp_e.resize(m);
    b.xm1_e.resize(m);
    if (!same_syn_) {
      b.exp_i.resize(m);
      b.xm1_i.resize(m);
    }
    for (std::size_t i = lo; i < hi; ++i) {
      const auto& [ex, in] = prop_[i];
      const double inv_m = num_[inv_tau_m][i];
      for (std::uint32_t j = b.batch.first_interval[i - lo]; j < b.batch.first_interval[i - lo + 1]; ++j) {
        const double dt = b.batch.dt[j];
        b.em1[j] = -dt * inv_m;
        b.exp_e[j] = ex.exp_syn_arg(dt);
        b.xm1_e[j] = ex.expm1_beta_arg(dt);
        if (!same_syn_) {
          b.exp_i[j] = in.exp_syn_arg(dt);
          b.xm1_i[j] = in.expm1_beta_arg(dt);
        }
      }
    }
    integrators::nest_expm1_array(b.em1.data(), b.em1.data(), m);
    integrators::exp_array(b.exp_e.data(), b.exp_e.data(), m);
    integrators::nest_expm1_array(b.xm1_e.data(), b.xm1_e.data(), m);
    if (!same_syn_) {
      integrators::exp_array(b.exp_i.data(), b.exp_i.data(), m);
      integrators::nest_expm1_array(b.xm1_i.data(), b.xm1_i.data(), m);
    }
  }

  // One step [T, T+1] of node i, the k-th of its block.
  void step(StepContext& ctx, std::size_t i, long T, const Block& b, std::size_t k) {
    auto c = [&](int col) -> double& { return num_[col][i]; };
    const precise::StepBatch& in = b.batch;
    Start s{c(y), c(I_ex), c(dI_ex), c(I_in), c(dI_in)};
    if (in.first_input[k] == in.first_input[k + 1]) {
      // No input: the fixed full-step propagators.
      if (c(refractory) == 0.0) {
        const double v = c(P30) * (c(I_e) + c(y_input)) + c(P31_ex) * c(dI_ex) + c(P32_ex) * c(I_ex) +
                         c(P31_in) * c(dI_in) + c(P32_in) * c(I_in) + c(expm1_tau_m) * c(y) + c(y);
        c(y) = v < c(lower) ? c(lower) : v;
      }
      c(I_ex) = c(exp_ex) * h_ * c(dI_ex) + c(exp_ex) * c(I_ex);
      c(dI_ex) *= c(exp_ex);
      c(I_in) = c(exp_in) * h_ * c(dI_in) + c(exp_in) * c(I_in);
      c(dI_in) *= c(exp_in);
      if (c(y) >= c(theta)) crossing(ctx, i, T, s, 0.0, h_);
    } else {
      double last = h_;  // offset of the interval's start
      std::uint32_t j = in.first_interval[k];
      for (std::uint32_t e = in.first_input[k]; e < in.first_input[k + 1]; ++e, ++j) {
        const precise::TimedInput& ev = in.inputs[e];
        const double ministep = in.dt[j];
        propagate(i, ministep, b, j);
        // Before the input is added: the search needs a continuous trajectory.
        if (c(y) >= c(theta)) crossing(ctx, i, T, s, h_ - last, ministep);
        if (ev.end_of_refractoriness)
          c(refractory) = 0.0;
        else if (ev.weight >= 0.0)
          c(dI_ex) += c(psc_norm_ex) * ev.weight;
        else
          c(dI_in) += c(psc_norm_in) * ev.weight;
        s = {c(y), c(I_ex), c(dI_ex), c(I_in), c(dI_in)};
        last = ev.offset;
      }
      if (last > 0.0) {
        propagate(i, last, b, j);
        if (c(y) >= c(theta)) crossing(ctx, i, T, s, h_ - last, last);
      }
    }
    // The current that arrived for this step acts from its end on.
    c(y_input) = take_current(T, i);
  }

  // Exact propagation of node i over the block's interval j of length dt (V stays
  // put while refractory), as NEST's propagate_.
  void propagate(std::size_t i, double dt, const Block& b, std::uint32_t j) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    const double pe = b.exp_e[j];
    const double pi = same_syn_ ? pe : b.exp_i[j];
    if (c(refractory) == 0.0) {
      const double em1 = b.em1[j];
      const double p30 = c(P30_factor) * em1;
      const auto [p31e, p32e] = prop_[i].first.alpha(dt, pe, b.xm1_e[j]);
      // Equal time constants: the inhibitory propagators are the excitatory ones.
      const auto [p31i, p32i] = same_syn_ ? std::pair{p31e, p32e} : prop_[i].second.alpha(dt, pi, b.xm1_i[j]);
      const double v = p30 * (c(I_e) + c(y_input)) + p31e * c(dI_ex) + p32e * c(I_ex) + p31i * c(dI_in) +
                       p32i * c(I_in) + c(y) * em1 + c(y);
      c(y) = v < c(lower) ? c(lower) : v;
    }
    c(I_ex) = pe * dt * c(dI_ex) + pe * c(I_ex);
    c(dI_ex) *= pe;
    c(I_in) = pi * dt * c(dI_in) + pi * c(I_in);
    c(dI_in) *= pi;
  }

  // V crossed the threshold in the interval of length dt that starts t0 after
  // the step's start, from state s: locate the crossing and fire there.
  void crossing(StepContext& ctx, std::size_t i, long T, const Start& s, double t0, double dt) {
    auto c = [&](int k) -> double { return num_[k][i]; };
    const integrators::IafPropagator &pe = prop_[i].first, &pi = prop_[i].second;
    const double drive = c(I_e) + c(y_input), th = c(theta);
    auto distance = [&](double t) {
      const double em1 = integrators::nest_expm1(-t * c(inv_tau_m));
      const auto [p31e, p32e] = pe.alpha(t);
      const auto [p31i, p32i] = pi.alpha(t);
      return c(P30_factor) * em1 * drive + p31e * s.dIex + p32e * s.Iex + p31i * s.dIin + p32i * s.Iin + s.V * em1 +
             s.V - th;
    };
    const double root = precise::regula_falsi(distance, dt);
    if (std::isnan(root)) fail_crossing(i);
    spike(ctx, i, T + 1, h_ - (t0 + (std::isnan(root) ? dt : root)));
  }

  void spike(StepContext& ctx, std::size_t i, long stamp, double offset) {
    num_[last_step][i] = static_cast<double>(stamp);
    num_[last_offset][i] = offset;
    num_[y][i] = num_[reset][i];
    num_[refractory][i] = 1.0;
    emit(ctx, i, stamp, 1, offset);
  }

  std::vector<std::pair<integrators::IafPropagator, integrators::IafPropagator>> prop_;  // ex, in per node
  bool same_syn_ = true;  // tau_syn_ex == tau_syn_in on every node: one set of exponentials
};

ModelInfo make_info() {
  ModelInfo m("iaf_psc_alpha_ps", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_psc_alpha_ps.html");
  m.family = "precise";
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(t_ref, "t_ref", 2.0, "ms", non_negative(), "Duration of refractory period (at least one step)")
      .param(E_L, "E_L", -70.0, "mV", {}, "Resting membrane potential")
      .param(V_reset, "V_reset", -70.0, "mV", {}, "Reset potential of the membrane")
      .param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold")
      .param(V_min, "V_min", -std::numeric_limits<double>::infinity(), "mV", {}, "Absolute lower bound of V_m")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(tau_syn_ex, "tau_syn_ex", 2.0, "ms", positive(), "Rise time of the excitatory synaptic alpha function")
      .param(tau_syn_in, "tau_syn_in", 2.0, "ms", positive(), "Rise time of the inhibitory synaptic alpha function");
  iaf::declare_archiving(m, tau_minus);
  iaf::declare_internals(m, y, refractory_steps);
  m.derived_state("V_m", -70.0, "mV", "Membrane potential");
  m.recordables = {"V_m", "I_syn_ex", "I_syn_in"};
  m.validate = [](const ParamRow& row) {
    const std::string model = "iaf_psc_alpha_ps";
    precise::require_reset_range(row, model);
    precise::require_refractory_step(row, model);
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafPscAlphaPs>(info); };
  return m;
}

}  // namespace

const ModelInfo& precise::iaf_psc_alpha_ps_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
