// iaf_bw_2001_exact: iaf_bw_2001 with the NMDA gating integrated exactly, as NEST
// 3.10's model: every NMDA connection (receptor 3) is a port of its own with two
// ODE variables (x rising, s saturating), driven by the number of spikes arriving
// through it and weighted, in the membrane equation, by the connection's weight.
//
// NEST gives each NMDA connection a fresh receptor port when it is made. Spikes
// here carry the receptor the user gave (3), so a node's NMDA ports are assigned
// to (source, k-th synapse from that source) on first delivery; the ports of
// connections that never delivered a spike are identically zero and do not
// change the integration (see padded_evolve.hpp), so only the order of the
// summed NMDA term can differ from NEST's (by rounding).
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/neurons/misc_ode/bw_common.hpp"
#include "models/neurons/misc_ode/misc_ode.hpp"
#include "models/neurons/misc_ode/padded_evolve.hpp"
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
  // state
  V_m,
  s_AMPA,
  s_GABA,
  I_NMDA,
  I_AMPA,
  I_GABA,
  // internal: weighted NMDA gating sum, refractory steps left, external current of
  // the previous step, integrator step size, refractory steps after a spike
  s_NMDA_sum,
  r,
  I_stim,
  integration_step,
  refr_counts,
  kNumCols
};
enum Port : int { kAMPA = 1, kGABA = 2, kNMDA = 3 };
enum Channel : int { kCurrent = 0, kChannels = 3 };  // channel p is port p for AMPA and GABA

struct NmdaSpike {
  long step;
  uint32_t port;
  double count;
};

class IafBw2001Exact final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    step_ = rc.grid->resolution();
    if (nmda_.size() != n_) {
      nmda_.resize(n_);
      weights_.resize(n_);
      pending_.resize(n_);
      port_of_.resize(n_);
    }
    for (std::size_t i = 0; i < n_; ++i) {
      if (num_[integration_step][i] == 0.0) num_[integration_step][i] = step_;  // once per node, as NEST
      num_[refr_counts][i] = static_cast<double>(rc.grid->ms_to_steps(num_[t_ref][i]));
    }
    simulated_ = true;
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    std::vector<double> y;
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ampa = input_.row(kAMPA, step);
      double* in_gaba = input_.row(kGABA, step);
      double* in_cur = input_.row(kCurrent, step);
      for (std::size_t i = begin; i < end; ++i) {
        update_node(ctx, i, step, in_ampa[i], in_gaba[i], y);
        num_[I_stim][i] = in_cur[i];
        in_ampa[i] = in_gaba[i] = in_cur[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    std::map<uint32_t, uint32_t> seen;  // synapses of this source met so far, per target
    for (std::size_t k = 0; k < b.count; ++k) {
      const std::size_t i = b.target[k] - first_gid_;
      const long step = b.stamp + b.delay[k] - 1;
      const uint32_t m = multiplicity(b, k);
      if (b.receptor[k] != kNMDA) {
        if (m) input_.add(b.receptor[k], step, i, b.weight[k] * b.weight_factor * m);
        continue;
      }
      const uint32_t nth = seen[b.target[k]]++;
      auto& ports = port_of_[i][b.source];
      if (ports.size() <= nth) {
        ports.push_back(static_cast<uint32_t>(weights_[i].size()));
        weights_[i].push_back(0.0);
        nmda_[i].insert(nmda_[i].end(), {0.0, 0.0});
      }
      const uint32_t p = ports[nth];
      const double w = b.weight[k] * b.weight_factor;
      if (weights_[i][p] == 0) {
        weights_[i][p] = w;
      } else if (weights_[i][p] != w) {
        throw KernelException("iaf_bw_2001_exact requires constant weights.");
      }
      pending_[i].push_back({step, p, static_cast<double>(m)});
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int k, std::size_t i) const override {
    static constexpr int kCols[] = {V_m, s_AMPA, s_GABA, s_NMDA_sum, I_NMDA, I_AMPA, I_GABA};
    return num_[kCols[k]][i];
  }

  // NEST gives each NMDA connection its own port and refuses new ones once the
  // node has been simulated (its ODE system is then sized).
  bool accepts_spike_port(std::size_t i, long receptor) const override {
    if (receptor < kAMPA || receptor > kNMDA) return false;
    return receptor != kNMDA || !simulated_;
  }
  std::string spike_ports(std::size_t) const override {
    return simulated_ ? "1, 2 (NMDA connections can only be made before the first Simulate)" : "1, 2, 3";
  }

 private:
  void update_node(StepContext& ctx, std::size_t i, long step, double ampa, double gaba, std::vector<double>& y) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    const std::size_t np = weights_[i].size(), dim = 3 + 2 * np, padded = misc_ode::padded_size(dim);
    y.assign(padded, 0.0);
    y[0] = c(V_m);
    y[1] = c(s_AMPA);
    y[2] = c(s_GABA);
    std::copy(nmda_[i].begin(), nmda_[i].end(), y.begin() + 3);
    const double el = c(E_L), eex = c(E_ex), ein = c(E_in), gl = c(g_L), cm = c(C_m), mg = c(conc_Mg2);
    const double tau_a = c(tau_AMPA), tau_g = c(tau_GABA), tau_d = c(tau_decay_NMDA), tau_r = c(tau_rise_NMDA);
    const double a = c(alpha), drive = c(I_stim);
    const double* w = weights_[i].data();
    double last_sum = 0.0;
    auto rhs = [&](double, const double* s, double* f) {
      const double i_ampa = (s[0] - eex) * s[1];
      const double i_gaba = (s[0] - ein) * s[2];
      double sum = 0.0;
      for (std::size_t p = 0; p < np; ++p) sum += s[4 + 2 * p] * w[p];
      const double i_nmda = (s[0] - eex) / (1 + mg * std::exp(-0.062 * s[0]) / 3.57) * sum;
      f[0] = (-gl * (s[0] - el) - (i_ampa + i_gaba + i_nmda) + drive) / cm;
      f[1] = -s[1] / tau_a;
      f[2] = -s[2] / tau_g;
      for (std::size_t p = 0; p < np; ++p) {
        f[4 + 2 * p] = -s[4 + 2 * p] / tau_d + a * s[3 + 2 * p] * (1 - s[4 + 2 * p]);
        f[3 + 2 * p] = -s[3 + 2 * p] / tau_r;
      }
      for (std::size_t k = dim; k < padded; ++k) f[k] = 0.0;
      last_sum = sum;
      return true;
    };
    misc_ode::integrate_step(rhs, integrators::ErrorControl::y(c(gsl_error_tol), 0.0), step_, c(integration_step),
                             y.data(), padded);
    // The recorded currents are those of the last evaluation, at the accepted end point.
    c(s_NMDA_sum) = last_sum;
    c(I_AMPA) = (y[0] - eex) * y[1];
    c(I_GABA) = (y[0] - ein) * y[2];
    c(I_NMDA) = (y[0] - eex) / (1 + mg * std::exp(-0.062 * y[0]) / 3.57) * last_sum;
    y[1] += ampa;
    y[2] += gaba;
    auto& pend = pending_[i];
    for (const NmdaSpike& s : pend)
      if (s.step == step) y[3 + 2 * s.port] += s.count;
    std::erase_if(pend, [step](const NmdaSpike& s) { return s.step == step; });
    if (c(r) != 0.0) {
      c(r) -= 1.0;
      y[0] = c(V_reset);
    } else if (y[0] >= c(V_th)) {
      c(r) = c(refr_counts);
      y[0] = c(V_reset);
      emit(ctx, i, step + 1);
    }
    c(V_m) = y[0];
    c(s_AMPA) = y[1];
    c(s_GABA) = y[2];
    std::copy(y.begin() + 3, y.begin() + static_cast<long>(dim), nmda_[i].begin());
  }

  double step_ = 0.1;
  bool simulated_ = false;
  std::vector<std::vector<double>> nmda_;     // per node: x_1, s_1, x_2, s_2, ...
  std::vector<std::vector<double>> weights_;  // per node and NMDA port
  std::vector<std::vector<NmdaSpike>> pending_;
  std::vector<std::map<uint32_t, std::vector<uint32_t>>> port_of_;  // per node: source -> ports
};

ModelInfo make_info() {
  ModelInfo m("iaf_bw_2001_exact", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_bw_2001_exact.html");
  m.family = "iaf_cond";
  misc_ode::declare_bw_parameters(m, E_L);
  m.param(tau_minus, "tau_minus", 20.0, "ms", {}, "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", {}, "Triplet-STDP post-synaptic time constant");
  m.state(V_m, "V_m", -70.0, "mV", "Membrane potential")
      .state(s_AMPA, "s_AMPA", 0.0, "nS", "AMPA conductance")
      .state(s_GABA, "s_GABA", 0.0, "nS", "GABA conductance");
  misc_ode::declare_bw_currents(m, I_NMDA);
  for (int c = s_NMDA_sum; c < kNumCols; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.recordables = {"V_m", "s_AMPA", "s_GABA", "s_NMDA", "I_NMDA", "I_AMPA", "I_GABA"};
  m.spike_receptors = {kAMPA, kGABA, kNMDA};
  m.receptor_types = {{"AMPA", kAMPA}, {"GABA", kGABA}, {"NMDA", kNMDA}};
  m.validate = [](const ParamRow& row) { misc_ode::validate_bw(row, "iaf_bw_2001_exact"); };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafBw2001Exact>(info); };
  return m;
}

}  // namespace

const ModelInfo& iaf_bw_2001_exact_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
