// step_rate_generator (a piecewise-constant rate for rate neurons), spike_dilutor
// (copies each incoming spike to each target with probability p_copy) and
// spike_train_injector (a node that emits given spike times as its own spikes).
#include <algorithm>
#include <sstream>

#include "models/devices/device_base.hpp"
#include "models/devices/spike_generators.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

// --- step_rate_generator ----------------------------------------------------------

enum RCol : int { r_origin, r_start, r_stop, r_offgrid, r_amp, r_rate, r_next };
enum RObj : int { kAmpTimes, kAmpValues };

// It sends its rate of every step to rate neurons (NEST's DelayedRateConnectionEvent,
// through rate_connection_delayed); spiking neurons refuse it (it sends no spikes).
class StepRate final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    md_ = rc.min_delay;
    if (sent_.size() != n_ * static_cast<std::size_t>(md_)) sent_.assign(n_ * static_cast<std::size_t>(md_), 0.0);
    window_.resize(n_);
    stamps_.assign(n_, {});
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[r_origin][i], num_[r_start][i], num_[r_stop][i]);
      for (double t : std::get<std::vector<double>>(obj_[kAmpTimes][i]))
        stamps_[i].push_back(devices::change_stamp(*rc.grid, t, num_[r_offgrid][i] != 0.0));
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    double *A = col(r_amp), *R = col(r_rate), *nx = col(r_next);
    for (std::size_t i = 0; i < n_; ++i)
      while (nx[i] < stamps_[i].size() && stamps_[i][static_cast<std::size_t>(nx[i])] <= ctx.slice_origin + from)
        nx[i] += 1.0;
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      for (std::size_t i = 0; i < n_; ++i) {
        const auto k = static_cast<std::size_t>(nx[i]);
        if (k < stamps_[i].size() && step + 1 == stamps_[i][k]) {
          A[i] = std::get<std::vector<double>>(obj_[kAmpValues][i])[k];
          nx[i] += 1.0;
        }
        // A delayed-rate generator: tested two steps ahead, as NEST.
        R[i] = window_[i].contains(step + 2) ? A[i] : 0.0;
        sent_[i * md_ + lag] = R[i];
      }
      sample(step, 0, n_);
    }
  }
  double recordable(int, std::size_t i) const override { return num_[r_rate][i]; }
  const double* secondary_values(Secondary kind, std::size_t i, std::size_t& length) const override {
    length = kind == Secondary::kDelayedRate ? static_cast<std::size_t>(md_) : 0;
    return length ? sent_.data() + i * md_ : nullptr;
  }

 protected:
  void write_derived(std::size_t i, const std::vector<Value>&) override { num_[r_next][i] = 0.0; }

 private:
  std::vector<Window> window_;
  std::vector<std::vector<long>> stamps_;
  long md_ = 1;
  std::vector<double> sent_;  // the interval's rates, per node
};

void validate_step_rate(const ParamRow& row) {
  devices::validate_window(row, "step_rate_generator");
  devices::check_stimulus_source(row, "step_rate_generator");
  devices::validate_amplitude_changes(row, "step_rate_generator");
}

// --- spike_dilutor ----------------------------------------------------------------

enum DCol : int { d_origin, d_start, d_stop, d_pcopy };

// The mother spikes of this chunk by stamp; each target gets Binomial(mother, p_copy).
class DilutorDraw final : public PerTargetDraw {
 public:
  double p = 1.0;
  uint32_t seed = 0;
  std::vector<std::pair<long, long>> mothers;  // (stamp, count), ascending stamps
  bool draw(uint32_t source, long stamp, uint64_t pos0, uint32_t count, uint32_t* out) const override {
    const auto it = std::lower_bound(mothers.begin(), mothers.end(), std::make_pair(stamp, long{0}));
    const long mother = it != mothers.end() && it->first == stamp ? it->second : 0;
    bool any = false;
    for (uint32_t q = 0; q < count; ++q) {
      RandomStream rng(seed, Purpose::kDilutor, source, ((pos0 + q) << 32) | static_cast<uint32_t>(stamp));
      out[q] = static_cast<uint32_t>(rng.binomial(mother, p));
      any |= out[q] > 0;
    }
    return any;
  }
};

class Dilutor final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    draw_.resize(n_);
    input_.resize(1, n_, rc.ring_size);
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[d_origin][i], num_[d_start][i], num_[d_stop][i]);
      draw_[i].p = num_[d_pcopy][i];
      draw_[i].seed = rc.seed;
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (auto& d : draw_) d.mothers.clear();
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* count = input_.row(0, step);
      for (std::size_t i = 0; i < n_; ++i) {
        const long n = static_cast<long>(count[i]);
        count[i] = 0.0;
        if (n <= 0 || !window_[i].contains(step)) continue;
        draw_[i].mothers.emplace_back(step + 1, n);
        ctx.kernel->send_drawn(first_gid_ + static_cast<uint32_t>(i), step + 1, &draw_[i]);
      }
    }
  }
  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = b.per_synapse_multiplicity ? b.per_synapse_multiplicity[k] : b.multiplicity;
      if (m) input_.add(0, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, static_cast<double>(m));
    }
  }

 private:
  std::vector<Window> window_;
  std::vector<DilutorDraw> draw_;
  InputRing input_;
};

// --- spike_train_injector ---------------------------------------------------------

enum JCol : int { j_origin, j_start, j_stop, j_precise, j_offgrid, j_shift };

class Injector final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    stamps_.assign(n_, {});
    offsets_.assign(n_, {});
    window_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      const long org = rc.grid->ms_to_steps(num_[j_origin][i]);
      const bool precise = num_[j_precise][i] != 0.0;
      for (double t : std::get<std::vector<double>>(obj_[0][i])) {
        double offset = 0.0;  // precise_times: ms before the stamp
        stamps_[i].push_back(org + (precise ? devices::precise_stamp(*rc.grid, t, offset) : rc.grid->ms_to_steps(t)));
        offsets_[i].push_back(offset);
      }
      window_[i] = devices::window_of(*rc.grid, num_[j_origin][i], num_[j_start][i], num_[j_stop][i]);
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    const long t0 = ctx.slice_origin + from, t1 = ctx.slice_origin + to;
    for (std::size_t i = 0; i < n_; ++i) {
      const auto& st = stamps_[i];
      const auto& m = std::get<std::vector<long>>(obj_[1][i]);
      for (auto k = std::upper_bound(st.begin(), st.end(), t0) - st.begin(); k < static_cast<long>(st.size()); ++k) {
        if (st[k] > t1) break;
        if (!window_[i].contains(st[k])) continue;
        const uint32_t mult = m.empty() ? 1u : static_cast<uint32_t>(m[k]);
        // Its spikes are its own, as a neuron's: they go out with the slice's spikes.
        if (mult) ctx.spikes->push_back({first_gid_ + static_cast<uint32_t>(i), mult, st[k], offsets_[i][k]});
      }
    }
  }

 private:
  std::vector<std::vector<long>> stamps_;
  std::vector<std::vector<double>> offsets_;
  std::vector<Window> window_;
};

void validate_injector(const ParamRow& row) {
  devices::validate_window(row, "spike_train_injector");
  devices::validate_spike_train(row, "spike_train_injector");
}

ModelInfo make_step_rate() {
  ModelInfo m("step_rate_generator", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/step_rate_generator.html");
  m.family = "generator";
  devices::declare_window(m);
  m.flag(r_offgrid, "allow_offgrid_times", false, "Move off-grid amplitude times to the end of their step");
  m.internal(r_amp, "_internal_amp").internal(r_rate, "_internal_rate").internal(r_next, "_internal_next");
  m.object("amplitude_times", PType::kDoubleVec, std::vector<double>{}, "ms", "Times of rate changes")
      .object("amplitude_values", PType::kDoubleVec, std::vector<double>{}, "Hz", "Rates from those times on")
      .object("label", PType::kString, std::string(""), "", "Label");
  devices::declare_stimulus_source(m);
  m.recordables = {"rate"};
  m.emits_spikes = false;  // it sends rates (DelayedRateConnectionEvent), which spiking neurons do not take
  m.secondary_out = secondary_bit(Secondary::kDelayedRate);
  m.emits_current = false;
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = validate_step_rate;
  m.make = [](const ModelInfo& info) { return std::make_unique<StepRate>(info); };
  return m;
}

ModelInfo make_dilutor() {
  ModelInfo m("spike_dilutor", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/spike_dilutor.html");
  m.family = "generator";
  m.element_type = "stimulator";
  m.archiving = false;
  devices::declare_window(m);
  m.param(d_pcopy, "p_copy", 1.0, "", {}, "Copy probability");
  m.object("label", PType::kString, std::string(""), "", "Label");
  devices::declare_stimulus_source(m);
  m.accepts_current = false;
  m.validate = [](const ParamRow& row) {
    const std::string model = "spike_dilutor";
    devices::validate_window(row, model);
    devices::check_stimulus_source(row, model);
    if (row.num("p_copy") < 0.0 || row.num("p_copy") > 1.0)
      throw BadProperty(model + ": Copy probability must be in [0, 1].");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<Dilutor>(info); };
  return m;
}

ModelInfo make_injector() {
  ModelInfo m("spike_train_injector", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/spike_train_injector.html");
  m.family = "generator";
  devices::declare_window(m);
  m.flag(j_precise, "precise_times", false, "Interpret spike times as precise (off-grid) times")
      .flag(j_offgrid, "allow_offgrid_times", false, "Round off-grid times up to the end of their step")
      .flag(j_shift, "shift_now_spikes", false, "Shift spikes at the current time to the next step");
  m.object("spike_times", PType::kDoubleVec, std::vector<double>{}, "ms", "Spike times, relative to origin")
      .object("spike_multiplicities", PType::kLongVec, std::vector<long>{}, "", "Multiplicity per spike (empty: 1)")
      .object("label", PType::kString, std::string(""), "", "Label");
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = validate_injector;
  m.make = [](const ModelInfo& info) { return std::make_unique<Injector>(info); };
  return m;
}

}  // namespace

const ModelInfo& step_rate_generator_model() {
  static const ModelInfo info = make_step_rate();
  return info;
}
const ModelInfo& spike_dilutor_model() {
  static const ModelInfo info = make_dilutor();
  return info;
}
const ModelInfo& spike_train_injector_model() {
  static const ModelInfo info = make_injector();
  return info;
}

}  // namespace nestkit
