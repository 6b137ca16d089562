// iaf_psc_delta_ps: leaky integrate-and-fire neuron whose input spikes make V
// jump by their weight, with spike times off the grid, as NEST 3.10's model.
// Between inputs V relaxes towards R (I + I_e), so a crossing driven by the
// current has a closed-form time, t = -tau_m ln((V_inf - V)/(V_inf - V_th))
// back from the point where V was found above threshold; a crossing caused by an
// input happens at that input's time. Inputs at the same offset act together.
// Inputs during refractoriness are dropped (NEST 3.10 shows refractory_input, but
// it cannot be set and is always false).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "integrators/nest_expm1.hpp"
#include "models/neurons/precise/models.hpp"
#include "models/neurons/precise/precise_common.hpp"

namespace nestkit {
namespace {

// clang-format off
enum Col : int {
  // parameters
  C_m, tau_m, t_ref, E_L, V_reset, V_th, V_min, I_e, tau_minus, tau_minus_triplet,
  // shown, not settable (always false in NEST 3.10)
  refractory_input,
  // state: V relative to E_L, the current that acts in this step, refractoriness,
  // the last spike (stamp, offset)
  y, I, refractory, last_step, last_offset,
  // constants derived before each run
  exp_t, expm1_t, R, theta, reset, lower, refractory_steps,
};
// clang-format on

class IafPscDeltaPs final : public precise::PreciseNeuron<y, E_L> {
 public:
  using PreciseNeuron::PreciseNeuron;

  void prepare(const RunContext& rc) override {
    prepare_queue(rc);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(exp_t) = std::exp(-h_ / c(tau_m));
      c(expm1_t) = integrators::nest_expm1(-h_ / c(tau_m));
      c(R) = c(tau_m) / c(C_m);
      c(theta) = c(V_th) - c(E_L);
      c(reset) = c(V_reset) - c(E_L);
      c(lower) = c(V_min) - c(E_L);
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
        // expm1(-dt/tau_m) of every interval of the block, four lanes at a time.
        const precise::StepBatch& in = b.batch;
        b.em1.resize(in.dt.size());
        for (std::size_t i = lo; i < hi; ++i)
          for (std::uint32_t j = in.first_interval[i - lo]; j < in.first_interval[i - lo + 1]; ++j)
            b.em1[j] = -in.dt[j] / num_[tau_m][i];
        integrators::nest_expm1_array(b.em1.data(), b.em1.data(), b.em1.size());
        for (std::size_t i = lo; i < hi; ++i) step(ctx, i, T, b, i - lo);
      }
      sample(T, begin, end);
      for (std::size_t i = begin; i < end; ++i) num_[I][i] = take_current(T, i);
    }
  }

  double recordable(int, std::size_t i) const override { return v_m(i); }

 private:
  // A block's inputs and expm1(-dt/tau_m) of each of their intervals.
  struct Block {
    precise::StepBatch batch;
    std::vector<double> em1;
  };

  // One step [T, T+1] of node i, the k-th of its block. Input e of the node's inputs
  // ends the interval first_interval[k] + (e - first_input[k]); the remainder follows.
  void step(StepContext& ctx, std::size_t i, long T, const Block& b, std::size_t node) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    const precise::StepBatch& batch = b.batch;
    const precise::TimedInput* in = batch.inputs.data() + batch.first_input[node];
    const std::size_t count = batch.first_input[node + 1] - batch.first_input[node];
    const double* em1 = b.em1.data() + batch.first_interval[node];
    if (count == 0) {
      if (c(refractory) != 0.0) return;
      // Written as U + expm1 (U - V_inf): more accurate than exp(-h/tau) U + (1 - exp) V_inf near V_inf.
      const double drive = -c(expm1_t) * c(R) * (c(I) + c(I_e));
      const double v = drive + c(expm1_t) * c(y) + c(y);
      c(y) = v < c(lower) ? c(lower) : v;
      if (c(y) >= c(theta)) current_crossing(ctx, i, T, 0.0);
      return;
    }
    double t = h_;  // offset reached so far
    // Inputs at one offset act as one (NEST accumulates simultaneous spikes).
    for (std::size_t k = 0; k < count; ++k) {
      const precise::TimedInput& ev = in[k];
      const double* em1_here = em1 + k;  // the interval that ends at this input
      double weight = ev.weight;
      if (!ev.end_of_refractoriness)
        while (k + 1 < count && !in[k + 1].end_of_refractoriness && in[k + 1].offset == ev.offset)
          weight += in[++k].weight;
      if (c(refractory) != 0.0) {
        // Input while refractory is lost; at the end of refractoriness V may already be above threshold.
        t = ev.offset;
        if (ev.end_of_refractoriness) {
          c(refractory) = 0.0;
          if (c(y) >= c(theta)) spike(ctx, i, T + 1, t);
        }
        continue;
      }
      propagate(i, *em1_here);
      t = ev.offset;
      if (c(y) >= c(theta)) {
        // Crossed by the current before this input arrived; refractory now, the input is lost.
        current_crossing(ctx, i, T, t);
        continue;
      }
      c(y) += weight;
      if (c(y) >= c(theta)) spike(ctx, i, T + 1, t);
    }
    if (c(refractory) == 0.0 && t > 0.0) {
      propagate(i, em1[count]);  // the remainder to the step's end
      if (c(y) >= c(theta)) current_crossing(ctx, i, T, 0.0);
    }
  }

  // Exact relaxation of node i over an interval, from its expm1(-dt/tau_m).
  void propagate(std::size_t i, double em1) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    const double v_inf = c(R) * (c(I) + c(I_e));
    c(y) = -v_inf * em1 + c(y) * em1 + c(y);
  }

  // V was found above threshold at offset `offset`: the current drove it there,
  // and the closed-form solution gives how long ago it crossed.
  void current_crossing(StepContext& ctx, std::size_t i, long T, double offset) {
    auto c = [&](int k) -> double { return num_[k][i]; };
    const double v_inf = c(R) * (c(I) + c(I_e));
    const double since = -c(tau_m) * std::log((v_inf - c(y)) / (v_inf - c(theta)));
    spike(ctx, i, T + 1, offset + since);
  }

  void spike(StepContext& ctx, std::size_t i, long stamp, double offset) {
    num_[last_step][i] = static_cast<double>(stamp);
    num_[last_offset][i] = offset;
    num_[y][i] = num_[reset][i];
    num_[refractory][i] = 1.0;
    emit(ctx, i, stamp, 1, offset);
  }
};

ModelInfo make_info() {
  ModelInfo m("iaf_psc_delta_ps", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_psc_delta_ps.html");
  m.family = "precise";
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(t_ref, "t_ref", 2.0, "ms", non_negative(), "Duration of refractory period (at least one step)")
      .param(E_L, "E_L", -70.0, "mV", {}, "Resting membrane potential")
      .param(V_reset, "V_reset", -70.0, "mV", {}, "Reset potential of the membrane")
      .param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold")
      .param(V_min, "V_min", -std::numeric_limits<double>::max(), "mV", {}, "Absolute lower bound of V_m")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current");
  iaf::declare_archiving(m, tau_minus);
  m.flag(refractory_input, "refractory_input", false, "Whether input during refractoriness is kept (always false)");
  m.specs.back().role = Role::kReadOnly;
  iaf::declare_internals(m, y, refractory_steps);
  m.derived_state("V_m", -70.0, "mV", "Membrane potential");
  m.recordables = {"V_m"};
  m.validate = [](const ParamRow& row) {
    const std::string model = "iaf_psc_delta_ps";
    precise::require_reset_range(row, model);
    precise::require_refractory_step(row, model);
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafPscDeltaPs>(info); };
  return m;
}

}  // namespace

const ModelInfo& precise::iaf_psc_delta_ps_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
