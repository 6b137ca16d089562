// iaf_bw_2001: conductance-based leaky integrate-and-fire neuron with AMPA, GABA
// and NMDA synapses (Brunel & Wang 2001, Wang 2002), as NEST 3.10's model. The
// NMDA gating is approximated: each spike of an iaf_bw_2001 carries, as its offset,
// the jump of its presynaptic NMDA trace, and the receiving NMDA port adds
// weight * jump to one summed, exponentially decaying s_NMDA.
#include <cmath>
#include <string>

#include "integrators/rkf45_lanes.hpp"
#include "models/neurons/misc_ode/bw_common.hpp"
#include "models/neurons/misc_ode/misc_ode.hpp"
#include "models/neurons/misc_ode/special_functions.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/errors.hpp"

namespace nestkit {
namespace {

enum Col : int {
  // parameters
  E_L,
  E_ex,
  E_in,
  V_th,
  V_reset,
  C_m,
  g_L,
  t_ref,
  tau_AMPA,
  tau_GABA,
  tau_decay_NMDA,
  tau_rise_NMDA,
  alpha,
  conc_Mg2,
  gsl_error_tol,
  tau_minus,
  tau_minus_triplet,
  // state (ODE order V_m, s_AMPA, s_GABA, s_NMDA) and synaptic currents
  V_m,
  s_AMPA,
  s_GABA,
  s_NMDA,
  I_NMDA,
  I_AMPA,
  I_GABA,
  // internal: refractory steps left, presynaptic NMDA trace, last spike (ms),
  // external current of the previous step, integrator step size
  r,
  s_NMDA_pre,
  last_spike,
  I_stim,
  integration_step,
  // constants derived before each run
  k0,
  k1,
  refr_counts,
  kNumCols
};
enum Port : int { kAMPA = 1, kGABA = 2, kNMDA = 3 };
enum Channel : int { kCurrent = 0, kChannels = 4 };  // channel p is port p

class IafBw2001 final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    step_ = rc.grid->resolution();
    grid_ = rc.grid;
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      if (c(integration_step) == 0.0) c(integration_step) = step_;  // NEST's init_buffers, once per node
      c(refr_counts) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
      const double alpha_tau = c(alpha) * c(tau_rise_NMDA);
      const double ratio = c(tau_rise_NMDA) / c(tau_decay_NMDA);
      c(k1) = std::expm1(-c(alpha) * c(tau_rise_NMDA));
      c(k0) = std::pow(alpha_tau, ratio) * misc_ode::lower_incomplete_gamma(1 - ratio, alpha_tau);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      auto make = [&]<int W>() {
        return LaneDriver<W>{*this,
                             ctx,
                             step,
                             input_.row(kAMPA, step),
                             input_.row(kGABA, step),
                             input_.row(kNMDA, step),
                             input_.row(kCurrent, step)};
      };
      // GSL's y_new(gsl_error_tol, 0) control: a_y = 1, a_dydt = 0.
      integrators::evolve_population<kN>(make, 1.0, 0.0, step_, begin, end);
      for (int ch = 0; ch < kChannels; ++ch) {
        double* row = input_.row(ch, step);
        for (std::size_t i = begin; i < end; ++i) row[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  // NMDA input is scaled by the jump of the sender's NMDA trace (the spike's offset).
  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      double s = b.weight[k] * b.weight_factor * m;
      if (b.receptor[k] == kNMDA) s *= b.offset;
      input_.add(b.receptor[k], b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, s);
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int k, std::size_t i) const override {
    static constexpr int kCols[] = {V_m, s_AMPA, s_GABA, s_NMDA, I_NMDA, I_AMPA, I_GABA};
    return num_[kCols[k]][i];
  }

 private:
  static constexpr std::size_t kN = 4;  // ODE vector: V_m, s_AMPA, s_GABA, s_NMDA

  // What the right-hand side reads besides y, per lane (V = lane vector) or
  // for one neuron (V = double).
  template <class V>
  struct RhsParams {
    V E_L, E_ex, E_in, g_L, C_m, conc_Mg2, tau_AMPA, tau_GABA, tau_NMDA, I_stim;
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums).
  template <class V>
  [[gnu::always_inline]] static void rhs(const RhsParams<V>& p, const V* s, V* f) {
    using integrators::lane_exp;
    const V i_ampa = (s[0] - p.E_ex) * s[1];
    const V i_gaba = (s[0] - p.E_in) * s[2];
    const V i_nmda = (s[0] - p.E_ex) / (1.0 + p.conc_Mg2 * lane_exp(-0.062 * s[0]) / 3.57) * s[3];
    const V i_syn = i_ampa + i_gaba + i_nmda;
    f[0] = (-p.g_L * (s[0] - p.E_L) - i_syn + p.I_stim) / p.C_m;
    f[1] = -s[1] / p.tau_AMPA;
    f[3] = -s[3] / p.tau_NMDA;
    f[2] = -s[2] / p.tau_GABA;
  }

  // Connects the population to the lock-step stepper for one simulation step.
  template <int W>
  struct LaneDriver {
    using V = typename integrators::Lanes<W>::V;
    IafBw2001& pop;
    StepContext& ctx;
    long step;
    const double *in_ampa, *in_gaba, *in_nmda, *in_cur;
    RhsParams<V> p{};

    bool load(int l, std::size_t i, V* y, integrators::LaneStart& s) {
      auto c = [&](int k) { return pop.num_[k][i]; };
      p.E_L[l] = c(E_L);
      p.E_ex[l] = c(E_ex);
      p.E_in[l] = c(E_in);
      p.g_L[l] = c(g_L);
      p.C_m[l] = c(C_m);
      p.conc_Mg2[l] = c(conc_Mg2);
      p.tau_AMPA[l] = c(tau_AMPA);
      p.tau_GABA[l] = c(tau_GABA);
      p.tau_NMDA[l] = c(tau_decay_NMDA);
      p.I_stim[l] = c(I_stim);
      y[0][l] = c(V_m);
      y[1][l] = c(s_AMPA);
      y[2][l] = c(s_GABA);
      y[3][l] = c(s_NMDA);
      s = {c(integration_step), c(gsl_error_tol), 0.0};
      return true;
    }

    [[gnu::always_inline]] void rhs(const V&, const V* y, V* f) const { IafBw2001::rhs<V>(p, y, f); }
    // The spike is detected after the whole simulation step, not inside it.
    bool accepted(int, V*) { return true; }

    void finish(int l, std::size_t i, const V* yl, double h) {
      auto c = [&](int k) -> double& { return pop.num_[k][i]; };
      double y[kN];
      for (std::size_t k = 0; k < kN; ++k) y[k] = yl[k][l];
      const double eex = c(E_ex), ein = c(E_in), mg = c(conc_Mg2), tau_n = c(tau_decay_NMDA);
      c(integration_step) = h;
      // NEST keeps the currents of the last right-hand side evaluation, which is at
      // the accepted end point of the step.
      c(I_AMPA) = (y[0] - eex) * y[1];
      c(I_GABA) = (y[0] - ein) * y[2];
      c(I_NMDA) = (y[0] - eex) / (1 + mg * std::exp(-0.062 * y[0]) / 3.57) * y[3];
      y[1] += in_ampa[i];
      y[2] += in_gaba[i];
      y[3] += in_nmda[i];
      if (c(r) != 0.0) {
        c(r) -= 1.0;
        y[0] = c(V_reset);
      } else if (y[0] >= c(V_th)) {
        c(r) = c(refr_counts);
        y[0] = c(V_reset);
        const double t_spike = pop.grid_->steps_to_ms(step + 1);
        c(s_NMDA_pre) = c(s_NMDA_pre) * std::exp(-(t_spike - c(last_spike)) / tau_n);
        const double delta = c(k0) + c(k1) * c(s_NMDA_pre);
        c(s_NMDA_pre) += delta;
        c(last_spike) = t_spike;
        pop.emit(ctx, i, step + 1, 1u, delta);
      }
      c(V_m) = y[0];
      c(s_AMPA) = y[1];
      c(s_GABA) = y[2];
      c(s_NMDA) = y[3];
      c(I_stim) = in_cur[i];
    }
  };

  double step_ = 0.1;
  const TimeGrid* grid_ = nullptr;
};

ModelInfo make_info() {
  ModelInfo m("iaf_bw_2001", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_bw_2001.html");
  m.family = "iaf_cond";
  misc_ode::declare_bw_parameters(m, E_L);
  m.param(tau_minus, "tau_minus", 20.0, "ms", {}, "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", {}, "Triplet-STDP post-synaptic time constant");
  m.state(V_m, "V_m", -70.0, "mV", "Membrane potential")
      .state(s_AMPA, "s_AMPA", 0.0, "nS", "AMPA conductance")
      .state(s_GABA, "s_GABA", 0.0, "nS", "GABA conductance")
      .state(s_NMDA, "s_NMDA", 0.0, "nS", "NMDA conductance");
  misc_ode::declare_bw_currents(m, I_NMDA);
  m.internal(r, "_r").internal(s_NMDA_pre, "_s_NMDA_pre").internal(last_spike, "_last_spike");
  m.specs.back().default_value = -1.0;  // NEST's initial "last spike" time
  for (int c = I_stim; c < kNumCols; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.recordables = {"V_m", "s_AMPA", "s_GABA", "s_NMDA", "I_NMDA", "I_AMPA", "I_GABA"};
  m.spike_receptors = {kAMPA, kGABA, kNMDA};
  m.receptor_types = {{"AMPA", kAMPA}, {"GABA", kGABA}, {"NMDA", kNMDA}};
  m.validate = [](const ParamRow& row) { misc_ode::validate_bw(row, "iaf_bw_2001"); };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafBw2001>(info); };
  m.check_source = [](const ModelInfo& source, long receptor) -> std::string {
    if (receptor == kNMDA && &source != &iaf_bw_2001_model())
      return "For NMDA synapses in iaf_bw_2001, pre-synaptic neuron must also be of type iaf_bw_2001";
    return "";
  };
  return m;
}

}  // namespace

const ModelInfo& iaf_bw_2001_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
