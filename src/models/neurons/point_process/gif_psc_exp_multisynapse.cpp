// gif_psc_exp_multisynapse: gif_psc_exp with one exponentially decaying synaptic
// current per receptor port 1..len(tau_syn), as NEST 3.10's model. Unlike
// gif_psc_exp, V is driven by the currents as they stood at the start of the step
// (NEST sums P21 * I before decaying the currents and adding the step's input).
#include <cmath>

#include "integrators/iaf_propagator.hpp"
#include "integrators/nest_expm1.hpp"
#include "models/neurons/point_process/gif_multisynapse.hpp"
#include "models/neurons/point_process/models.hpp"

namespace nestkit {
namespace {

enum Col : int {
  n_receptors = gif::kCommonEnd,
  has_connections,
  // internals: the membrane propagators derived before each run
  P30,
  P31,
  P33,
};

class GifPscExpMultisynapse final : public gif::GifMultisynapsePopulation {
 public:
  using GifMultisynapsePopulation::GifMultisynapsePopulation;

  void prepare(const RunContext& rc) override {
    prepare_ports(rc);
    prepare_gif(rc);
    const double h = h_;
    p11_.resize(n_);
    p21_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      const double tau_m = c(gif::C_m) / c(gif::g_L);
      c(P33) = std::exp(-h / tau_m);
      c(P30) = -1 / c(gif::C_m) * integrators::nest_expm1(-h / tau_m) * tau_m;
      c(P31) = -integrators::nest_expm1(-h / tau_m);
      const auto& tau = tau_syn(i);
      p11_[i].resize(tau.size());
      p21_[i].resize(tau.size());
      for (std::size_t k = 0; k < tau.size(); ++k) {
        p11_[i][k] = std::exp(-h / tau[k]);
        p21_[i][k] = integrators::IafPropagator(tau[k], tau_m, c(gif::C_m)).p32(h);
      }
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double *V = col(gif::V_m), *Istim = col(gif::I_stim);
    const double *p30 = col(P30), *p31 = col(P31), *p33 = col(P33), *ie = col(gif::I_e), *el = col(gif::E_L);
    const double *stc = col(gif::I_stc), *refr = col(gif::r);
    Gathered gathered;  // this range's (threads update ranges side by side)
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_cur = input_.row(0, step);
      for (std::size_t i = begin; i < end; ++i) {
        adapt(i);
        double syn_pot = 0.0;
        auto& isyn = syn_[i];
        for (std::size_t k = 0; k < isyn.size(); ++k) {
          syn_pot += p21_[i][k] * isyn[k];
          isyn[k] = p11_[i][k] * isyn[k];
          double& in = input_.row(static_cast<int>(k) + 1, step)[i];
          isyn[k] += in;
          in = 0.0;
        }
        if (refr[i] == 0.0) V[i] = p30[i] * (Istim[i] + ie[i] - stc[i]) + p33[i] * V[i] + p31[i] * el[i] + syn_pot;
        Istim[i] = in_cur[i];
        in_cur[i] = 0.0;
      }
      clamp_and_gather(begin, end, gathered);
      fire_gathered(ctx, step, gathered);
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      input_.add(b.receptor[k], b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, b.weight[k] * b.weight_factor * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, 0); }

  double recordable(int k, std::size_t i) const override {
    static constexpr int kCols[] = {gif::V_m, gif::E_sfa, gif::I_stc};
    return num_[kCols[k]][i];
  }

 private:
  std::vector<std::vector<double>> p11_, p21_;  // per node and receptor
};

ModelInfo make_info() {
  ModelInfo m("gif_psc_exp_multisynapse", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/gif_psc_exp_multisynapse.html");
  m.family = "point_process";
  gif::declare_common(m);
  gif::declare_receptors(m, n_receptors);
  for (int c = P30; c <= P33; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.recordables = {"V_m", "E_sfa", "I_stc"};
  m.spike_receptors = {1};  // the default; each node accepts 1..len(tau_syn)
  m.validate = [](const ParamRow& row) {
    gif::validate_common(row, "gif_psc_exp_multisynapse");
    gif::check_receptors(row, "gif_psc_exp_multisynapse");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<GifPscExpMultisynapse>(info); };
  return m;
}

}  // namespace

const ModelInfo& gif_psc_exp_multisynapse_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
