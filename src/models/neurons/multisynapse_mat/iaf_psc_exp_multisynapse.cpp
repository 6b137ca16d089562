// iaf_psc_exp_multisynapse: leaky integrate-and-fire neuron with any number of
// exponentially decaying synaptic currents, one per receptor port
// 1..len(tau_syn), integrated exactly, as NEST 3.10's model.
#include <cmath>

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
  P20,
  P22,
  theta,
  reset,
  refractory_steps,
};
enum State : int { kI };
enum Rec : int { kV_m, kI_syn, kI_syn_first };

class IafPscExpMultisynapse final : public multisynapse::MultisynapsePopulation<y, E_L, 1> {
 public:
  using MultisynapsePopulation::MultisynapsePopulation;

  void prepare(const RunContext& rc) override {
    prepare_receptors(rc, {&p11_, &p21_});
    const double h = rc.grid->resolution();
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(P22) = std::exp(-h / c(tau_m));
      c(P20) = integrators::leak_current_propagator_tau_first(c(tau_m), c(C_m), c(P22));
      const auto& tau = tau_syn(i);
      for (std::size_t k = 0; k < tau.size(); ++k) {
        const std::size_t j = k * n_ + i;
        p11_[j] = std::exp(-h / tau[k]);
        p21_[j] = integrators::IafPropagator(tau[k], c(tau_m), c(C_m)).p32(h);
      }
      c(theta) = c(V_th) - c(E_L);
      c(reset) = c(V_reset) - c(E_L);
      c(refractory_steps) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    const StepColumns c{col(y), col(r), col(i0), col(theta), col(reset), col(refractory_steps)};
    double* isyn = syn_[kI].data();
    const double *p20 = col(P20), *p22 = col(P22), *ie = col(I_e);
    double* acc = acc_.data();
    std::vector<double*> in;
    const bool all_receptors = uniform_receptors(begin, end);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      receptor_rows(step, in);
      // The potential from the step's start state: leak and input current, then each
      // receptor's current in order k = 0, 1, ..., as NEST sums them; then the currents decay
      // and take the spikes arriving at the end of this step (they act at once).
      for (std::size_t i = begin; i < end; ++i) acc[i] = c.V[i] * p22[i] + (ie[i] + c.I0[i]) * p20[i];
      if (all_receptors) {
        // Receptor by receptor over the block: each row is read once, in order (neuron by
        // neuron, the receptors of one neuron lie n apart).
        for (std::size_t k = 0; k < k_alloc_; ++k) {
          const double *a = p21_.data() + k * n_, *d = p11_.data() + k * n_;
          double *s = isyn + k * n_, *x = in[k];
          for (std::size_t i = begin; i < end; ++i) {
            acc[i] += a[i] * s[i];
            s[i] = s[i] * d[i] + x[i];
            x[i] = 0.0;
          }
        }
      } else {
        for (std::size_t i = begin; i < end; ++i)
          for (std::size_t k = 0, j = i; k < nrec_[i]; ++k, j += n_) {
            acc[i] += p21_[j] * isyn[j];
            isyn[j] = isyn[j] * p11_[j] + in[k][i];
            in[k][i] = 0.0;
          }
      }
      end_step(ctx, step, begin, end, c, input_.row(kCurrentChannel, step), [acc](std::size_t i) { return acc[i]; });
      sample(step, begin, end);
    }
  }

  double recordable(int k, std::size_t i) const override {
    if (k == kV_m) return v_m(i);
    if (k == kI_syn) return syn_sum(kI, i);
    return syn_at(kI, static_cast<std::size_t>(k - kI_syn_first), i);
  }

 private:
  std::vector<double> p11_, p21_;  // per-receptor propagators, [k * n + i]
};

ModelInfo make_info() {
  ModelInfo m("iaf_psc_exp_multisynapse", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_psc_exp_multisynapse.html");
  m.family = "iaf_current";
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(t_ref, "t_ref", 2.0, "ms", non_negative(), "Duration of refractory period")
      .param(E_L, "E_L", -70.0, "mV", {}, "Resting membrane potential")
      .param(V_reset, "V_reset", -70.0, "mV", {}, "Reset potential of the membrane")
      .param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold")
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
    // NEST rejects tau_syn == tau_m only when tau_syn is set (its propagator
    // handles the equality anyway).
    multisynapse::check_tau_syn(row, "iaf_psc_exp_multisynapse", true);
    multisynapse::check_reset_below_threshold(row, "iaf_psc_exp_multisynapse");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafPscExpMultisynapse>(info); };
  return m;
}

}  // namespace

const ModelInfo& iaf_psc_exp_multisynapse_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
