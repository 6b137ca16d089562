// iaf_psc_alpha_multisynapse: leaky integrate-and-fire neuron with any number of
// alpha-shaped synaptic currents, one per receptor port 1..len(tau_syn),
// integrated exactly, as NEST 3.10's model.
#include <cmath>
#include <limits>

#include "integrators/iaf_propagator.hpp"
#include "integrators/leak_propagator.hpp"
#include "models/neurons/multisynapse_mat/models.hpp"
#include "models/neurons/multisynapse_mat/multisynapse_common.hpp"

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
  tau_minus,
  tau_minus_triplet,
  // read-only receptor bookkeeping
  n_synapses,
  has_connections,
  // state: V relative to E_L, piecewise-constant input current, refractory steps left
  y,
  i0,
  r,
  // constants derived before each run
  P30,
  P33,
  theta,
  reset,
  lower,
  refractory_steps,
};
enum State : int { kDI, kI };  // per receptor: dI/dt-like alpha state y1, current y2
enum Rec : int { kV_m, kI_syn, kI_syn_first };

class IafPscAlphaMultisynapse final : public multisynapse::MultisynapsePopulation<y, E_L, 2> {
 public:
  using MultisynapsePopulation::MultisynapsePopulation;

  void prepare(const RunContext& rc) override {
    prepare_receptors(rc, {&p11_, &p21_, &p31_, &p32_, &psc0_});
    const double h = rc.grid->resolution();
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(P33) = std::exp(-h / c(tau_m));
      c(P30) = integrators::leak_current_propagator_inv_c_first(c(tau_m), c(C_m), c(P33));
      const auto& tau = tau_syn(i);
      for (std::size_t k = 0; k < tau.size(); ++k) {
        const std::size_t j = k * n_ + i;
        p11_[j] = std::exp(-h / tau[k]);
        p21_[j] = h * p11_[j];
        std::tie(p31_[j], p32_[j]) = integrators::IafPropagator(tau[k], c(tau_m), c(C_m)).alpha(h);
        psc0_[j] = M_E / tau[k];  // unit weight gives a peak current of 1 pA at t = tau
      }
      c(theta) = c(V_th) - c(E_L);
      c(reset) = c(V_reset) - c(E_L);
      c(lower) = c(V_min) - c(E_L);
      c(refractory_steps) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    const StepColumns c{col(y), col(r), col(i0), col(theta), col(reset), col(refractory_steps)};
    double *y1 = syn_[kDI].data(), *y2 = syn_[kI].data();
    const double *p30 = col(P30), *p33 = col(P33), *ie = col(I_e), *lo = col(lower);
    double* acc = acc_.data();
    std::vector<double*> in;
    const bool all_receptors = uniform_receptors(begin, end);
    // One receptor's part of a step: its currents into the potential (in order k), then
    // their propagation and the spikes arriving at the end of this step.
    auto receptor = [&](std::size_t j, std::size_t i, double& x) {
      acc[i] += p31_[j] * y1[j] + p32_[j] * y2[j];
      y2[j] = p21_[j] * y1[j] + p11_[j] * y2[j];
      y1[j] *= p11_[j];
      y1[j] += psc0_[j] * x;
      x = 0.0;
    };
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      receptor_rows(step, in);
      for (std::size_t i = begin; i < end; ++i) acc[i] = p30[i] * (c.I0[i] + ie[i]) + p33[i] * c.V[i];
      if (all_receptors) {
        // Receptor by receptor over the block (rows read in order).
        for (std::size_t k = 0; k < k_alloc_; ++k)
          for (std::size_t i = begin; i < end; ++i) receptor(k * n_ + i, i, in[k][i]);
      } else {
        for (std::size_t i = begin; i < end; ++i)
          for (std::size_t k = 0; k < nrec_[i]; ++k) receptor(k * n_ + i, i, in[k][i]);
      }
      end_step(ctx, step, begin, end, c, input_.row(kCurrentChannel, step),
               [acc, lo](std::size_t i) { return acc[i] < lo[i] ? lo[i] : acc[i]; });
      sample(step, begin, end);
    }
  }

  double recordable(int k, std::size_t i) const override {
    if (k == kV_m) return v_m(i);
    if (k == kI_syn) return syn_sum(kI, i);
    return syn_at(kI, static_cast<std::size_t>(k - kI_syn_first), i);
  }

 private:
  // Per-receptor propagators, [k * n + i].
  std::vector<double> p11_, p21_, p31_, p32_, psc0_;
};

ModelInfo make_info() {
  ModelInfo m("iaf_psc_alpha_multisynapse", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_psc_alpha_multisynapse.html");
  m.family = "iaf_current";
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(t_ref, "t_ref", 2.0, "ms", non_negative(), "Duration of refractory period")
      .param(E_L, "E_L", -70.0, "mV", {}, "Resting membrane potential")
      .param(V_reset, "V_reset", -70.0, "mV", {}, "Reset potential of the membrane")
      .param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold")
      .param(V_min, "V_min", -std::numeric_limits<double>::infinity(), "mV", {}, "Absolute lower bound of V_m")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(tau_minus, "tau_minus", 20.0, "ms", positive(), "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", positive(),
             "Triplet-STDP post-synaptic time constant");
  multisynapse::declare_receptors(m, n_synapses);
  for (int c = y; c <= refractory_steps; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.derived_state("V_m", -70.0, "mV", "Membrane potential");
  m.recordables = multisynapse::static_recordables();
  m.spike_receptors = {1};  // the default; each node accepts 1..len(tau_syn)
  m.validate = [](const ParamRow& row) {
    multisynapse::check_tau_syn(row, "iaf_psc_alpha_multisynapse", false);
    multisynapse::check_reset_below_threshold(row, "iaf_psc_alpha_multisynapse");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafPscAlphaMultisynapse>(info); };
  return m;
}

}  // namespace

const ModelInfo& iaf_psc_alpha_multisynapse_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
