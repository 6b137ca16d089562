// iaf_chs_2007: spike-response model of Carandini, Horton & Sincich (2007), as
// NEST 3.10's model. V_m is the sum of alpha-shaped EPSPs (peak V_epsp per unit
// weight, at tau_epsp), an after-spike hyperpolarization (-V_reset, recovering with
// tau_reset) and V_noise times a noise signal the user supplies, one sample per step.
// Only excitatory input is used: spikes with negative weight are ignored.
#include <cmath>

#include "models/neurons/multisynapse_mat/models.hpp"
#include "models/neurons/neuron_base.hpp"

namespace nestkit {
namespace {

enum Col : int {
  // parameters
  tau_epsp,
  tau_reset,
  V_epsp,
  V_reset,
  V_noise,
  tau_minus,
  tau_minus_triplet,
  // state
  V_m,
  // EPSP current, EPSP waveform, after-spike waveform, next noise sample
  i_syn,
  V_syn,
  V_spike,
  position,
  // constants derived before each run
  P11,
  P21,
  P30,
};
enum Channel : int { kEx, kChannels };

// The threshold is fixed at 1 (the model's potentials are normalized).
constexpr double kThreshold = 1.0;

class IafChs2007 final : public NeuronPopulation {
 public:
  explicit IafChs2007(const ModelInfo& info)
      : NeuronPopulation(info), noise_col_(info.specs[info.index_of("noise")].column) {}

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    const double h = rc.grid->resolution();
    noise_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(P11) = std::exp(-h / c(tau_epsp));
      // A unit jump of i_syn yields V_epsp * (e t / tau_epsp) exp(-t / tau_epsp): peak V_epsp at t = tau_epsp.
      c(P21) = c(V_epsp) * M_E * c(P11) * h / c(tau_epsp);
      c(P30) = std::exp(-h / c(tau_reset));
      noise_[i] = &std::get<std::vector<double>>(obj_[noise_col_][i]);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double *V = col(V_m), *I = col(i_syn), *Vs = col(V_syn), *Vsp = col(V_spike), *pos = col(position);
    const double *p11 = col(P11), *p21 = col(P21), *p30 = col(P30), *un = col(V_noise), *ur = col(V_reset);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in = input_.row(kEx, step);
      for (std::size_t i = begin; i < end; ++i) {
        Vs[i] = Vs[i] * p11[i] + I[i] * p21[i];
        I[i] = I[i] * p11[i] + in[i];
        in[i] = 0.0;
        Vsp[i] *= p30[i];
        double noise = 0.0;
        const std::vector<double>& signal = *noise_[i];
        if (un[i] > 0.0 && !signal.empty()) {
          // NEST reads past the end of a too-short signal; here it ends in silence.
          const auto k = static_cast<std::size_t>(pos[i]);
          noise = k < signal.size() ? un[i] * signal[k] : 0.0;
          pos[i] += 1.0;
        }
        V[i] = Vs[i] + Vsp[i] + noise;
        if (V[i] >= kThreshold) {
          Vsp[i] -= ur[i];
          V[i] -= ur[i];
          emit(ctx, i, step + 1);
        }
      }
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      const double w = b.weight[k] * b.weight_factor;
      if (m == 0 || w < 0.0) continue;
      input_.add(kEx, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, w * m);
    }
  }

  double recordable(int, std::size_t i) const override { return num_[V_m][i]; }

 private:
  int noise_col_;
  std::vector<const std::vector<double>*> noise_;  // each node's noise signal, valid during a run
};

ModelInfo make_info() {
  ModelInfo m("iaf_chs_2007", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_chs_2007.html");
  m.family = "spike_response";
  m.param(tau_epsp, "tau_epsp", 8.5, "ms", positive(), "Time to peak of the EPSP (alpha-function time constant)")
      .param(tau_reset, "tau_reset", 15.4, "ms", positive(), "Recovery time constant of the after-spike reset")
      .param(V_epsp, "V_epsp", 0.77, "", non_negative(), "Peak EPSP per unit weight (normalized potential)")
      .param(V_reset, "V_reset", 2.31, "", non_negative(), "Magnitude of the after-spike reset (normalized)")
      .param(V_noise, "V_noise", 0.0, "", {}, "Scale of the noise signal (normalized)")
      .param(tau_minus, "tau_minus", 20.0, "ms", positive(), "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", positive(),
             "Triplet-STDP post-synaptic time constant")
      .state(V_m, "V_m", 0.0, "", "Membrane potential (normalized; recomputed every step)");
  for (int c = i_syn; c <= P30; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.object("noise", PType::kDoubleVec, std::vector<double>{}, "",
           "Noise signal, one sample per step from the first step after it is set");
  m.recordables = {"V_m"};
  m.accepts_current = false;
  m.current_receptors = {};
  m.validate = [](const ParamRow& row) {
    // A new signal is read from its start (every caller validates a mutable row it then stores).
    if (row.given("noise")) const_cast<ParamRow&>(row).at("_internal_" + std::to_string(position)) = 0.0;
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafChs2007>(info); };
  return m;
}

}  // namespace

const ModelInfo& iaf_chs_2007_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
