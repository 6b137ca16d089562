// pp_cond_exp_mc_urbanczik: two-compartment (soma "s", dendrite "p") point-process
// neuron of Urbanczik & Senn (2014) as NEST 3.10's model. The soma has
// exponentially decaying synaptic conductances, the dendrite exponentially
// decaying synaptic currents; the compartments are coupled by g_sp (dendrite ->
// soma) and g_ps (soma -> dendrite). The deterministic part is integrated by
// RKF45 under y_new(1e-3, 0) as NEST does (bit-identical); outside the dead time
// t_ref the soma fires with rate 1000 phi(V_s) Hz,
//   phi(u) = phi_max / (1 + rate_slope exp(beta (theta - u))),
// one spike with probability 1 - exp(-rate h) when t_ref > 0, a Poisson count
// when t_ref == 0. The membrane potentials are never reset. Each step the node
// records the dendritic prediction error in its UrbanczikArchive, the history
// urbanczik_synapse reads: with V* = (g_L,s E_L,s + g_sp V_p) / (g_L,s + g_sp),
//   dw = (n_spikes - phi(V*) h) h'(V*),  h'(u) = 15 beta / (1 + exp(beta (u - theta)) / rate_slope).
//
// Spike ports 1..4: soma_exc, soma_inh (conductance jumps by the weight),
// dendritic_exc, dendritic_inh (current jumps by +weight / -weight); current
// ports 5, 6: soma, dendrite. As for iaf_cond_alpha_mc, NEST's per-compartment
// sub-dictionaries "soma" / "dendritic" are flat keys here ("soma.C_m", ...).
#include <cmath>

#include "integrators/nest_expm1.hpp"
#include "models/neurons/iaf_cond/cond_common.hpp"
#include "models/neurons/point_process/models.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/urbanczik_archive.hpp"

namespace nestkit {
namespace {

constexpr int kComps = 2;
const char* const kCompNames[kComps] = {"soma", "dendritic"};

enum Global : int { t_ref, phi_max, rate_slope, beta, theta, g_sp, g_ps, tau_minus, tau_minus_triplet, kGlobals };
enum CompParam : int { g_L, E_L, E_ex, E_in, C_m, tau_syn_ex, tau_syn_in, I_e, kCompParams };
// NEST's state vector per compartment (soma block first); the soma uses g_ex,
// g_in, the dendrite I_ex, I_in (the others stay 0).
enum CompState : int { yV, yGex, yGin, yIex, yIin, kCompStates };
constexpr int kN = kComps * kCompStates;
constexpr int param_col(int comp, int k) { return kGlobals + comp * kCompParams + k; }
constexpr int kStateBase = kGlobals + kComps * kCompParams;
constexpr int state_col(int comp, int k) { return kStateBase + comp * kCompStates + k; }
enum Internal : int {
  r = kStateBase + kN,  // dead-time steps left
  h_int,                // carried integration step
  I_stim,               // input current of the running step, one per compartment
  ref_counts = I_stim + kComps,
};
constexpr int kSpikeChannels = 4;
constexpr int kChannels = kSpikeChannels + kComps;
constexpr long kFirstCurrentPort = kSpikeChannels + 1;

class PpCondExpMcUrbanczik final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
    seed_ = rc.seed;
    iaf_cond::init_integration_step(num_[h_int], h_);
    urbanczik_->resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      num_[ref_counts][i] = static_cast<double>(rc.grid->ms_to_steps(num_[t_ref][i]));
      auto c = [&](int k) { return num_[param_col(1, k)][i]; };
      urbanczik_->set_dendrite(i, {c(g_L), c(C_m), c(tau_syn_ex), c(tau_syn_in)});
    }
  }

  UrbanczikArchive* urbanczik_archive() const override { return urbanczik_.get(); }

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

  // Recordables in NEST's order: V_m.s, g_ex.s, g_in.s, V_m.p, I_ex.p, I_in.p.
  double recordable(int k, std::size_t i) const override {
    static constexpr int kCols[6] = {state_col(0, yV), state_col(0, yGex), state_col(0, yGin),
                                     state_col(1, yV), state_col(1, yIex), state_col(1, yIin)};
    return num_[kCols[k]][i];
  }

 private:
  template <class T>
  struct RhsParams {
    T g_sp, g_ps;
    T comp[kComps][kCompParams];
    T I_stim_s;
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums).
  template <class T>
  [[gnu::always_inline]] static void rhs(const RhsParams<T>& p, const T* y, T* f) {
    using namespace integrators;
    constexpr int s = 0, d = kCompStates;
    const T* qs = p.comp[0];
    const T* qd = p.comp[1];
    const T V = y[s + yV];
    const T i_leak = qs[g_L] * (V - qs[E_L]);
    const T i_ex = y[s + yGex] * (V - qs[E_ex]);
    const T i_in = y[s + yGin] * (V - qs[E_in]);
    const T V_d = y[d + yV];
    const T i_conn_ds = splat<T>(0.0) + p.g_sp * (V_d - V);
    const T i_conn_sd = p.g_ps * (V - V_d);
    const T i_syn_ex = y[d + yIex];
    const T i_syn_in = y[d + yIin];
    f[d + yV] = (-qd[g_L] * (V_d - qd[E_L]) + i_syn_ex + i_syn_in + i_conn_sd) / qd[C_m];
    f[d + yIex] = -i_syn_ex / qd[tau_syn_ex];
    f[d + yIin] = -i_syn_in / qd[tau_syn_in];
    f[d + yGin] = splat<T>(0.0);
    f[d + yGex] = splat<T>(0.0);
    f[s + yV] = (-i_leak - i_ex - i_in + i_conn_ds + p.I_stim_s + qs[I_e]) / qs[C_m];
    f[s + yGex] = -y[s + yGex] / qs[tau_syn_ex];
    f[s + yGin] = -y[s + yGin] / qs[tau_syn_in];
    f[s + yIex] = splat<T>(0.0);
    f[s + yIin] = splat<T>(0.0);
  }

  template <int W>
  struct LaneDriver {
    using Lane = typename integrators::Lanes<W>::V;
    PpCondExpMcUrbanczik& pop;
    StepContext& ctx;
    long step;
    double* in[kChannels] = {};
    RhsParams<Lane> p{};

    bool load(int l, std::size_t i, Lane* y, integrators::LaneStart& st) {
      auto c = [&](int k) { return pop.num_[k][i]; };
      for (int k = 0; k < kN; ++k) y[k][l] = c(kStateBase + k);
      for (int n = 0; n < kComps; ++n)
        for (int k = 0; k < kCompParams; ++k) p.comp[n][k][l] = c(param_col(n, k));
      p.g_sp[l] = c(g_sp), p.g_ps[l] = c(g_ps), p.I_stim_s[l] = c(I_stim);
      st = iaf_cond::lane_start(c(h_int));
      return true;
    }

    [[gnu::always_inline]] void rhs(const Lane&, const Lane* y, Lane* f) const {
      PpCondExpMcUrbanczik::rhs<Lane>(p, y, f);
    }
    bool accepted(int, Lane*) { return true; }

    void finish(int l, std::size_t i, const Lane* ys, double h) {
      auto c = [&](int k) -> double& { return pop.num_[k][i]; };
      double y[kN];
      for (int k = 0; k < kN; ++k) y[k] = ys[k][l];
      c(h_int) = h;
      y[yGex] += in[0][i];
      y[yGin] += in[1][i];
      y[kCompStates + yIex] += in[2][i];
      y[kCompStates + yIin] -= in[3][i];
      long n_spikes = 0;
      if (c(r) == 0.0)
        n_spikes = pop.fire(ctx, i, step, y[yV]);
      else
        c(r) -= 1.0;
      pop.write_history(i, step + 1, y[kCompStates + yV], n_spikes);
      for (int n = 0; n < kComps; ++n) c(I_stim + n) = in[kSpikeChannels + n][i];
      for (int k = 0; k < kN; ++k) c(kStateBase + k) = y[k];
    }
  };

  // The escape-noise draw of node i outside its dead time, V the somatic potential.
  // Returns the number of spikes.
  long fire(StepContext& ctx, std::size_t i, long step, double V) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    const double rate = 1000.0 * phi(i, V);  // Hz
    if (!(rate > 0.0)) return 0;
    const double mu = rate * h_ * 1e-3;
    // As pp_psc_delta: below the resolution of the uniform draw no draw is made.
    if (!(mu > 0x1p-53)) return 0;
    if (!std::isfinite(mu) || (c(t_ref) == 0.0 && mu > 1e9)) {
      report_error(model_name_ + ": the escape rate " + std::to_string(rate) +
                   " Hz is too large to draw a spike count from");
      return 0;
    }
    // One stream per node and step: the draws do not depend on threads or chunking.
    RandomStream rs(seed_, Purpose::kPointProcess, first_gid_ + static_cast<uint32_t>(i), static_cast<uint64_t>(step));
    long n = 0;
    if (c(t_ref) > 0.0)
      n = rs.uniform() <= -integrators::nest_expm1(-mu) ? 1 : 0;
    else
      n = rs.poisson(mu);
    if (n == 0) return 0;
    c(r) = c(ref_counts);
    emit(ctx, i, step + 1, static_cast<uint32_t>(n));
    return n;
  }

  // The rate function (1/ms) of node i.
  double phi(std::size_t i, double u) const {
    auto c = [&](int k) { return num_[k][i]; };
    return c(phi_max) / (1.0 + c(rate_slope) * std::exp(c(beta) * (c(theta) - u)));
  }

  // The prediction error of the step ending at `stamp`, V_d the dendritic potential.
  void write_history(std::size_t i, long stamp, double V_d, long n_spikes) {
    if (!urbanczik_->recording(i)) return;
    auto c = [&](int k) { return num_[k][i]; };
    const double g_D = c(g_sp), gl = c(param_col(0, g_L)), el = c(param_col(0, E_L));
    const double v_star = (el * gl + V_d * g_D) / (g_D + gl);
    const double h_fn = 15.0 * c(beta) / (1.0 + (1.0 / c(rate_slope)) * std::exp(-c(beta) * (c(theta) - v_star)));
    const double dw = (static_cast<double>(n_spikes) - phi(i, v_star) * h_) * h_fn;
    urbanczik_->write(i, grid_ptr_->steps_to_ms(stamp), dw);
  }

  double h_ = 0.1;
  uint32_t seed_ = 0;
  std::unique_ptr<UrbanczikArchive> urbanczik_ = std::make_unique<UrbanczikArchive>();
};

ModelInfo make_info() {
  ModelInfo m("pp_cond_exp_mc_urbanczik", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/pp_cond_exp_mc_urbanczik.html");
  m.family = "point_process";
  m.param(t_ref, "t_ref", 3.0, "ms", {}, "Duration of the dead time")
      .param(phi_max, "phi_max", 0.15, "1/ms", {}, "Maximum of the rate function phi")
      .param(rate_slope, "rate_slope", 0.5, "", {}, "Slope parameter of phi")
      .param(beta, "beta", 1.0 / 3.0, "1/mV", {}, "Steepness of phi")
      .param(theta, "theta", -55.0, "mV", {}, "Midpoint parameter of phi")
      .param(g_sp, "g_sp", 600.0, "nS", {}, "Coupling conductance, dendrite to soma")
      .param(g_ps, "g_ps", 0.0, "nS", {}, "Coupling conductance, soma to dendrite")
      .param(tau_minus, "tau_minus", 20.0, "ms", positive(), "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", positive(),
             "Triplet-STDP post-synaptic time constant");
  const double e_in[kComps] = {-75.0, 0.0};
  for (int n = 0; n < kComps; ++n) {
    const std::string pre = std::string(kCompNames[n]) + ".";
    m.param(param_col(n, g_L), pre + "g_L", 30.0, "nS", {}, "Leak conductance")
        .param(param_col(n, E_L), pre + "E_L", -70.0, "mV", {}, "Leak reversal potential")
        .param(param_col(n, E_ex), pre + "E_ex", 0.0, "mV", {}, "Excitatory reversal potential")
        .param(param_col(n, E_in), pre + "E_in", e_in[n], "mV", {}, "Inhibitory reversal potential")
        .param(param_col(n, C_m), pre + "C_m", 300.0, "pF", {}, "Capacitance of the membrane")
        .param(param_col(n, tau_syn_ex), pre + "tau_syn_ex", 3.0, "ms", {}, "Excitatory synaptic time constant")
        .param(param_col(n, tau_syn_in), pre + "tau_syn_in", 3.0, "ms", {}, "Inhibitory synaptic time constant")
        .param(param_col(n, I_e), pre + "I_e", 0.0, "pA", {}, "Constant input current");
  }
  for (int n = 0; n < kComps; ++n) {
    m.state(state_col(n, yV), std::string(kCompNames[n]) + ".V_m", -70.0, "mV", "Membrane potential");
    for (int k = yGex; k < kCompStates; ++k)
      m.internal(state_col(n, k), "_internal_y" + std::to_string(n * kCompStates + k));
  }
  for (int c = r; c <= ref_counts; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.recordables = {"V_m.s", "g_ex.s", "g_in.s", "V_m.p", "I_ex.p", "I_in.p"};
  m.spike_receptors = {1, 2, 3, 4};
  m.current_receptors = {5, 6};
  m.receptor_types = {{"soma_exc", 1},      {"soma_inh", 2},  {"dendritic_exc", 3},
                      {"dendritic_inh", 4}, {"soma_curr", 5}, {"dendritic_curr", 6}};
  m.validate = [](const ParamRow& row) {
    const std::string model = "pp_cond_exp_mc_urbanczik";
    if (row.num("rate_slope") < 0.0) throw BadProperty(model + ": Rate slope cannot be negative.");
    if (row.num("phi_max") < 0.0) throw BadProperty(model + ": Maximum rate cannot be negative.");
    iaf_cond::check_t_ref(row, model);
    for (int n = 0; n < kComps; ++n) {
      const std::string pre = std::string(kCompNames[n]) + ".";
      if (row.num(pre + "C_m") <= 0.0)
        throw BadProperty(model + ": Capacitance (" + kCompNames[n] + ") must be strictly positive.");
      if (row.num(pre + "tau_syn_ex") <= 0.0 || row.num(pre + "tau_syn_in") <= 0.0)
        throw BadProperty(model + ": All time constants must be strictly positive.");
    }
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<PpCondExpMcUrbanczik>(info); };
  return m;
}

}  // namespace

const ModelInfo& pp_cond_exp_mc_urbanczik_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
