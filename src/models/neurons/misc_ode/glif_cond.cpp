// glif_cond: generalized leaky integrate-and-fire neuron (GLIF 1-5, Teeter et al.
// 2018) with alpha-shaped synaptic conductances on ports 1..n, n = len(tau_syn),
// as NEST 3.10's model. V and the conductances are integrated with RKF45 (GSL's
// control y(1e-3, 0)); threshold components and after-spike currents use NEST's
// exact per-step updates afterwards.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

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
      prepare_asc(i, h);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    const auto control = integrators::ErrorControl::y(1e-3, 0.0);
    std::vector<double> y;
    std::vector<double*> port_in(stride_);
    for (std::size_t i = begin; i < end; ++i) v_old_[i] = num_[U][i];
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_cur = input_.row(0, step);
      for (std::size_t r = 0; r < stride_; ++r) port_in[r] = input_.row(static_cast<int>(r) + 1, step);
      for (std::size_t i = begin; i < end; ++i) {
        update_node(ctx, i, step, control, y);
        const std::size_t pb = i * stride_;
        for (std::size_t r = 0; r < ports_[i]; ++r) {
          dg_[pb + r] += port_in[r][i] * cond0_[pb + r];
          port_in[r][i] = 0.0;
        }
        num_[I][i] = in_cur[i];
        in_cur[i] = 0.0;
      }
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

  void update_node(StepContext& ctx, std::size_t i, long step, const integrators::ErrorControl& control,
                   std::vector<double>& y) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    const std::size_t np = ports_[i], pb = i * stride_;
    const std::size_t dim = 1 + 2 * np, padded = misc_ode::padded_size(dim);
    y.assign(padded, 0.0);
    y[0] = c(U);
    for (std::size_t r = 0; r < np; ++r) {
      y[1 + 2 * r] = dg_[pb + r];
      y[2 + 2 * r] = g_[pb + r];
    }
    // The right-hand side sees the refractory state, drive and ASC sum as they
    // stand before this step's update.
    const bool refractory = c(refr) > 0.0;
    const double G = c(g_m), el = c(E_L), cm = c(C_m), vreset = c(V_reset) - el, drive = c(I), asum = c(asc_sum);
    const double* tau = list(kTauSyn, i).data();
    const double* erev = list(kERev, i).data();
    auto rhs = [&](double, const double* s, double* f) {
      const double v = refractory ? vreset : s[0];
      double i_syn = 0.0;
      for (std::size_t r = 0; r < np; ++r) i_syn += s[2 + 2 * r] * (v + el - erev[r]);
      const double i_leak = G * v;
      f[0] = refractory ? 0.0 : (-i_leak - i_syn + drive + asum) / cm;
      for (std::size_t r = 0; r < np; ++r) {
        f[1 + 2 * r] = -s[1 + 2 * r] / tau[r];
        f[2 + 2 * r] = s[1 + 2 * r] - s[2 + 2 * r] / tau[r];
      }
      for (std::size_t k = dim; k < padded; ++k) f[k] = 0.0;
      return true;
    };
    misc_ode::integrate_step(rhs, control, step_, c(integration_step), y.data(), padded);
    for (std::size_t r = 0; r < np; ++r) {
      dg_[pb + r] = y[1 + 2 * r];
      g_[pb + r] = y[2 + 2 * r];
    }
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

  // Channel 0 carries currents, channel r spikes for port r; pending input survives.
  void prepare_ring(const RunContext& rc) {
    const int channels = static_cast<int>(stride_) + 1;
    if (input_.ring_size() == rc.ring_size && channels_ == channels) return;
    InputRing next;
    next.resize(channels, n_, rc.ring_size);
    if (input_.ring_size() == rc.ring_size)
      for (int ch = 0; ch < std::min(channels, channels_); ++ch)
        for (long s = 0; s < rc.ring_size; ++s) std::copy_n(input_.row(ch, s), n_, next.row(ch, s));
    input_ = std::move(next);
    channels_ = channels;
  }

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
