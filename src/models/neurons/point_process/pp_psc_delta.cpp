// pp_psc_delta: point-process neuron with a leaky membrane driven by delta
// synapses and escape noise (Cardanobile & Rotter 2010; Deger et al. 2014), as
// NEST 3.10's model. Each step: V integrates exactly, the adaptation kernels
// (tau_sfa, q_sfa) decay and sum to E_sfa; outside the dead time the rate
// c_1 V' + c_2 exp(c_3 V'), V' = V_m - E_sfa, gives
//  - with a dead time: one spike with probability 1 - exp(-rate h) (Bernoulli),
//  - without: a Poisson number of spikes, sent as one event of that multiplicity.
// A spike starts the dead time (fixed, or gamma-distributed with shape
// dead_time_shape and mean dead_time), raises the kernels by q_sfa per spike and,
// with with_reset, sets V_m to 0. V keeps integrating during the dead time.
#include <cmath>

#include "integrators/nest_expm1.hpp"
#include "models/neurons/point_process/gif_common.hpp"
#include "models/neurons/point_process/models.hpp"

namespace nestkit {
namespace {

enum Col : int {
  // parameters
  I_e,
  C_m,
  tau_m,
  dead_time,
  dead_time_random,
  dead_time_shape,
  with_reset,
  c_1,
  c_2,
  c_3,
  t_ref_remaining,
  tau_minus,
  tau_minus_triplet,
  // state
  V_m,
  E_sfa,
  // internals: input current of the running step, dead-time steps left, whether
  // t_ref_remaining has been applied (NEST's init_state_ at the first run),
  // propagators and the fixed dead time in steps
  y0,
  r,
  initialized,
  P30,
  P33,
  dead_steps,
};
enum Rec : int { kV_m, kE_sfa };
enum Channel : int { kSpikes, kCurrent, kChannels };

class PpPscDelta final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
    seed_ = rc.seed;
    const int tau_c = info_->specs[info_->index_of("tau_sfa")].column;
    const int q_c = info_->specs[info_->index_of("q_sfa")].column;
    auto vec = [&](int c) { return [this, c](std::size_t i) -> const std::vector<double>& { return list(c, i); }; };
    sfa_.layout(n_, h_, vec(tau_c), vec(q_c));
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      // NEST raises a dead time shorter than one step to one step (and reports it).
      if (c(dead_time) != 0.0 && c(dead_time) < h_) c(dead_time) = h_;
      c(P33) = std::exp(-h_ / c(tau_m));
      c(P30) = 1 / c(C_m) * (1 - c(P33)) * c(tau_m);
      c(dead_steps) = static_cast<double>(rc.grid->ms_to_steps(c(dead_time)));
      if (c(initialized) == 0.0) {
        c(r) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref_remaining)));
        c(initialized) = 1.0;
      }
    }
    grid_ = rc.grid;
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double *V = col(V_m), *Q = col(E_sfa), *I0 = col(y0), *R = col(r);
    const double *p30 = col(P30), *p33 = col(P33), *ie = col(I_e);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_spk = input_.row(kSpikes, step);
      double* in_cur = input_.row(kCurrent, step);
      for (std::size_t i = begin; i < end; ++i) {
        V[i] = p30[i] * (I0[i] + ie[i]) + p33[i] * V[i] + in_spk[i];
        // Unlike the GIF models, the kernels decay before they are summed.
        double q = 0.0;
        for (std::size_t j = sfa_.off[i]; j < sfa_.off[i + 1]; ++j) {
          sfa_.elem[j] = sfa_.decay[j] * sfa_.elem[j];
          q += sfa_.elem[j];
        }
        Q[i] = q;
        if (R[i] == 0.0)
          fire(ctx, i, step);
        else
          R[i] -= 1.0;
        I0[i] = in_cur[i];
        in_spk[i] = in_cur[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m) input_.add(kSpikes, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, b.weight[k] * b.weight_factor * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int k, std::size_t i) const override { return num_[k == kV_m ? V_m : E_sfa][i]; }

 private:
  const std::vector<double>& list(int c, std::size_t i) const { return std::get<std::vector<double>>(obj_[c][i]); }

  // The escape-noise draw of node i outside its dead time.
  void fire(StepContext& ctx, std::size_t i, long step) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    const double v_eff = c(V_m) - c(E_sfa);
    const double rate = c(c_1) * v_eff + c(c_2) * std::exp(c(c_3) * v_eff);  // Hz
    if (!(rate > 0.0)) return;
    const double mu = rate * h_ * 1e-3;
    // Below 2^-53 (the resolution of the uniform draw) a spike is as good as
    // impossible (and a Poisson draw is exactly 0): no draw is made.
    if (!(mu > 0x1p-53)) return;
    if (!std::isfinite(mu) || (c(dead_time) == 0.0 && mu > 1e9)) {
      // NEST's draw would be meaningless here; the kernel raises this after the slice.
      report_error(model_name_ + ": the escape rate " + std::to_string(rate) +
                   " Hz at V_m = " + std::to_string(c(V_m)) + " mV is too large to draw a spike count from");
      return;
    }
    // One stream per node and step: the draws do not depend on threads or chunking.
    RandomStream rs(seed_, Purpose::kPointProcess, first_gid_ + static_cast<uint32_t>(i), static_cast<uint64_t>(step));
    long n = 0;
    if (c(dead_time) > 0.0)
      n = rs.uniform() <= -integrators::nest_expm1(-mu) ? 1 : 0;
    else
      n = rs.poisson(mu);
    if (n == 0) return;
    if (c(dead_time_random) != 0.0) {
      // Gamma(shape) with integer shape: a sum of unit exponentials; scaled so that
      // the mean is dead_time.
      const long shape = static_cast<long>(c(dead_time_shape));
      double g = 0.0;
      for (long k = 0; k < shape; ++k) g += -std::log(rs.uniform_pos());
      const double rate_dt = static_cast<double>(shape) / c(dead_time);
      c(r) = static_cast<double>(grid_->ms_to_steps(g / rate_dt));
    } else {
      c(r) = c(dead_steps);
    }
    for (std::size_t j = sfa_.off[i]; j < sfa_.off[i + 1]; ++j) sfa_.elem[j] += sfa_.jump[j] * static_cast<double>(n);
    emit(ctx, i, step + 1, static_cast<uint32_t>(n));
    if (c(with_reset) != 0.0) c(V_m) = 0.0;
  }

  gif::Kernels sfa_;
  const TimeGrid* grid_ = nullptr;
  double h_ = 0.1;
  uint32_t seed_ = 0;
};

ModelInfo make_info() {
  ModelInfo m("pp_psc_delta", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/pp_psc_delta.html");
  m.family = "point_process";
  m.param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(dead_time, "dead_time", 1.0, "ms", non_negative(), "Duration of the dead time (0: Poisson spike counts)")
      .flag(dead_time_random, "dead_time_random", false, "Draw a gamma-distributed dead time after each spike")
      .integer(dead_time_shape, "dead_time_shape", 1, at_least(1), "Shape of the gamma-distributed dead time")
      .flag(with_reset, "with_reset", true, "Reset V_m to 0 after a spike")
      .param(c_1, "c_1", 0.0, "Hz/mV", {}, "Slope of the linear part of the transfer function")
      .param(c_2, "c_2", 1.238, "Hz", {}, "Prefactor of the exponential part of the transfer function")
      .param(c_3, "c_3", 0.25, "1/mV", non_negative(), "Coefficient of the exponential non-linearity")
      .param(t_ref_remaining, "t_ref_remaining", 0.0, "ms", non_negative(), "Remaining dead time at the first run")
      .param(tau_minus, "tau_minus", 20.0, "ms", positive(), "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", positive(),
             "Triplet-STDP post-synaptic time constant")
      .state(V_m, "V_m", 0.0, "mV", "Membrane potential (relative to rest)")
      .state(E_sfa, "E_sfa", 0.0, "mV", "Adaptive threshold (sum of the adaptation kernels)");
  for (int c = y0; c <= dead_steps; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.object("tau_sfa", PType::kDoubleVec, std::vector<double>{}, "ms", "Time constants of the adaptation kernels")
      .object("q_sfa", PType::kDoubleVec, std::vector<double>{}, "mV", "Adaptation jumps per spike");
  m.recordables = {"V_m", "E_sfa"};
  m.validate = [](const ParamRow& row) {
    const std::string model = "pp_psc_delta";
    gif::check_finite(row, model,
                      {"I_e", "C_m", "tau_m", "dead_time", "c_1", "c_2", "c_3", "t_ref_remaining", "tau_minus",
                       "tau_minus_triplet", "V_m", "E_sfa"});
    gif::check_pair(row, model, "tau_sfa", "q_sfa");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<PpPscDelta>(info); };
  return m;
}

}  // namespace

const ModelInfo& pp_psc_delta_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
