// gamma_sup_generator and ppd_sup_generator: for every target, the superposition
// of n_proc independent renewal processes (gamma processes of integer shape; Poisson
// processes with dead time), propagated as population counts per step.
#include <cmath>
#include <deque>
#include <numbers>

#include "models/devices/device_base.hpp"
#include "models/devices/spike_generators.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

// How many of `occupied` components make a transition with probability p; a
// Poisson approximation where it is accurate (as NEST does).
long transitions(RandomStream& rng, long occupied, double p) {
  if (occupied <= 0) return 0;
  if ((occupied >= 100 && p <= 0.01) || (occupied >= 500 && p * occupied <= 0.1))
    return std::min(occupied, rng.poisson(p * static_cast<double>(occupied)));
  return rng.binomial(occupied, p);
}

// --- gamma_sup_generator -----------------------------------------------------------

enum GCol : int { g_origin, g_start, g_stop, g_rate, g_shape, g_nproc };

// Occupation of the `shape` phases of the gamma process; a component in the last
// phase that moves on emits a spike and restarts in the first.
using Phases = std::vector<long>;

class GammaSupDraw final : public PerTargetDraw {
 public:
  double p = 0.0;  // per-step transition probability of one component
  uint32_t seed = 0;
  mutable std::vector<Phases> state;  // by target position; each touched by one thread
  bool draw(uint32_t source, long stamp, uint64_t pos0, uint32_t count, uint32_t* out) const override {
    bool any = false;
    for (uint32_t q = 0; q < count; ++q) {
      const uint64_t pos = pos0 + q;
      out[q] = 0;
      if (pos >= state.size()) continue;
      Phases& occ = state[pos];
      RandomStream rng(seed, Purpose::kGammaSup, source, (pos << 32) | static_cast<uint32_t>(stamp));
      thread_local std::vector<long> moved;
      moved.assign(occ.size(), 0);
      for (std::size_t k = 0; k < occ.size(); ++k) moved[k] = transitions(rng, occ[k], p);
      for (std::size_t k = 0; k < occ.size(); ++k) {
        occ[k] -= moved[k];
        occ[(k + 1) % occ.size()] += moved[k];
      }
      out[q] = static_cast<uint32_t>(moved.back());
      any |= out[q] > 0;
    }
    return any;
  }
};

class GammaSup final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    draw_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[g_origin][i], num_[g_start][i], num_[g_stop][i]);
      const long shape = static_cast<long>(num_[g_shape][i]), nproc = static_cast<long>(num_[g_nproc][i]);
      GammaSupDraw& d = draw_[i];
      d.p = num_[g_rate][i] * static_cast<double>(shape) * rc.grid->resolution() * 1e-3;
      d.seed = rc.seed;
      // Start near equilibrium: the components spread evenly over the phases.
      initial_.assign(static_cast<std::size_t>(shape), nproc / shape);
      initial_.back() += nproc - (nproc / shape) * shape;
      for (Phases& s : d.state)
        if (s.size() != initial_.size()) s = initial_;
      initials_.resize(n_);
      initials_[i] = initial_;
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (std::size_t i = 0; i < n_; ++i) {
      const uint32_t gid = first_gid_ + static_cast<uint32_t>(i);
      GammaSupDraw& d = draw_[i];
      const uint64_t deg = ctx.kernel->out_degree(gid);
      if (d.state.size() < deg) d.state.resize(deg, initials_[i]);
      if (num_[g_rate][i] <= 0.0 || deg == 0) continue;
      for (long lag = from; lag < to; ++lag) {
        const long step = ctx.slice_origin + lag;
        if (window_[i].contains(step)) ctx.kernel->send_drawn(gid, step + 1, &d);
      }
    }
  }

 private:
  std::vector<Window> window_;
  std::deque<GammaSupDraw> draw_;
  Phases initial_;
  std::vector<Phases> initials_;
};

// --- ppd_sup_generator ------------------------------------------------------------

enum PCol : int { p_origin, p_start, p_stop, p_rate, p_dead, p_nproc, p_freq, p_amp };

// Components that can fire, and a ring of those still refractory, by age bin.
struct AgeBins {
  long active = 0;
  std::vector<long> refractory;
  std::size_t next = 0;
};

class PpdSupDraw final : public PerTargetDraw {
 public:
  double hazard = 0.0, amp = 0.0, omega = 0.0, h = 0.1;
  uint32_t seed = 0;
  mutable std::vector<AgeBins> state;
  double hazard_at(long step) const {
    if (amp > 0.0 && omega != 0.0) return hazard * (1.0 + amp * std::sin(omega * static_cast<double>(step) * h));
    return hazard;
  }
  bool draw(uint32_t source, long stamp, uint64_t pos0, uint32_t count, uint32_t* out) const override {
    bool any = false;
    const double p = hazard_at(stamp - 1);  // at the step's left edge
    for (uint32_t q = 0; q < count; ++q) {
      const uint64_t pos = pos0 + q;
      out[q] = 0;
      if (pos >= state.size()) continue;
      AgeBins& a = state[pos];
      RandomStream rng(seed, Purpose::kPpdSup, source, (pos << 32) | static_cast<uint32_t>(stamp));
      const long n = transitions(rng, a.active, p);
      if (!a.refractory.empty()) {
        a.active += a.refractory[a.next] - n;
        a.refractory[a.next] = n;
        a.next = (a.next + 1) % a.refractory.size();
      }
      out[q] = static_cast<uint32_t>(n);
      any |= n > 0;
    }
    return any;
  }
};

class PpdSup final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    draw_.resize(n_);
    initials_.resize(n_);
    const double h = rc.grid->resolution();
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[p_origin][i], num_[p_start][i], num_[p_stop][i]);
      PpdSupDraw& d = draw_[i];
      const double r = num_[p_rate][i], dead = num_[p_dead][i];
      const long nproc = static_cast<long>(num_[p_nproc][i]);
      d.h = h;
      d.seed = rc.seed;
      d.omega = 2.0 * std::numbers::pi * num_[p_freq][i] * 1e-3;
      d.amp = num_[p_amp][i];
      d.hazard = r > 0.0 ? h / (1000.0 / r - dead) : 0.0;
      // Equilibrium occupation of the dead-time bins for a constant rate.
      AgeBins init;
      const auto bins = static_cast<std::size_t>(dead / h);
      const long per_bin = static_cast<long>(r * 1e-3 * static_cast<double>(nproc) * h);
      init.refractory.assign(bins, per_bin);
      init.active = nproc - per_bin * static_cast<long>(bins);
      for (AgeBins& a : d.state)
        if (a.refractory.size() != bins) a = init;
      initials_[i] = init;
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (std::size_t i = 0; i < n_; ++i) {
      const uint32_t gid = first_gid_ + static_cast<uint32_t>(i);
      PpdSupDraw& d = draw_[i];
      const uint64_t deg = ctx.kernel->out_degree(gid);
      if (d.state.size() < deg) d.state.resize(deg, initials_[i]);
      if (num_[p_rate][i] <= 0.0 || deg == 0) continue;
      for (long lag = from; lag < to; ++lag) {
        const long step = ctx.slice_origin + lag;
        if (window_[i].contains(step)) ctx.kernel->send_drawn(gid, step + 1, &d);
      }
    }
  }

 private:
  std::vector<Window> window_;
  std::deque<PpdSupDraw> draw_;
  std::vector<AgeBins> initials_;
};

ModelInfo make_gamma_sup() {
  ModelInfo m("gamma_sup_generator", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/gamma_sup_generator.html");
  m.family = "generator";
  devices::declare_window(m);
  m.param(g_rate, "rate", 0.0, "Hz", {}, "Mean firing rate of the component processes")
      .integer(g_shape, "gamma_shape", 1, {}, "Shape parameter of the component gamma processes")
      .integer(g_nproc, "n_proc", 1, {}, "Number of superimposed independent component processes");
  m.object("label", PType::kString, std::string(""), "", "Label");
  devices::declare_stimulus_source(m);
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = [](const ParamRow& row) {
    const std::string model = "gamma_sup_generator";
    devices::validate_window(row, model);
    devices::check_stimulus_source(row, model);
    if (row.num("gamma_shape") < 1) throw BadProperty(model + ": The shape must be larger or equal 1");
    if (row.num("rate") < 0.0) throw BadProperty(model + ": The rate must be larger than 0.");
    if (row.num("n_proc") < 1)
      throw BadProperty(model + ": The number of component processes cannot be smaller than one");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<GammaSup>(info); };
  return m;
}

ModelInfo make_ppd_sup() {
  ModelInfo m("ppd_sup_generator", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/ppd_sup_generator.html");
  m.family = "generator";
  devices::declare_window(m);
  m.param(p_rate, "rate", 0.0, "Hz", {}, "Mean firing rate of the component processes")
      .param(p_dead, "dead_time", 0.0, "ms", {}, "Dead time of the component processes")
      .integer(p_nproc, "n_proc", 1, {}, "Number of superimposed independent component processes")
      .param(p_freq, "frequency", 0.0, "Hz", {}, "Rate modulation frequency")
      .param(p_amp, "relative_amplitude", 0.0, "", {}, "Relative rate modulation amplitude, in [0, 1]");
  m.object("label", PType::kString, std::string(""), "", "Label");
  devices::declare_stimulus_source(m);
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = [](const ParamRow& row) {
    const std::string model = "ppd_sup_generator";
    devices::validate_window(row, model);
    devices::check_stimulus_source(row, model);
    if (row.num("dead_time") < 0.0) throw BadProperty(model + ": The dead time cannot be negative.");
    if (1000.0 / row.num("rate") <= row.num("dead_time"))
      throw BadProperty(model + ": The inverse rate has to be larger than the dead time.");
    if (row.num("n_proc") < 1)
      throw BadProperty(model + ": The number of component processes cannot be smaller than one");
    const double a = row.num("relative_amplitude");
    if (a > 1.0 || a < 0.0)
      throw BadProperty(model + ": The relative amplitude of the rate modulation must be in [0,1].");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<PpdSup>(info); };
  return m;
}

}  // namespace

const ModelInfo& gamma_sup_generator_model() {
  static const ModelInfo info = make_gamma_sup();
  return info;
}
const ModelInfo& ppd_sup_generator_model() {
  static const ModelInfo info = make_ppd_sup();
  return info;
}

}  // namespace nestkit
