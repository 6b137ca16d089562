// gif_cond_exp_multisynapse: gif_cond_exp with one exponentially decaying
// conductance per receptor port 1..len(tau_syn) (reversal potentials E_rev), as
// NEST 3.10's model. The 1 + n variables are integrated with RKF45 under GSL's
// y_new(gsl_error_tol, 0) control, padded to an instantiated size
// (misc_ode/padded_evolve.hpp: the padding never changes a step or a bit); nodes
// with up to 16 ports run in the lock-step lanes of rkf45_lanes.hpp.
#include <algorithm>
#include <cmath>

#include "integrators/rkf45_lanes.hpp"
#include "models/neurons/misc_ode/padded_evolve.hpp"
#include "models/neurons/point_process/gif_multisynapse.hpp"
#include "models/neurons/point_process/models.hpp"

namespace nestkit {
namespace {

enum Col : int {
  n_receptors = gif::kCommonEnd,
  has_connections,
  gsl_error_tol,
  h_int,  // the carried integration step (0 until the first run)
};

class GifCondExpMultisynapse final : public gif::GifMultisynapsePopulation {
 public:
  explicit GifCondExpMultisynapse(const ModelInfo& info)
      : GifMultisynapsePopulation(info),
        erev_col_(info.specs[info.index_of("E_rev")].column),
        idx_g_(info.index_of("g")) {}

  void prepare(const RunContext& rc) override {
    prepare_ports(rc);
    prepare_gif(rc);
    for (double& h : num_[h_int])
      if (h <= 0.0) h = h_;  // NEST's init_buffers_: once per node
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    // The padded ODE sizes present in [begin, end): one lane run per size up to
    // kMaxLanePadded (16 ports), the scalar stepper for larger nodes.
    std::vector<std::size_t> lane_sizes;
    bool any_scalar = false;
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t padded = padded_of(i);
      if (padded > misc_ode::kMaxLanePadded)
        any_scalar = true;
      else if (std::find(lane_sizes.begin(), lane_sizes.end(), padded) == lane_sizes.end())
        lane_sizes.push_back(padded);
    }
    std::vector<double> y;
    std::vector<double*> ports_in;
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      ports_in.resize(channels_ - 1);
      for (int k = 1; k < channels_; ++k) ports_in[k - 1] = input_.row(k, step);
      const StepInput in{step, input_.row(0, step), ports_in.data()};
      // The kernels are read first: I_stc drives V during the integration.
      for (std::size_t i = begin; i < end; ++i) adapt(i);
      for (const std::size_t padded : lane_sizes) {
        auto make = [&]<int W>() { return LaneDriver<W>{*this, ctx, in, padded}; };
        // GSL's y_new control: a_y = 1, a_dydt = 0 (tolerances per node, in load()).
        misc_ode::evolve_population_padded(padded, make, 1.0, 0.0, h_, begin, end);
      }
      if (any_scalar)
        for (std::size_t i = begin; i < end; ++i)
          if (padded_of(i) > misc_ode::kMaxLanePadded) update_scalar(ctx, i, in, y);
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      if (b.weight[k] < 0.0) {
        // NEST rejects the spike when it arrives; the kernel raises this after the slice.
        report_error("BadProperty in " + model_name_ +
                     ": Synaptic weights for conductance-based multisynapse models must be non-negative.");
        continue;
      }
      input_.add(b.receptor[k], b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, b.weight[k] * b.weight_factor * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, 0); }

  double recordable(int k, std::size_t i) const override {
    static constexpr int kCols[] = {gif::V_m, gif::E_sfa, gif::I_stc};
    return num_[kCols[k]][i];
  }

 protected:
  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    GifMultisynapsePopulation::read_derived(i, row);
    // The conductances as laid out for the last run, zero for ports added since.
    std::vector<double> g(ports(i), 0.0);
    if (i < syn_.size()) std::copy_n(syn_[i].begin(), std::min(g.size(), syn_[i].size()), g.begin());
    row[idx_g_] = std::move(g);
  }

 private:
  // The inputs of one simulation step: the current channel and the port rows.
  struct StepInput {
    long step;
    double* cur;
    double* const* port;
  };

  std::size_t padded_of(std::size_t i) const { return misc_ode::padded_size(1 + syn_[i].size()); }

  // What the right-hand side reads besides y, per lane (T = lane vector) or for
  // one node (T = double): the refractory flag (1 or 0), the port count.
  template <class T>
  struct RhsParams {
    T refractory, V_reset, g_L, E_L, I_stim, I_e, stc, C_m, ports;
  };

  // NEST's right-hand side in its order, over `nloop` port slots: slots at or
  // above a node's port count add nothing to the synaptic current (the sum is not
  // touched) and have derivative 0. The leak reads the unclamped V, as NEST.
  template <class T>
  [[gnu::always_inline]] static void rhs(const RhsParams<T>& p, std::size_t nloop, const T* tau, const T* erev,
                                         const T* y, T* f) {
    using integrators::select;
    using integrators::splat;
    const auto refractory = p.refractory > 0.0;
    const T i_leak = -p.g_L * (y[0] - p.E_L);
    const T v = select(refractory, p.V_reset, y[0]);
    T i_syn = splat<T>(0.0);
    for (std::size_t k = 0; k < nloop; ++k)
      i_syn = select(p.ports > static_cast<double>(k), i_syn + -y[1 + k] * (v - erev[k]), i_syn);
    f[0] = select(refractory, splat<T>(0.0), (i_leak + p.I_stim + p.I_e + i_syn - p.stc) / p.C_m);
    for (std::size_t k = 0; k < nloop; ++k)
      f[1 + k] = select(p.ports > static_cast<double>(k), -y[1 + k] / tau[k], splat<T>(0.0));
  }

  template <class T>
  void load_params(std::size_t i, RhsParams<T>& p, int l) const {
    auto set = [&](T& x, double v) {
      if constexpr (integrators::LaneVector<T>)
        x[l] = v;
      else
        x = v;
    };
    auto c = [&](int k) { return num_[k][i]; };
    set(p.refractory, c(gif::r) > 0.0 ? 1.0 : 0.0);
    set(p.V_reset, c(gif::V_reset));
    set(p.g_L, c(gif::g_L));
    set(p.E_L, c(gif::E_L));
    set(p.I_stim, c(gif::I_stim));
    set(p.I_e, c(gif::I_e));
    set(p.stc, c(gif::I_stc));
    set(p.C_m, c(gif::C_m));
    set(p.ports, static_cast<double>(syn_[i].size()));
  }

  // Node i after its integration (y: V and the conductances at the end of the
  // step): the spike input, the hazard, then the step's current.
  void after_step(StepContext& ctx, std::size_t i, const StepInput& in, const double* y) {
    auto& g = syn_[i];
    for (std::size_t k = 0; k < g.size(); ++k) {
      g[k] = y[1 + k] + in.port[k][i];
      in.port[k][i] = 0.0;
    }
    num_[gif::V_m][i] = fire_or_clamp(ctx, i, in.step, y[0]);
    num_[gif::I_stim][i] = in.cur[i];
    in.cur[i] = 0.0;
  }

  // Connects the population to the lock-step stepper for one step and one padded size.
  template <int W>
  struct LaneDriver {
    using Lane = typename integrators::Lanes<W>::V;
    static constexpr std::size_t kMaxPorts = misc_ode::kMaxLanePadded - 1;
    GifCondExpMultisynapse& pop;
    StepContext& ctx;
    const StepInput& in;
    std::size_t padded;
    std::size_t nloop = padded - 1;
    RhsParams<Lane> p{};
    Lane tau[kMaxPorts]{}, erev[kMaxPorts]{};

    // Out of line: the port loop, bounded at run time, would otherwise draw GCC's
    // array-bounds warning for slots beyond the smaller sizes (never reached).
    [[gnu::noinline]] bool load(int l, std::size_t i, Lane* y, integrators::LaneStart& s) {
      if (pop.padded_of(i) != padded) return false;
      pop.load_params(i, p, l);
      const auto& g = pop.syn_[i];
      const double* t = pop.tau_syn(i).data();
      const double* e = pop.list_at(pop.erev_col_, i).data();
      y[0][l] = pop.num_[gif::V_m][i];
      for (std::size_t k = 0; k < nloop; ++k) {
        const bool live = k < g.size();
        y[1 + k][l] = live ? g[k] : 0.0;
        tau[k][l] = live ? t[k] : 1.0;
        erev[k][l] = live ? e[k] : 0.0;
      }
      s = {pop.num_[h_int][i], pop.num_[gsl_error_tol][i], 0.0};
      return true;
    }

    [[gnu::always_inline]] void rhs(const Lane&, const Lane* y, Lane* f) const {
      GifCondExpMultisynapse::rhs<Lane>(p, nloop, tau, erev, y, f);
    }
    bool accepted(int, Lane*) { return true; }  // spikes are drawn after the whole step

    void finish(int l, std::size_t i, const Lane* yl, double h) {
      double y[misc_ode::kMaxLanePadded];
      for (std::size_t k = 0; k < padded; ++k) y[k] = yl[k][l];
      pop.num_[h_int][i] = h;
      pop.after_step(ctx, i, in, y);
    }
  };

  // A node with more than 16 ports, with the scalar stepper.
  void update_scalar(StepContext& ctx, std::size_t i, const StepInput& in, std::vector<double>& y) {
    const std::size_t n = syn_[i].size(), padded = padded_of(i);
    y.assign(padded, 0.0);
    y[0] = num_[gif::V_m][i];
    std::copy(syn_[i].begin(), syn_[i].end(), y.begin() + 1);
    RhsParams<double> p;
    load_params(i, p, 0);
    const double* tau = tau_syn(i).data();
    const double* erev = list_at(erev_col_, i).data();
    auto f = [&](double, const double* s, double* d) {
      rhs<double>(p, n, tau, erev, s, d);
      for (std::size_t k = 1 + n; k < padded; ++k) d[k] = 0.0;
      return true;
    };
    misc_ode::integrate_step(f, integrators::ErrorControl::y(num_[gsl_error_tol][i], 0.0), h_, num_[h_int][i], y.data(),
                             padded);
    after_step(ctx, i, in, y.data());
  }

  int erev_col_, idx_g_;
};

// NEST's receptor rules: a new port count needs both lists, of equal length.
void check_ports(const ParamRow& row, const std::string& model) {
  const bool e_given = row.given("E_rev"), t_given = row.given("tau_syn");
  const std::size_t before = static_cast<std::size_t>(row.num("n_receptors"));
  const std::size_t ne = gif::list(row, "E_rev").size(), nt = gif::list(row, "tau_syn").size();
  if (e_given || t_given) {
    if ((ne != before || nt != before) && !(e_given && t_given))
      throw BadProperty(model + ": If the number of receptor ports is changed, both arrays E_rev and tau_syn must be " +
                        "provided.");
    if (ne != nt)
      throw BadProperty(model + ": The reversal potential, and synaptic time constant arrays must have the same size " +
                        "(E_rev: " + std::to_string(ne) + ", tau_syn: " + std::to_string(nt) + ").");
  }
  gif::check_list(row, model, "E_rev", false);
  gif::check_receptors(row, model);
}

ModelInfo make_info() {
  ModelInfo m("gif_cond_exp_multisynapse", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/gif_cond_exp_multisynapse.html");
  m.family = "point_process";
  gif::declare_common(m);
  gif::declare_receptors(m, n_receptors);
  m.param(gsl_error_tol, "gsl_error_tol", 1e-3, "", positive(), "Absolute error tolerance of the RKF45 integrator");
  m.internal(h_int, "_integration_step");
  m.object("E_rev", PType::kDoubleVec, std::vector<double>{0.0}, "mV", "Reversal potentials, one per receptor port")
      .object("g", PType::kDoubleVec, std::vector<double>{0.0}, "nS", "Synaptic conductances, one per receptor port",
              Role::kReadOnly);
  m.recordables = {"V_m", "E_sfa", "I_stc"};
  m.spike_receptors = {1};  // the default; each node accepts 1..len(tau_syn)
  m.validate = [](const ParamRow& row) {
    gif::validate_common(row, "gif_cond_exp_multisynapse");
    gif::check_finite(row, "gif_cond_exp_multisynapse", {"gsl_error_tol"});
    check_ports(row, "gif_cond_exp_multisynapse");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<GifCondExpMultisynapse>(info); };
  return m;
}

}  // namespace

const ModelInfo& gif_cond_exp_multisynapse_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
