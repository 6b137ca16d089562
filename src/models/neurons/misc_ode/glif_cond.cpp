// glif_cond: generalized leaky integrate-and-fire neuron (GLIF 1-5, Teeter et al.
// 2018) with alpha-shaped synaptic conductances on ports 1..n, n = len(tau_syn),
// as NEST 3.10's model. V and the conductances are integrated with RKF45 (GSL's
// control y(1e-3, 0)); threshold components and after-spike currents use NEST's
// exact per-step updates afterwards. Nodes with up to 8 ports (ODE systems of up
// to 17 variables) are integrated in lock-step lanes, larger ones one by one.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "integrators/rkf45_lanes.hpp"
#include "models/neurons/glif/glif_psc_schema.hpp"
#include "models/neurons/misc_ode/misc_ode.hpp"
#include "models/neurons/misc_ode/padded_evolve.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/errors.hpp"

namespace nestkit {
namespace {

constexpr double kDefaultEL = -78.85;
constexpr int kMaxRecordedPorts = 255;  // receptor_type is stored in 8 bits

enum Col : int {
  // parameters
  V_th,
  g_m,
  E_L,
  C_m,
  t_ref,
  V_reset,
  th_spike_add,
  th_spike_decay,
  voltage_reset_fraction,
  voltage_reset_add,
  th_voltage_index,
  th_voltage_decay,
  spike_dependent_threshold,
  after_spike_currents,
  adapting_threshold,
  tau_minus,
  tau_minus_triplet,
  // user-visible state
  threshold_spike,
  threshold_voltage,
  // U = V_m - E_L; I = external current of the previous step (B_.I_ in NEST)
  U,
  I,
  asc_sum,
  threshold,
  refr,
  integration_step,
  // constants derived before each run
  spike_decay,
  spike_refr_decay,
  potential_decay,
  voltage_decay_inv,
  phi,
  ab_ratio,
  refr_counts,
  kNumCols
};
enum ObjCol : int { kAscInit, kAscDecay, kAscAmps, kAscR, kTauSyn, kERev };
// Static recordables; g_k follows at kG1 + k - 1.
enum Rec : int { kAscSum, kI, kV_m, kThreshold, kThSpike, kThVoltage, kG1 };

const std::vector<double>& vec(const ParamRow& row, const std::string& name) {
  return std::get<std::vector<double>>(row.get(name));
}

class GlifCond final : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

  void prepare(const RunContext& rc) override {
    const double h = rc.grid->resolution();
    layout_ports();
    prepare_ring(rc);
    step_ = h;
    cond0_.assign(n_ * stride_, 0.0);
    padded_.assign(n_, 0);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      if (c(integration_step) == 0.0) c(integration_step) = h;  // NEST's init_buffers, once per node
      c(spike_decay) = std::exp(-c(th_spike_decay) * h);
      c(spike_refr_decay) = std::exp(-c(th_spike_decay) * c(t_ref));
      c(potential_decay) = std::exp(-c(g_m) * h / c(C_m));
      c(voltage_decay_inv) = 1 / std::exp(c(th_voltage_decay) * h);
      c(phi) = c(th_voltage_index) / (c(th_voltage_decay) - c(g_m) / c(C_m));
      c(ab_ratio) = c(th_voltage_index) / c(th_voltage_decay);
      c(refr_counts) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
      const auto& tau = list(kTauSyn, i);
      for (std::size_t r = 0; r < tau.size(); ++r) cond0_[i * stride_ + r] = 1.0 * M_E / tau[r];
      padded_[i] = padded_of(ports_[i]);
      prepare_asc(i, h);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    // The padded ODE sizes present in [begin, end): one lane run per size up to
    // kMaxLanePadded, the scalar stepper for the nodes above it.
    std::vector<std::size_t> lane_sizes;
    bool any_scalar = false;
    for (std::size_t i = begin; i < end; ++i) {
      if (padded_[i] > misc_ode::kMaxLanePadded)
        any_scalar = true;
      else if (std::find(lane_sizes.begin(), lane_sizes.end(), padded_[i]) == lane_sizes.end())
        lane_sizes.push_back(padded_[i]);
    }
    std::sort(lane_sizes.begin(), lane_sizes.end());
    std::vector<double> y;
    std::vector<double*> port_in(stride_);
    for (std::size_t i = begin; i < end; ++i) v_old_[i] = num_[U][i];
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      StepInput in{step, input_.row(0, step), port_in.data()};
      for (std::size_t r = 0; r < stride_; ++r) port_in[r] = input_.row(static_cast<int>(r) + 1, step);
      for (const std::size_t padded : lane_sizes) {
        auto make = [&]<int W>() { return LaneDriver<W>{*this, ctx, in, padded}; };
        // GSL's y_new(1e-3, 0) control: a_y = 1, a_dydt = 0.
        misc_ode::evolve_population_padded(padded, make, 1.0, 0.0, step_, begin, end);
      }
      if (any_scalar)
        for (std::size_t i = begin; i < end; ++i)
          if (padded_[i] > misc_ode::kMaxLanePadded) update_node_scalar(ctx, i, in, y);
      sample(step, begin, end);
      for (std::size_t i = begin; i < end; ++i) v_old_[i] = num_[U][i];
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
    switch (k) {
      case kAscSum:
        return num_[asc_sum][i];
      case kI:
        return num_[I][i];
      case kV_m:
        return num_[U][i] + num_[E_L][i];
      case kThreshold:
        return num_[threshold][i] + num_[E_L][i];
      case kThSpike:
        return num_[threshold_spike][i];
      case kThVoltage:
        return num_[threshold_voltage][i];
      default: {
        const std::size_t r = static_cast<std::size_t>(k - kG1);
        return r < ports_[i] ? g_[i * stride_ + r] : 0.0;
      }
    }
  }

  bool has_recordable(std::size_t i, const std::string& name) const override {
    if (name.rfind("g_", 0) != 0) return Population::has_recordable(i, name);
    const std::string digits = name.substr(2);
    if (digits.empty() || digits.size() > 4 || digits.find_first_not_of("0123456789") != std::string::npos)
      return false;
    const std::size_t k = std::stoul(digits);
    return k >= 1 && k <= list(kTauSyn, i).size();
  }

  bool get_extra(std::size_t i, const std::string& key, Value& out) const override {
    if (key != "recordables") return false;
    std::vector<std::string> names = {"ASCurrents_sum",   "I", "V_m", "threshold", "threshold_spike",
                                      "threshold_voltage"};
    for (std::size_t k = 1; k <= std::min<std::size_t>(list(kTauSyn, i).size(), kMaxRecordedPorts); ++k)
      names.push_back("g_" + std::to_string(k));
    std::sort(names.begin(), names.end());
    out = std::move(names);
    return true;
  }

  // Ports 1..n; a spike connection fixes n, as NEST's handles_test_event does.
  bool accepts_spike_port(std::size_t i, long receptor) const override {
    if (receptor < 1 || static_cast<std::size_t>(receptor) > list(kTauSyn, i).size()) return false;
    connected_[i] = 1;
    return true;
  }
  std::string spike_ports(std::size_t i) const override {
    const std::size_t n = list(kTauSyn, i).size();
    return n == 0 ? "none" : n == 1 ? "1" : "1.." + std::to_string(n);
  }

 protected:
  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    row[info_->index_of("V_m")] = num_[U][i] + num_[E_L][i];
    const auto* a = asc_.data() + i * asc_stride_;
    row[info_->index_of("ASCurrents")] = std::vector<double>(a, a + asc_count_[i]);
    row[info_->index_of("has_connections")] = connected_[i] != 0;
    row[info_->index_of("_ports_before")] = static_cast<double>(list(kTauSyn, i).size());
    row[info_->index_of("_E_L_before")] = num_[E_L][i];
    // The conductance states as laid out for the last run (NEST's y_ vector).
    const std::size_t n = i < ports_.size() ? ports_[i] : 0;
    std::vector<double> g(n), dg(n);
    for (std::size_t r = 0; r < n; ++r) {
      g[r] = g_[i * stride_ + r];
      dg[r] = dg_[i * stride_ + r];
    }
    row[info_->index_of("g")] = std::move(g);
    row[info_->index_of("dg")] = std::move(dg);
  }

  void write_derived(std::size_t i, const std::vector<Value>& row) override {
    if (connected_.size() != n_) {  // first row written by init()
      connected_.assign(n_, 0);
      asc_count_.assign(n_, 0);
      v_old_.assign(n_, 0.0);
    }
    num_[U][i] = std::get<double>(row[info_->index_of("V_m")]) - num_[E_L][i];
    const auto& a = std::get<std::vector<double>>(row[info_->index_of("ASCurrents")]);
    if (a.size() > asc_stride_ || asc_.size() != n_ * asc_stride_) restride_asc(std::max(a.size(), asc_stride_));
    std::fill_n(asc_.begin() + i * asc_stride_, asc_stride_, 0.0);
    std::copy(a.begin(), a.end(), asc_.begin() + i * asc_stride_);
    asc_count_[i] = static_cast<uint32_t>(a.size());
  }

 private:
  const std::vector<double>& list(int c, std::size_t i) const { return std::get<std::vector<double>>(obj_[c][i]); }

  // The inputs of one simulation step: the current channel and the spike port rows.
  struct StepInput {
    long step;
    double* cur;
    double* const* port;
  };

  // The padded ODE size of a node with np ports (1 + 2 np variables).
  static std::size_t padded_of(std::size_t np) { return misc_ode::padded_size(1 + 2 * np); }

  // What the right-hand side reads besides y, per lane (T = lane vector) or for
  // one node (T = double): the refractory flag (1 or 0), the drive and ASC sum as
  // they stand before the step's update, the port count.
  template <class T>
  struct RhsParams {
    T refractory, vreset, el, G, cm, drive, asum, ports;
  };

  // NEST's right-hand side, term by term in its order (bit-identical sums), over
  // `nloop` ports: ports at or above a lane's count add nothing to the synaptic
  // current (the sum is not touched, not even by a zero) and have derivative 0.
  template <class T>
  [[gnu::always_inline]] static void rhs(const RhsParams<T>& p, std::size_t nloop, const T* tau, const T* erev,
                                         const T* s, T* f) {
    using integrators::select;
    using integrators::splat;
    const auto refractory = p.refractory != 0.0;
    const T v = select(refractory, p.vreset, s[0]);
    T i_syn = splat<T>(0.0);
    for (std::size_t r = 0; r < nloop; ++r)
      i_syn = select(p.ports > static_cast<double>(r), i_syn + s[2 + 2 * r] * (v + p.el - erev[r]), i_syn);
    const T i_leak = p.G * v;
    f[0] = select(refractory, splat<T>(0.0), (-i_leak - i_syn + p.drive + p.asum) / p.cm);
    for (std::size_t r = 0; r < nloop; ++r) {
      const auto live = p.ports > static_cast<double>(r);
      f[1 + 2 * r] = select(live, -s[1 + 2 * r] / tau[r], splat<T>(0.0));
      f[2 + 2 * r] = select(live, s[1 + 2 * r] - s[2 + 2 * r] / tau[r], splat<T>(0.0));
    }
  }

  // Node i's right-hand side parameters into p (into lane l for lane vectors).
  template <class T>
  void load_params(std::size_t i, RhsParams<T>& p, int l) const {
    auto c = [&](int k) { return num_[k][i]; };
    auto set = [&](T& x, double v) {
      if constexpr (integrators::LaneVector<T>)
        x[l] = v;
      else
        x = v;
    };
    const double el = c(E_L);
    set(p.refractory, c(refr) > 0.0 ? 1.0 : 0.0);
    set(p.vreset, c(V_reset) - el);
    set(p.el, el);
    set(p.G, c(g_m));
    set(p.cm, c(C_m));
    set(p.drive, c(I));
    set(p.asum, c(asc_sum));
    set(p.ports, static_cast<double>(ports_[i]));
  }

  // Connects the population to the lock-step stepper for one simulation step and
  // one padded size (nodes of other sizes are left to other runs).
  template <int W>
  struct LaneDriver {
    using V = typename integrators::Lanes<W>::V;
    static constexpr std::size_t kMaxPorts = (misc_ode::kMaxLanePadded - 1) / 2;
    GlifCond& pop;
    StepContext& ctx;
    const StepInput& in;
    std::size_t padded;
    std::size_t nloop = (padded - 1) / 2;  // port slots of this size
    RhsParams<V> p{};
    V tau[kMaxPorts]{}, erev[kMaxPorts]{};

    // Out of line: the stepper of each padded size inlines what it calls, and the
    // port loop below, bounded at run time, would draw GCC's array-bounds warning
    // for slots beyond the smaller sizes (never reached: only nodes of size
    // `padded` load).
    [[gnu::noinline]] bool load(int l, std::size_t i, V* y, integrators::LaneStart& s) {
      if (pop.padded_[i] != padded) return false;
      pop.load_params(i, p, l);
      const std::size_t np = pop.ports_[i], pb = i * pop.stride_;
      const double* t = pop.list(kTauSyn, i).data();
      const double* e = pop.list(kERev, i).data();
      y[0][l] = pop.num_[U][i];
      for (std::size_t r = 0; r < nloop; ++r) {
        const bool live = r < np;
        y[1 + 2 * r][l] = live ? pop.dg_[pb + r] : 0.0;
        y[2 + 2 * r][l] = live ? pop.g_[pb + r] : 0.0;
        tau[r][l] = live ? t[r] : 1.0;
        erev[r][l] = live ? e[r] : 0.0;
      }
      s = {pop.num_[integration_step][i], 1e-3, 0.0};
      return true;
    }

    [[gnu::always_inline]] void rhs(const V&, const V* y, V* f) const { GlifCond::rhs<V>(p, nloop, tau, erev, y, f); }
    // The GLIF mechanisms act after the whole simulation step, not inside it.
    bool accepted(int, V*) { return true; }

    void finish(int l, std::size_t i, const V* yl, double h) {
      double y[misc_ode::kMaxLanePadded];
      for (std::size_t k = 0; k < padded; ++k) y[k] = yl[k][l];
      pop.num_[integration_step][i] = h;
      pop.after_step(ctx, i, in, y);
    }
  };

  // A node whose system is too large for the lanes, with the scalar stepper.
  void update_node_scalar(StepContext& ctx, std::size_t i, const StepInput& in, std::vector<double>& y) {
    const std::size_t np = ports_[i], pb = i * stride_;
    const std::size_t dim = 1 + 2 * np, padded = padded_[i];
    y.assign(padded, 0.0);
    y[0] = num_[U][i];
    for (std::size_t r = 0; r < np; ++r) {
      y[1 + 2 * r] = dg_[pb + r];
      y[2 + 2 * r] = g_[pb + r];
    }
    RhsParams<double> p;
    load_params(i, p, 0);
    const double* tau = list(kTauSyn, i).data();
    const double* erev = list(kERev, i).data();
    auto f = [&](double, const double* s, double* d) {
      GlifCond::rhs<double>(p, np, tau, erev, s, d);
      for (std::size_t k = dim; k < padded; ++k) d[k] = 0.0;
      return true;
    };
    const auto control = integrators::ErrorControl::y(1e-3, 0.0);
    misc_ode::integrate_step(f, control, step_, num_[integration_step][i], y.data(), padded);
    after_step(ctx, i, in, y.data());
  }

  // Node i's step after the integration (y: its ODE state at the end of the
  // step): the GLIF mechanisms, the spike test, then this step's input.
  void after_step(StepContext& ctx, std::size_t i, const StepInput& in, const double* y) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    const std::size_t np = ports_[i], pb = i * stride_;
    for (std::size_t r = 0; r < np; ++r) {
      dg_[pb + r] = y[1 + 2 * r];
      g_[pb + r] = y[2 + 2 * r];
    }
    const double el = c(E_L), vreset = c(V_reset) - el, G = c(g_m);
    const long step = in.step;
    const double v_old = v_old_[i];
    double& v = c(U);
    v = y[0];
    const double th_inf = c(V_th) - el;
    const bool has_s = c(spike_dependent_threshold) != 0.0, has_a = c(after_spike_currents) != 0.0;
    if (c(refr) == 0.0) {
      if (has_s) c(threshold_spike) *= c(spike_decay);
      // Exact mean of each after-spike current over the step, then its decay.
      double sum = 0.0;
      const std::size_t ab = i * asc_stride_;
      if (has_a)
        for (std::size_t a = 0; a < asc_count_[i]; ++a) {
          sum += asc_stable_[ab + a] * asc_[ab + a];
          asc_[ab + a] *= asc_rate_[ab + a];
        }
      c(asc_sum) = sum;
      if (c(adapting_threshold) != 0.0) {
        const double beta = (c(I) + sum) / G;
        const double x = c(phi) * (v_old - beta);
        c(threshold_voltage) = x * c(potential_decay) +
                               c(voltage_decay_inv) * (c(threshold_voltage) - x - c(ab_ratio) * beta) +
                               c(ab_ratio) * beta;
      }
      c(threshold) = c(threshold_spike) + c(threshold_voltage) + th_inf;
      if (v > c(threshold)) {
        c(refr) = c(refr_counts);
        if (has_a)
          for (std::size_t a = 0; a < asc_count_[i]; ++a)
            asc_[ab + a] = asc_amp_[ab + a] + asc_[ab + a] * asc_refr_[ab + a];
        if (!has_s) {
          v = vreset;
        } else {
          v = c(voltage_reset_fraction) * v_old + c(voltage_reset_add);
          c(threshold_spike) = c(threshold_spike) * c(spike_refr_decay) + c(th_spike_add);
          c(threshold) = c(threshold_spike) + c(threshold_voltage) + th_inf;
        }
        emit(ctx, i, step + 1);
      }
    } else {
      c(refr) -= 1.0;  // V is held at its value before the step
      v = v_old;
      c(threshold) = c(threshold_spike) + c(threshold_voltage) + th_inf;
    }
    for (std::size_t r = 0; r < np; ++r) {
      dg_[pb + r] += in.port[r][i] * cond0_[pb + r];
      in.port[r][i] = 0.0;
    }
    c(I) = in.cur[i];
    in.cur[i] = 0.0;
  }

  void restride_asc(std::size_t stride) {
    std::vector<double> next(n_ * stride, 0.0);
    for (std::size_t i = 0; i < n_ && !asc_.empty(); ++i)
      for (std::size_t a = 0; a < asc_count_[i]; ++a) next[i * stride + a] = asc_[i * asc_stride_ + a];
    asc_.swap(next);
    asc_stride_ = stride;
  }

  // Sizes the conductance arrays for the current tau_syn lists; remaining ports keep
  // their state, added ones start at zero (NEST resizes y_ before each run).
  void layout_ports() {
    std::vector<uint32_t> count(n_);
    std::size_t stride = stride_;
    for (std::size_t i = 0; i < n_; ++i) {
      count[i] = static_cast<uint32_t>(list(kTauSyn, i).size());
      stride = std::max<std::size_t>(stride, count[i]);
    }
    std::vector<double> ndg(n_ * stride, 0.0), ng(n_ * stride, 0.0);
    for (std::size_t i = 0; i < n_ && !ports_.empty(); ++i)
      for (std::size_t r = 0; r < std::min(ports_[i], count[i]); ++r) {
        ndg[i * stride + r] = dg_[i * stride_ + r];
        ng[i * stride + r] = g_[i * stride_ + r];
      }
    dg_.swap(ndg);
    g_.swap(ng);
    ports_.swap(count);
    stride_ = stride;
  }

  // Channel 0 carries currents, channel r spikes for port r.
  void prepare_ring(const RunContext& rc) { prepare_input(rc, static_cast<int>(stride_) + 1); }

  void prepare_asc(std::size_t i, double h) {
    if (asc_rate_.size() != asc_.size())
      for (auto* v : {&asc_rate_, &asc_stable_, &asc_refr_, &asc_amp_}) v->assign(asc_.size(), 0.0);
    if (num_[after_spike_currents][i] == 0.0) return;
    const auto& k = list(kAscDecay, i);
    // NEST walks the state vector and indexes the parameters by it; a longer state
    // would read past the parameters (undefined behaviour there).
    if (asc_count_[i] > k.size())
      throw BadProperty("glif_cond: ASCurrents has " + std::to_string(asc_count_[i]) +
                        " entries but the after-spike current parameters have " + std::to_string(k.size()) + ".");
    const double tref = num_[t_ref][i];
    for (std::size_t a = 0; a < asc_count_[i]; ++a) {
      const std::size_t j = i * asc_stride_ + a;
      asc_rate_[j] = std::exp(-k[a] * h);
      asc_stable_[j] = ((1.0 / k[a]) / h) * (1.0 - asc_rate_[j]);
      asc_refr_[j] = list(kAscR, i)[a] * std::exp(-k[a] * tref);
      asc_amp_[j] = list(kAscAmps, i)[a];
    }
  }

  double step_ = 0.1;
  std::vector<double> dg_, g_, cond0_;  // per port, [i * stride_ + r]
  std::vector<uint32_t> ports_;         // ports per node, as laid out
  std::vector<std::size_t> padded_;     // padded ODE size per node (padded_of(ports_))
  std::size_t stride_ = 0;
  std::vector<double> asc_, asc_rate_, asc_stable_, asc_refr_, asc_amp_;
  std::vector<uint32_t> asc_count_;
  std::size_t asc_stride_ = 0;
  std::vector<double> v_old_;
  mutable std::vector<uint8_t> connected_;  // set by the connection check
};

void validate(const ParamRow& row) {
  auto& w = const_cast<ParamRow&>(row);
  auto fail = [](const std::string& why) { throw BadProperty("glif_cond: " + why); };
  // NEST keeps V_reset, V_th and V_m relative to E_L: changing E_L alone moves them.
  const double delta = row.num("E_L") - row.num("_E_L_before");
  if (delta != 0.0) {
    for (const char* k : {"V_reset", "V_th", "V_m"})
      if (!row.given(k)) w.at(k) = row.num(k) + delta;
  }
  w.at("_E_L_before") = row.num("E_L");
  const bool spike = row.num("spike_dependent_threshold") != 0.0;
  const bool asc = row.num("after_spike_currents") != 0.0;
  const bool voltage = row.num("adapting_threshold") != 0.0;
  if (voltage && !(spike && asc))
    fail(
        "Incorrect model mechanism combination: allowed are GLIF1-5 settings of spike_dependent_threshold, "
        "after_spike_currents, adapting_threshold (adapting_threshold requires both others).");
  if (row.num("V_reset") >= row.num("V_th")) fail("Reset potential must be smaller than threshold.");
  if (row.num("C_m") <= 0.0) fail("Capacitance must be strictly positive.");
  if (row.num("g_m") <= 0.0) fail("Membrane conductance must be strictly positive.");
  if (row.num("t_ref") <= 0.0) fail("Refractory time constant must be strictly positive.");
  if (spike) {
    if (row.num("th_spike_decay") <= 0.0) fail("Spike induced threshold time constant must be strictly positive.");
    const double f = row.num("voltage_reset_fraction");
    if (f < 0.0 || f > 1.0) fail("Voltage fraction coefficient following spike must be within [0.0, 1.0].");
  }
  if (asc) {
    const auto& k = vec(row, "asc_decay");
    if (vec(row, "asc_init").size() != k.size() || vec(row, "asc_amps").size() != k.size() ||
        vec(row, "asc_r").size() != k.size())
      fail("All after spike current parameters (i.e., asc_init, k, asc_amps, r) must have the same size.");
    const auto& r = vec(row, "asc_r");
    for (std::size_t a = 0; a < k.size(); ++a) {
      if (k[a] <= 0.0) fail("After-spike current time constant must be strictly positive.");
      if (r[a] < 0.0 || r[a] > 1.0)
        fail("After spike current fraction following spike coefficients r must be within [0.0, 1.0].");
    }
  }
  if (voltage && row.num("th_voltage_decay") <= 0.0)
    fail("Voltage-induced threshold time constant must be strictly positive.");
  if (row.given("tau_syn") || row.given("E_rev")) {
    const auto& tau = vec(row, "tau_syn");
    const auto& erev = vec(row, "E_rev");
    if (erev.size() != tau.size())
      fail("The reversal potential and synaptic time constant arrays, i.e., E_rev (" + std::to_string(erev.size()) +
           ") and tau_syn (" + std::to_string(tau.size()) + "), must have the same size.");
    if (row.num("has_connections") != 0.0 && static_cast<double>(tau.size()) != row.num("_ports_before"))
      fail("The neuron has connections, therefore the number of ports cannot be reduced.");
    for (double t : tau)
      if (t <= 0.0) fail("All synaptic time constants must be strictly positive.");
  }
  if (row.given("ASCurrents")) {
    if (!asc) fail("After spike currents are not supported or settable in the current model mechanisms.");
    if (vec(row, "ASCurrents").size() != vec(row, "asc_decay").size())
      fail("After spike current values must have have the same size (" + std::to_string(vec(row, "asc_decay").size()) +
           ") of its parameters (i.e., asc_init, k, asc_amps, r).");
  }
  if (row.given("threshold_spike") && !spike)
    fail("Threshold spike component is not supported or settable in the current model mechanisms.");
  if (row.given("threshold_voltage") && !voltage)
    fail("Threshold voltage component is not supported or settable in the current model mechanisms.");
}

ModelInfo make_info() {
  ModelInfo m("glif_cond", NodeKind::kNeuron, "https://nest-simulator.readthedocs.io/en/stable/models/glif_cond.html");
  m.family = "glif";
  // Same leading columns as glif_psc (checked below), declared once for both.
  static_assert(int{V_th} == int{glif::V_th} && int{g_m} == int{glif::g} &&
                int{tau_minus_triplet} == int{glif::tau_minus_triplet});
  static_assert(int{kAscInit} == int{glif::kAscInit} && int{kAscR} == int{glif::kAscR});
  glif::declare_mechanism_parameters(m, "g_m");
  m.object("tau_syn", PType::kDoubleVec, std::vector<double>{0.2, 2.0}, "ms",
           "Rise times of the synaptic alpha conductances, one per port (ports 1..n)")
      .object("E_rev", PType::kDoubleVec, std::vector<double>{0.0, -85.0}, "mV", "Reversal potentials, one per port");
  m.state(threshold_spike, "threshold_spike", 0.0, "mV", "Spike-dependent threshold component")
      .state(threshold_voltage, "threshold_voltage", 0.0, "mV", "Voltage-dependent threshold component");
  for (int c = U; c < kNumCols; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.derived_state("V_m", kDefaultEL, "mV", "Membrane potential");
  m.derived_state("ASCurrents", 0.0, "pA", "After-spike currents");
  m.specs.back().type = PType::kDoubleVec;
  m.specs.back().default_value = std::vector<double>{0.0, 0.0};
  for (const char* name : {"g", "dg"}) {
    m.derived_state(name, 0.0, name[0] == 'g' ? "nS" : "nS/ms",
                    name[0] == 'g' ? "Synaptic conductances, one per port" : "Their derivatives, one per port");
    m.specs.back().type = PType::kDoubleVec;
    m.specs.back().default_value = std::vector<double>{};
    m.specs.back().role = Role::kReadOnly;
  }
  m.derived_state("has_connections", 0.0, "", "Whether spike connections target the node (fixes the port count)");
  m.specs.back().type = PType::kBool;
  m.specs.back().default_value = false;
  m.specs.back().role = Role::kReadOnly;
  m.derived_state("_ports_before", 2.0, "", "");
  m.specs.back().role = Role::kInternal;
  m.derived_state("_E_L_before", kDefaultEL, "mV", "");
  m.specs.back().role = Role::kInternal;
  m.recordables = {"ASCurrents_sum", "I", "V_m", "threshold", "threshold_spike", "threshold_voltage"};
  for (int k = 1; k <= kMaxRecordedPorts; ++k) m.recordables.push_back("g_" + std::to_string(k));
  m.spike_receptors = {1, 2};
  m.validate = validate;
  m.make = [](const ModelInfo& info) { return std::make_unique<GlifCond>(info); };
  return m;
}

}  // namespace

const ModelInfo& glif_cond_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
