// iaf_cond_alpha_mc: three-compartment (soma, proximal, distal dendrite)
// conductance-based IAF neuron with alpha-shaped synaptic conductances in each
// compartment, integrated by RKF45 as NEST 3.10 does. Spike ports 1..6 are
// (soma, proximal, distal) x (excitatory, inhibitory), current ports 7..9 the
// three compartments; weights are used as given (no sign split).
//
// NEST groups the per-compartment parameters and V_m in sub-dictionaries "soma",
// "proximal" and "distal"; nestkit's parameter values are flat, so they appear
// here as "soma.g_L", "proximal.V_m", ... (the path into NEST's dictionary).
#include "models/neurons/iaf_cond/cond_common.hpp"
#include "models/neurons/iaf_cond/models.hpp"

namespace nestkit {
namespace {

constexpr int kComps = 3;
const char* const kCompNames[kComps] = {"soma", "proximal", "distal"};
const char* const kCompSuffix[kComps] = {"s", "p", "d"};

// Column layout: global parameters, per-compartment parameters, the ODE state
// (NEST's order, compartment-major), then internals.
enum Global : int { V_th, V_reset, t_ref, g_sp, g_pd, kGlobals };
enum CompParam : int { g_L, E_L, E_ex, E_in, C_m, tau_syn_ex, tau_syn_in, I_e, kCompParams };
enum CompState : int { yV, yDGex, yGex, yDGin, yGin, kCompStates };
constexpr int kN = kComps * kCompStates;
constexpr int param_col(int comp, int k) { return kGlobals + comp * kCompParams + k; }
constexpr int kStateBase = kGlobals + kComps * kCompParams;
constexpr int state_col(int comp, int k) { return kStateBase + comp * kCompStates + k; }
enum Internal : int {
  r = kStateBase + kN,  // refractory steps left
  h_int,                // carried integration step
  I_stim,               // input current of the running step, one per compartment
  psc_ex = I_stim + kComps,
  psc_in = psc_ex + kComps,
  ref_counts = psc_in + kComps,
};
// Input channels: spike ports 1..6 at 0..5, current ports 7..9 at 6..8.
constexpr int kSpikeChannels = 2 * kComps;
constexpr int kChannels = kSpikeChannels + kComps;
constexpr long kFirstCurrentPort = kSpikeChannels + 1;

class IafCondAlphaMc final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
    iaf_cond::init_integration_step(num_[h_int], h_);
    for (std::size_t i = 0; i < n_; ++i) {
      for (int n = 0; n < kComps; ++n) {
        num_[psc_ex + n][i] = 1.0 * M_E / num_[param_col(n, tau_syn_ex)][i];
        num_[psc_in + n][i] = 1.0 * M_E / num_[param_col(n, tau_syn_in)][i];
      }
      num_[ref_counts][i] = static_cast<double>(rc.grid->ms_to_steps(num_[t_ref][i]));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* rows[kChannels];
      for (int ch = 0; ch < kChannels; ++ch) rows[ch] = input_.row(ch, step);
      auto make = [&]<int W>() {
        LaneDriver<W> d{*this, ctx, step};
        for (int ch = 0; ch < kChannels; ++ch) d.in[ch] = rows[ch];
        return d;
      };
      iaf_cond::advance_lanes<kN>(make, h_, begin, end);
      for (int ch = 0; ch < kChannels; ++ch)
        for (std::size_t i = begin; i < end; ++i) rows[ch][i] = 0.0;
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      input_.add(static_cast<int>(b.receptor[k]) - 1, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_,
                 b.weight[k] * b.weight_factor * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k)
      input_.add(kSpikeChannels + static_cast<int>(b.receptor[k] - kFirstCurrentPort), b.stamp + b.delay[k] - 1,
                 b.target[k] - first_gid_, b.weight[k] * b.amplitude);
  }

  // Recordables: (V_m, g_ex, g_in) per compartment, then t_ref_remaining.
  double recordable(int k, std::size_t i) const override {
    if (k == 3 * kComps) return h_ * num_[r][i];
    static constexpr int kWhich[3] = {yV, yGex, yGin};
    return num_[state_col(k / 3, kWhich[k % 3])][i];
  }

 private:
  // What the right-hand side reads besides y, for one node (T = double) or one
  // per lane (T = a lane vector). `refractory` is 1 or 0, fixed for the simulation step.
  template <class T>
  struct RhsParams {
    T refractory, V_reset, V_th, g_sp, g_pd;
    T comp[kComps][kCompParams];  // per-compartment parameters
    T I_stim[kComps];
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums).
  template <class T>
  [[gnu::always_inline]] static void rhs(const RhsParams<T>& p, const T* s, T* f) {
    using namespace integrators;
    auto at = [](int n, int k) { return n * kCompStates + k; };
    const auto refractory = p.refractory > 0.0;
    for (int n = 0; n < kComps; ++n) {
      const T* q = p.comp[n];
      T v, i_conn;
      if (n == 0) {
        v = select(refractory, p.V_reset, lane_min(s[at(0, yV)], p.V_th));
        i_conn = p.g_sp * (v - s[at(1, yV)]);
      } else if (n == 1) {
        v = s[at(1, yV)];
        i_conn = p.g_sp * (v - s[at(0, yV)]) + p.g_pd * (v - s[at(2, yV)]);
      } else {
        v = s[at(2, yV)];
        i_conn = p.g_pd * (v - s[at(1, yV)]);
      }
      const T i_ex = s[at(n, yGex)] * (v - q[E_ex]);
      const T i_in = s[at(n, yGin)] * (v - q[E_in]);
      const T i_leak = q[g_L] * (v - q[E_L]);
      // The soma's refractoriness freezes all three membrane potentials.
      f[at(n, yV)] =
          select(refractory, splat<T>(0.0), (-i_leak - i_ex - i_in - i_conn + p.I_stim[n] + q[I_e]) / q[C_m]);
      f[at(n, yDGex)] = -s[at(n, yDGex)] / q[tau_syn_ex];
      f[at(n, yGex)] = s[at(n, yDGex)] - s[at(n, yGex)] / q[tau_syn_ex];
      f[at(n, yDGin)] = -s[at(n, yDGin)] / q[tau_syn_in];
      f[at(n, yGin)] = s[at(n, yDGin)] - s[at(n, yGin)] / q[tau_syn_in];
    }
  }

  // Connects the population to the lock-step stepper for one simulation step.
  template <int W>
  struct LaneDriver {
    using Lane = typename integrators::Lanes<W>::V;
    IafCondAlphaMc& pop;
    StepContext& ctx;
    long step;
    double* in[kChannels] = {};
    RhsParams<Lane> p{};

    bool load(int l, std::size_t i, Lane* y, integrators::LaneStart& s) {
      auto c = [&](int k) { return pop.num_[k][i]; };
      for (int k = 0; k < kN; ++k) y[k][l] = c(kStateBase + k);
      for (int n = 0; n < kComps; ++n) {
        for (int k = 0; k < kCompParams; ++k) p.comp[n][k][l] = c(param_col(n, k));
        p.I_stim[n][l] = c(I_stim + n);
      }
      p.refractory[l] = c(r) > 0.0 ? 1.0 : 0.0;
      p.V_reset[l] = c(V_reset), p.V_th[l] = c(V_th), p.g_sp[l] = c(g_sp), p.g_pd[l] = c(g_pd);
      s = iaf_cond::lane_start(c(h_int));
      return true;
    }

    [[gnu::always_inline]] void rhs(const Lane&, const Lane* y, Lane* f) const { IafCondAlphaMc::rhs<Lane>(p, y, f); }
    bool accepted(int, Lane*) { return true; }

    void finish(int l, std::size_t i, const Lane* ys, double h) {
      auto c = [&](int k) -> double& { return pop.num_[k][i]; };
      double y[kN];
      for (int k = 0; k < kN; ++k) y[k] = ys[k][l];
      c(h_int) = h;
      for (int n = 0; n < kComps; ++n) {
        y[n * kCompStates + yDGex] += in[2 * n][i] * c(psc_ex + n);
        y[n * kCompStates + yDGin] += in[2 * n + 1][i] * c(psc_in + n);
      }
      if (p.refractory[l] > 0.0) {
        c(r) -= 1.0;
        y[yV] = c(V_reset);
      } else if (y[yV] >= c(V_th)) {
        c(r) = c(ref_counts);
        y[yV] = c(V_reset);
        pop.emit(ctx, i, step + 1);
      }
      for (int n = 0; n < kComps; ++n) c(I_stim + n) = in[kSpikeChannels + n][i];
      for (int k = 0; k < kN; ++k) c(kStateBase + k) = y[k];
    }
  };

  double h_ = 0.1;
};

ModelInfo make_info() {
  ModelInfo m("iaf_cond_alpha_mc", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_cond_alpha_mc.html");
  m.family = "iaf_cond";
  m.param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold (soma)")
      .param(V_reset, "V_reset", -60.0, "mV", {}, "Reset potential of the soma")
      .param(t_ref, "t_ref", 2.0, "ms", {}, "Duration of refractory period")
      .param(g_sp, "g_sp", 2.5, "nS", {}, "Conductance between soma and proximal dendrite")
      .param(g_pd, "g_pd", 1.0, "nS", {}, "Conductance between proximal and distal dendrite");
  const double gl[kComps] = {10.0, 5.0, 10.0}, cm[kComps] = {150.0, 75.0, 150.0};
  for (int n = 0; n < kComps; ++n) {
    const std::string pre = std::string(kCompNames[n]) + ".";
    m.param(param_col(n, g_L), pre + "g_L", gl[n], "nS", {}, "Leak conductance")
        .param(param_col(n, E_L), pre + "E_L", -70.0, "mV", {}, "Leak reversal potential")
        .param(param_col(n, E_ex), pre + "E_ex", 0.0, "mV", {}, "Excitatory reversal potential")
        .param(param_col(n, E_in), pre + "E_in", -85.0, "mV", {}, "Inhibitory reversal potential")
        .param(param_col(n, C_m), pre + "C_m", cm[n], "pF", {}, "Capacitance of the membrane")
        .param(param_col(n, tau_syn_ex), pre + "tau_syn_ex", 0.5, "ms", {}, "Excitatory synaptic alpha time constant")
        .param(param_col(n, tau_syn_in), pre + "tau_syn_in", 2.0, "ms", {}, "Inhibitory synaptic alpha time constant")
        .param(param_col(n, I_e), pre + "I_e", 0.0, "pA", {}, "Constant input current");
  }
  for (int n = 0; n < kComps; ++n) {
    m.state(state_col(n, yV), std::string(kCompNames[n]) + ".V_m", -70.0, "mV", "Membrane potential");
    for (int k = yDGex; k < kCompStates; ++k)
      m.internal(state_col(n, k), "_internal_y" + std::to_string(n * kCompStates + k));
  }
  for (int c = r; c <= ref_counts; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.recordables.clear();
  for (int n = 0; n < kComps; ++n)
    for (const char* v : {"V_m.", "g_ex.", "g_in."}) m.recordables.push_back(std::string(v) + kCompSuffix[n]);
  m.recordables.push_back("t_ref_remaining");
  m.spike_receptors = {1, 2, 3, 4, 5, 6};
  m.current_receptors = {7, 8, 9};
  m.receptor_types = {{"soma_exc", 1},   {"soma_inh", 2},  {"proximal_exc", 3},  {"proximal_inh", 4}, {"distal_exc", 5},
                      {"distal_inh", 6}, {"soma_curr", 7}, {"proximal_curr", 8}, {"distal_curr", 9}};
  m.validate = [](const ParamRow& row) {
    const std::string model = "iaf_cond_alpha_mc";
    iaf_cond::check_reset(row, model);
    iaf_cond::check_t_ref(row, model);
    for (int n = 0; n < kComps; ++n) {
      const std::string pre = std::string(kCompNames[n]) + ".";
      if (row.num(pre + "C_m") <= 0.0)
        throw BadProperty(model + ": Capacitance (" + kCompNames[n] + ") must be strictly positive.");
      if (row.num(pre + "tau_syn_ex") <= 0.0 || row.num(pre + "tau_syn_in") <= 0.0)
        throw BadProperty(model + ": All time constants (" + kCompNames[n] + ") must be strictly positive.");
    }
  };
  m.archiving_params();
  m.make = [](const ModelInfo& info) { return std::make_unique<IafCondAlphaMc>(info); };
  return m;
}

}  // namespace

const ModelInfo& iaf_cond_alpha_mc_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
