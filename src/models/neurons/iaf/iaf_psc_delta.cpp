// iaf_psc_delta: leaky integrate-and-fire neuron whose input spikes make the
// membrane potential jump by their weight (mV), as NEST 3.10's model. Spikes that
// arrive while refractory are dropped, or with refractory_input decayed to the end
// of the refractory period and added then. Like NEST it also has the
// ignore-and-spike mechanism: spikes at fixed intervals whatever the dynamics.
#include <cmath>
#include <limits>

#include "integrators/leak_propagator.hpp"
#include "models/neurons/iaf/iaf_common.hpp"
#include "models/neurons/iaf/iaf_exp_family.hpp"

namespace nestkit {
namespace {

// Columns, grouped by role.
// clang-format off
enum Col : int {
  // parameters
  C_m, tau_m, t_ref, E_L, V_reset, V_th, V_min, I_e, refractory_input, tau_minus, tau_minus_triplet, ignore_and_spike,
  ignore_and_spike_offset, ignore_and_spike_interval,
  // state: V relative to E_L, current input, refractory steps left, input saved while refractory
  y, y0, r, refr_buffer,
  // ignore-and-spike: steps to the next forced spike (< 0: start from the offset at the
  // next run) and the offset that count was started from
  isp_until, isp_offset_seen,
  // constants derived before each run
  P33, P30, theta, reset, lower, refractory_steps, isp_interval_steps,
};
// clang-format on
enum Channel : int { kSpikes, kCurrent, kChannels };

class IafPscDelta final : public iaf::RelativeVmPopulation<y, E_L> {
 public:
  using RelativeVmPopulation::RelativeVmPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(P33) = std::exp(-h_ / c(tau_m));
      c(P30) = integrators::leak_current_propagator_inv_c_first(c(tau_m), c(C_m), c(P33));
      c(theta) = c(V_th) - c(E_L);
      c(reset) = c(V_reset) - c(E_L);
      c(lower) = c(V_min) - c(E_L);
      c(refractory_steps) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
      c(isp_interval_steps) = static_cast<double>(rc.grid->ms_to_steps(c(ignore_and_spike_interval)));
      if (c(isp_until) < 0.0) c(isp_until) = static_cast<double>(rc.grid->ms_to_steps(c(ignore_and_spike_offset)));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double *V = col(y), *I0 = col(y0), *R = col(r), *buf = col(refr_buffer), *until = col(isp_until);
    const double *p33 = col(P33), *p30 = col(P30), *ie = col(I_e), *th = col(theta), *rs = col(reset);
    const double *lo = col(lower), *refr = col(refractory_steps), *tm = col(tau_m), *with_refr = col(refractory_input);
    const double *forced = col(ignore_and_spike), *interval = col(isp_interval_steps);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_spk = input_.row(kSpikes, step);
      double* in_cur = input_.row(kCurrent, step);
      for (std::size_t i = begin; i < end; ++i) {
        if (R[i] == 0.0) {
          V[i] = p30[i] * (I0[i] + ie[i]) + p33[i] * V[i] + in_spk[i];
          if (with_refr[i] != 0.0 && buf[i] != 0.0) {
            V[i] += buf[i];
            buf[i] = 0.0;
          }
          V[i] = V[i] < lo[i] ? lo[i] : V[i];
        } else {
          // Input during refractoriness, decayed to the end of the refractory period.
          if (with_refr[i] != 0.0) buf[i] += in_spk[i] * std::exp(-R[i] * h_ / tm[i]);
          R[i] -= 1.0;
        }
        bool spike;
        if (forced[i] != 0.0) {
          until[i] -= 1.0;
          spike = until[i] == 0.0;
          if (spike) until[i] = interval[i];
        } else {
          spike = V[i] >= th[i];
        }
        if (spike) {
          R[i] = refr[i];
          V[i] = rs[i];
          emit(ctx, i, step + 1);
        }
        I0[i] = in_cur[i];
        in_spk[i] = in_cur[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  // Excitatory and inhibitory spikes share one channel: both are voltage jumps.
  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      input_.add(kSpikes, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, b.weight[k] * b.weight_factor * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int, std::size_t i) const override { return v_m(i); }

 protected:
  void write_derived(std::size_t i, const std::vector<Value>& row) override {
    RelativeVmPopulation::write_derived(i, row);
    // A newly set offset restarts the count to the next forced spike.
    const double offset = std::get<double>(row[info_->index_of("ignore_and_spike_offset")]);
    if (offset != num_[isp_offset_seen][i]) {
      num_[isp_offset_seen][i] = offset;
      num_[isp_until][i] = -1.0;
    }
  }

 private:
  double h_ = 0.1;
};

ModelInfo make_info() {
  ModelInfo m("iaf_psc_delta", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_psc_delta.html");
  m.family = "iaf_current";
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(t_ref, "t_ref", 2.0, "ms", non_negative(), "Duration of refractory period")
      .param(E_L, "E_L", -70.0, "mV", {}, "Resting membrane potential")
      .param(V_reset, "V_reset", -70.0, "mV", {}, "Reset potential of the membrane")
      .param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold")
      // NEST's default lower bound is -DBL_MAX relative to E_L, which reads back as -DBL_MAX.
      .param(V_min, "V_min", -std::numeric_limits<double>::max(), "mV", {}, "Absolute lower bound of V_m")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .flag(refractory_input, "refractory_input", false,
            "Integrate spikes that arrive during the refractory period once it ends");
  iaf::declare_archiving(m, tau_minus);
  m.flag(ignore_and_spike, "ignore_and_spike", false, "Spike at fixed intervals, ignoring the dynamics")
      .param(ignore_and_spike_offset, "ignore_and_spike_offset", 1.0, "ms", positive(),
             "Time of the first forced spike")
      .param(ignore_and_spike_interval, "ignore_and_spike_interval", 100.0, "ms", positive(),
             "Interval between forced spikes");
  iaf::declare_internals(m, y, isp_interval_steps);
  m.derived_state("V_m", -70.0, "mV", "Membrane potential");
  m.recordables = {"V_m"};
  m.validate = [](const ParamRow& row) {
    iaf::require_reset_below_threshold(row, "iaf_psc_delta");
    restart_forced_spikes_if_given(row, isp_offset_seen);
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafPscDelta>(info); };
  return m;
}

}  // namespace

const ModelInfo& iaf_psc_delta_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
