// gif_pop_psc_exp: a population of N GIF neurons (exponential PSCs, escape noise,
// threshold adaptation) simulated on the mesoscopic level with the finite-size
// population equations of Schwalger, Deger & Gerstner (2017), as NEST 3.10's model.
//
// The population is described by the neurons' ages (steps since their last
// spike), kept in a ring of K = len_kernel bins: per bin the number of neurons
// that fired then (n), how many of them have survived without firing (m), the
// variance of that number (v), their membrane potential (u) and escape rate
// (lambda). Neurons older than K steps are lumped into a "free" bin (x, z) with
// the free membrane potential V_m. Each step the bins are propagated, the
// expected spike count of the population is formed from the survival
// probabilities (with the finite-size correction of the variance bins), and the
// actual count is drawn, binomially (BinoRand) or as a Poisson number. The
// threshold adaptation is a sum of exponential kernels (q_sfa, tau_sfa) driven by
// the population activity. One node emits the population's spikes as one event
// with that multiplicity.
#include <cmath>
#include <limits>

#include "integrators/leak_propagator.hpp"
#include "models/neurons/neuron_base.hpp"
#include "models/neurons/point_process/gif_common.hpp"
#include "models/neurons/point_process/models.hpp"

namespace nestkit {
namespace {

enum Col : int {
  // parameters
  N,
  tau_m,
  C_m,
  lambda_0,
  Delta_V,
  len_kernel,
  I_e,
  V_reset,
  V_T_star,
  E_L,
  t_ref,
  tau_syn_ex,
  tau_syn_in,
  BinoRand,
  // state
  V_m,
  I_syn_ex,
  I_syn_in,
  n_events,
  E_sfa,
  mean,
  // internal: the input current of the running step
  y0,
};
enum Rec : int { kV_m, kN_events, kE_sfa, kMean, kI_syn_ex, kI_syn_in };
enum Channel : int { kEx, kIn, kCurrent, kChannels };

// The age-structured state of one population node.
struct AgeBins {
  bool ready = false;
  long K = 0, k_ref = 0, k0 = 0;  // ring length, refractory bins, bin of the current step
  std::vector<double> n, m, v, u, lambda, theta, theta_tld;
  std::vector<double> g, g_decay, g_weight;  // adaptation kernels driven by the activity
  double x = 0.0, z = 0.0, lambda_free = 0.0;
};

class GifPopPscExp final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
    seed_ = rc.seed;
    bins_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      if (list(tau_sfa_col(), i).empty() || list(q_sfa_col(), i).empty())
        throw BadProperty(model_name_ + ": tau_sfa and q_sfa must not be empty.");
      if (!bins_[i].ready) init_bins(i, *rc.grid);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = input_.row(kEx, step);
      double* in_in = input_.row(kIn, step);
      double* in_cur = input_.row(kCurrent, step);
      for (std::size_t i = begin; i < end; ++i) {
        const long spikes = step_node(i, step, in_ex[i], in_in[i], in_cur[i]);
        in_ex[i] = in_in[i] = in_cur[i] = 0.0;
        if (spikes > 0) emit(ctx, i, step + 1, static_cast<uint32_t>(spikes));
      }
      sample(step, begin, end);
    }
  }

  // Positive weights to the excitatory current, the rest (zero included) to the inhibitory one.
  void deliver_spikes(const SpikeBatch& b) override { deliver_sign_split(b, kEx, kIn); }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int k, std::size_t i) const override {
    static constexpr int kCols[] = {V_m, n_events, E_sfa, mean, I_syn_ex, I_syn_in};
    return num_[kCols[k]][i];
  }

 protected:
  // Any change of a node's status restarts its age structure (NEST re-runs the
  // initialisation after every set_status).
  void write_derived(std::size_t i, const std::vector<Value>&) override {
    if (i < bins_.size()) bins_[i].ready = false;
  }

 private:
  int tau_sfa_col() const { return info_->specs[info_->index_of("tau_sfa")].column; }
  int q_sfa_col() const { return info_->specs[info_->index_of("q_sfa")].column; }
  const std::vector<double>& list(int c, std::size_t i) const { return std::get<std::vector<double>>(obj_[c][i]); }

  // The adaptation kernel sum_j q_j exp(-k h / tau_j) at a lag of k steps (mV).
  double kernel(std::size_t i, long k) const {
    const auto& tau = list(tau_sfa_col(), i);
    const auto& q = list(q_sfa_col(), i);
    double s = 0.0;
    for (std::size_t j = 0; j < tau.size(); ++j) s += q[j] * std::exp(-k * h_ / tau[j]);
    return s;
  }

  // The automatic ring length: the lag (at most 20 s, at least 5 tau_m) beyond
  // which the kernel is below a tenth of Delta_V, and longer than t_ref.
  long history_size(std::size_t i) const {
    auto c = [&](int k) { return num_[k][i]; };
    long k = static_cast<long>(20000.0 / h_);
    const long k_min = static_cast<long>(5 * c(tau_m) / h_);
    while (kernel(i, k) / c(Delta_V) < 0.1 && k > k_min) --k;
    if (k * h_ <= c(t_ref)) k = static_cast<long>(c(t_ref) / h_) + 1;
    return k;
  }

  void init_bins(std::size_t i, const TimeGrid& grid) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    AgeBins& b = bins_[i];
    if (c(len_kernel) < 1) c(len_kernel) = static_cast<double>(history_size(i));  // reported, as NEST
    const long K = static_cast<long>(c(len_kernel));
    const double pop = c(N);
    b = AgeBins{};
    b.K = K;
    b.k_ref = grid.ms_to_steps(c(t_ref));
    for (auto* a : {&b.n, &b.m, &b.v, &b.u, &b.lambda}) a->assign(K, 0.0);
    b.theta.resize(K);
    b.theta_tld.resize(K);
    for (long k = 0; k < K; ++k) {
      // Bin k holds the neurons of age K - k steps (at k0 = 0).
      b.theta[k] = kernel(i, K - k);
      b.theta_tld[k] = c(Delta_V) * (1.0 - std::exp(-b.theta[k] / c(Delta_V))) / pop;
    }
    // All neurons start as if they had fired long ago, in the oldest bin.
    b.n[K - 1] = b.m[K - 1] = pop;
    const auto& tau = list(tau_sfa_col(), i);
    const auto& q = list(q_sfa_col(), i);
    for (std::size_t j = 0; j < tau.size(); ++j) {
      // q_sfa * tau_sfa: the kernel integral the activity is weighted with.
      b.g_weight.push_back(q[j] * tau[j] * std::exp(-h_ * static_cast<double>(K) / tau[j]));
      b.g_decay.push_back(std::exp(-h_ / tau[j]));
      b.g.push_back(0.0);
    }
    b.ready = true;
  }

  double escape_rate(std::size_t i, double x) const {  // Hz
    return num_[lambda_0][i] * std::exp(x / num_[Delta_V][i]);
  }

  long draw(std::size_t i, long step, double expected) const {
    const long pop = static_cast<long>(num_[N][i]);
    RandomStream rs(seed_, Purpose::kPopulation, first_gid_ + static_cast<uint32_t>(i), static_cast<uint64_t>(step));
    if (num_[BinoRand][i] != 0.0) {
      const double p = expected / static_cast<double>(pop);
      if (p >= 1.0) return pop;
      if (p <= 0.0) return 0;
      return rs.binomial(pop, p);
    }
    if (expected > static_cast<double>(pop)) return pop;
    const double tiny = std::numeric_limits<double>::min();
    if (!(expected > tiny)) return 0;
    // Where P(k >= 1) cannot be told from P(k = 1), a Bernoulli draw (as NEST).
    long k = 1.0 - (expected + 1.0) * std::exp(-expected) > tiny ? rs.poisson(expected)
                                                                 : static_cast<long>(rs.uniform() < expected);
    return std::clamp(k, 0L, pop);
  }

  // One step of node i (Schwalger et al. 2017, Figs. 11 and 12); returns the spike count.
  long step_node(std::size_t i, long step, double spikes_ex, double spikes_in, double current) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    AgeBins& b = bins_[i];
    const double h = h_, tm = c(tau_m), cm = c(C_m), el = c(E_L), te = c(tau_syn_ex), ti = c(tau_syn_in);
    const double p22 = std::exp(-h / tm), p20 = integrators::leak_current_propagator_tau_first(tm, cm, p22);
    const double p11e = std::exp(-h / te), p11i = std::exp(-h / ti);
    const double pop = c(N);

    // Membrane drive over the step: the constant current, and the synaptic input
    // (in the paper's units: activity-weighted voltage rates) through the PSC filters.
    double drive = (c(I_e) + c(y0)) * p20 + el;
    const double a_ex = spikes_ex / h * te / cm, a_in = spikes_in / h * ti / cm;
    double y_ex = c(I_syn_ex) / cm, y_in = c(I_syn_in) / cm;
    const double d_ex = te * p11e * (y_ex - a_ex) - p22 * (te * y_ex - tm * a_ex);
    const double d_in = ti * p11i * (y_in - a_in) - p22 * (ti * y_in - tm * a_in);
    drive += tm * (a_ex + d_ex / (te - tm)) + tm * (a_in + d_in / (ti - tm));
    y_ex = a_ex + (y_ex - a_ex) * p11e;
    y_in = a_in + (y_in - a_in) * p11i;
    c(I_syn_ex) = y_ex * cm;
    c(I_syn_in) = y_in * cm;
    c(y0) = current;

    // The free neurons (older than the ring): potential, adaptation, rate.
    double theta_free = c(V_T_star);
    c(V_m) = (c(V_m) - el) * p22 + drive;
    for (std::size_t j = 0; j < b.g.size(); ++j) {
      b.g[j] = b.g[j] * b.g_decay[j] + (1.0 - b.g_decay[j]) * b.n[b.k0] / (pop * h);
      theta_free += b.g_weight[j] * b.g[j];
    }
    const double lambda_tld_free = escape_rate(i, c(V_m) - theta_free);
    const double p_free = 1 - std::exp(-0.0005 * (b.lambda_free + lambda_tld_free) * h);
    b.lambda_free = lambda_tld_free;
    theta_free -= b.n[0] * b.theta_tld[0];
    c(E_sfa) = theta_free;

    // The bins outside the refractory period, oldest first.
    double marked = 0.0;
    for (long k = 0; k < b.K; ++k) marked += b.m[k];
    double w = 0.0, y = 0.0, zz = 0.0, theta_acc = theta_free;
    for (long a = 0; a < b.K - b.k_ref; ++a) {
      const long k = (b.k0 + a) % b.K;
      const double theta = b.theta[a] + theta_acc;
      theta_acc += b.n[k] * b.theta_tld[a];
      b.u[k] = (b.u[k] - el) * p22 + drive;
      const double lam = escape_rate(i, b.u[k] - theta);
      // Trapezoidal hazard over the step; exact survival only where it matters.
      double p = 0.0005 * (lam + b.lambda[k]) * h;
      if (p > 0.01) p = 1. - std::exp(-p);
      b.lambda[k] = lam;
      y += p * b.v[k];
      zz += b.v[k];
      w += p * b.m[k];
      const double q = 1. - p;
      b.v[k] = q * q * b.v[k] + p * b.m[k];
      b.m[k] = q * b.m[k];
    }
    const double p_lambda = zz + b.z > 0.0 ? (y + p_free * b.z) / (zz + b.z) : 0.0;
    c(mean) = w + p_free * b.x + p_lambda * (pop - marked - b.x);
    const long spikes = draw(i, step, c(mean));
    c(n_events) = static_cast<double>(spikes);

    // The oldest bin joins the free neurons; the current step's spikes take its place.
    const double q_free = 1 - p_free;
    b.z = q_free * q_free * b.z + b.x * p_free + b.v[b.k0];
    b.x = b.x * q_free + b.m[b.k0];
    b.n[b.k0] = b.m[b.k0] = static_cast<double>(spikes);
    b.v[b.k0] = 0;
    b.u[b.k0] = c(V_reset);
    b.lambda[b.k0] = 0.;
    b.k0 = (b.k0 + 1) % b.K;
    return spikes;
  }

  std::vector<AgeBins> bins_;
  double h_ = 0.1;
  uint32_t seed_ = 0;
};

ModelInfo make_info() {
  ModelInfo m("gif_pop_psc_exp", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/gif_pop_psc_exp.html");
  m.family = "point_process";
  m.archiving = false;  // a population node keeps no spike history (NEST derives it from Node)
  m.integer(N, "N", 100, at_least(1), "Number of neurons in the population")
      .param(tau_m, "tau_m", 20.0, "ms", positive(), "Membrane time constant")
      .param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(lambda_0, "lambda_0", 10.0, "1/s", non_negative(), "Escape rate at threshold")
      .param(Delta_V, "Delta_V", 2.0, "mV", positive(), "Noise level of the escape rate")
      .integer(len_kernel, "len_kernel", -1, {}, "Refractory-kernel length in steps (< 1: chosen automatically)")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(V_reset, "V_reset", 0.0, "mV", {}, "Membrane potential after a spike")
      .param(V_T_star, "V_T_star", 15.0, "mV", {}, "Base threshold")
      .param(E_L, "E_L", 0.0, "mV", {}, "Resting potential")
      .param(t_ref, "t_ref", 4.0, "ms", non_negative(), "Duration of the refractory period")
      .param(tau_syn_ex, "tau_syn_ex", 3.0, "ms", positive(), "Time constant of the excitatory synaptic current")
      .param(tau_syn_in, "tau_syn_in", 6.0, "ms", positive(), "Time constant of the inhibitory synaptic current")
      .flag(BinoRand, "BinoRand", true, "Draw spike counts binomially (else Poisson)")
      .state(V_m, "V_m", 0.0, "mV", "Membrane potential of the free neurons")
      .state(I_syn_ex, "I_syn_ex", 0.0, "pA", "Excitatory synaptic current")
      .state(I_syn_in, "I_syn_in", 0.0, "pA", "Inhibitory synaptic current")
      .integer(n_events, "n_events", 0, {}, "Number of spikes in the last step", Role::kReadOnly)
      .state(E_sfa, "E_sfa", 0.0, "mV", "Adaptive threshold of the free neurons")
      .state(mean, "mean", 0.0, "", "Expected number of spikes in the last step");
  for (const char* ro : {"E_sfa", "mean"}) m.specs[m.index_of(ro)].role = Role::kReadOnly;
  m.internal(y0, "_I_stim");
  m.object("tau_sfa", PType::kDoubleVec, std::vector<double>{300.0}, "ms", "Time constants of the adaptation kernels")
      .object("q_sfa", PType::kDoubleVec, std::vector<double>{0.5}, "mV", "Adaptation jumps per spike");
  m.recordables = {"V_m", "n_events", "E_sfa", "mean", "I_syn_ex", "I_syn_in"};
  m.validate = [](const ParamRow& row) {
    const std::string model = "gif_pop_psc_exp";
    gif::check_finite(row, model,
                      {"tau_m", "C_m", "lambda_0", "Delta_V", "I_e", "V_reset", "V_T_star", "E_L", "t_ref",
                       "tau_syn_ex", "tau_syn_in", "V_m", "I_syn_ex", "I_syn_in"});
    gif::check_pair(row, model, "tau_sfa", "q_sfa");
    // The PSC filters divide by tau_syn - tau_m (NEST would produce NaN there).
    for (const char* syn : {"tau_syn_ex", "tau_syn_in"})
      if (row.num(syn) == row.num("tau_m"))
        throw BadProperty(model + ": " + syn + " = " + std::to_string(row.num(syn)) + " must differ from tau_m.");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<GifPopPscExp>(info); };
  return m;
}

}  // namespace

const ModelInfo& gif_pop_psc_exp_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
