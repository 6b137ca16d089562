// pulsepacket_generator (spike packets with Gaussian-distributed times around
// pulse_times) and noise_generator (a piecewise-constant Gaussian current, drawn
// independently for every target every dt).
#include <algorithm>
#include <cmath>
#include <deque>
#include <numbers>

#include "models/devices/device_base.hpp"
#include "models/devices/spike_generators.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

// --- pulsepacket_generator ----------------------------------------------------------

enum PpCol : int { pp_origin, pp_start, pp_stop, pp_activity, pp_sdev, pp_next };
enum PpObj : int { kPulseTimes };
constexpr double kSdevTolerance = 10.0;  // packets are drawn this many sdev before their center

class PulsePacket final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    pending_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i)
      window_[i] = devices::window_of(*rc.grid, num_[pp_origin][i], num_[pp_start][i], num_[pp_stop][i]);
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    const TimeGrid& g = *ctx.grid;
    const long T = ctx.slice_origin;
    for (std::size_t i = 0; i < n_; ++i) {
      // Tested once per slice, two steps ahead (NEST types it a current generator).
      if (!window_[i].contains(T + 2)) continue;
      const uint32_t gid = first_gid_ + static_cast<uint32_t>(i);
      auto& times = std::get<std::vector<double>>(obj_[kPulseTimes][i]);
      std::sort(times.begin(), times.end());
      const double sdev = num_[pp_sdev][i];
      const double tol = sdev > 0.0 ? sdev * kSdevTolerance : 1.0;
      const double now = g.steps_to_ms(T);
      auto& next = num_[pp_next][i];
      auto& pend = pending_[i];
      bool added = false;
      // Packets whose centers come within the tolerance are drawn now, once each.
      while (static_cast<std::size_t>(next) < times.size() && times[static_cast<std::size_t>(next)] - now <= tol) {
        const auto k = static_cast<std::size_t>(next);
        if (times[k] - now >= -tol) {
          RandomStream rng(ctx.kernel->seed(), Purpose::kPulsePacket, gid, k);
          for (long a = 0; a < static_cast<long>(num_[pp_activity][i]); ++a) {
            const double x = sdev * rng.normal() + times[k];
            if (x < 0.0) continue;
            const long s = g.ms_to_steps(x);
            if (s >= T) pend.push_back(s);
          }
          added = true;
        }
        next += 1.0;
      }
      if (added) std::sort(pend.begin(), pend.end());
      while (!pend.empty() && pend.front() < T + to) {
        const long s = pend.front();
        uint32_t m = 0;
        while (!pend.empty() && pend.front() == s) {
          pend.pop_front();
          ++m;
        }
        ctx.kernel->send_spike(gid, s + 1, m);
      }
    }
    (void)from;
  }

 protected:
  // New pulse times, activity or sdev discard the packets drawn but not yet sent.
  void write_derived(std::size_t i, const std::vector<Value>&) override {
    if (i < pending_.size()) pending_[i].clear();
    num_[pp_next][i] = 0.0;
  }

 private:
  std::vector<Window> window_;
  std::vector<std::deque<long>> pending_;
};

// --- noise_generator ---------------------------------------------------------------

enum NCol : int { n_origin, n_start, n_stop, n_mean, n_std, n_std_mod, n_dt, n_freq, n_phase };

// One draw interval: every target's amplitude is mean + sigma * N(0, 1), from a
// stream keyed by (device, target position, step of the draw).
class NoiseEpoch final : public PerTargetCurrent {
 public:
  double mean = 0.0, sigma = 0.0;
  long drawn_at = 0;
  uint32_t seed = 0;
  double amplitude(uint32_t source, uint64_t pos) const {
    RandomStream rng(seed, Purpose::kNoiseCurrent, source, (pos << 32) | static_cast<uint32_t>(drawn_at));
    return mean + sigma * rng.normal();
  }
  void amplitudes(uint32_t source, long, uint64_t pos0, uint32_t count, double* out) const override {
    for (uint32_t q = 0; q < count; ++q) out[q] = amplitude(source, pos0 + q);
  }
};

class Noise final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    st_.resize(n_);
    const double h = rc.grid->resolution(), t = rc.grid->steps_to_ms(rc.now);
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[n_origin][i], num_[n_start][i], num_[n_stop][i]);
      State& s = st_[i];
      const double om = 2.0 * std::numbers::pi * num_[n_freq][i] * 1e-3;
      const double phi = num_[n_phase][i] * std::numbers::pi / 180.0;
      // The modulation's rotating state starts from the time (NEST's calibration), but a run that
      // continues the previous one with the same frequency and phase keeps it: a Simulate split
      // into chunks must equal one call (recomputing differs from the rotation by ~1e-14).
      const bool continues = s.run_end == rc.now && s.om == om && s.phi == phi;
      if (!continues) {
        s.y0 = std::cos(om * t + phi);
        s.y1 = std::sin(om * t + phi);
        s.om = om;
        s.phi = phi;
      }
      s.c = std::cos(om * h);
      s.s = std::sin(om * h);
      s.dt_steps = rc.grid->ms_to_steps(dt_ms(i, h));
      s.seed = rc.seed;
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (std::size_t i = 0; i < n_; ++i) {
      State& s = st_[i];
      s.epochs.clear();  // the previous chunk's currents have been routed
      const uint32_t gid = first_gid_ + static_cast<uint32_t>(i);
      const NoiseEpoch* cur = nullptr;
      for (long lag = from; lag < to; ++lag) {
        const long step = ctx.slice_origin + lag;
        s.I = 0.0;
        if (window_[i].contains(step + 2)) {
          const double sm = num_[n_std_mod][i];
          if (sm != 0.0) {
            const double y0 = s.y0;
            s.y0 = s.c * y0 - s.s * s.y1;
            s.y1 = s.s * y0 + s.c * s.y1;
          }
          if (step >= s.next_step || !s.has_epoch) {
            const double sd = num_[n_std][i];
            s.epoch = NoiseEpoch{};
            s.epoch.mean = num_[n_mean][i];
            s.epoch.sigma = std::sqrt(sd * sd + s.y1 * sm * sm);
            s.epoch.drawn_at = step;
            s.epoch.seed = s.seed;
            s.has_epoch = true;
            s.next_step = step + s.dt_steps;
            cur = nullptr;
            if (!samplers_.empty()) {
              const uint64_t deg = ctx.kernel->out_degree(gid);
              double sum = 0.0;
              for (uint64_t p = 0; p < deg; ++p) sum += s.epoch.amplitude(gid, p);
              s.I_epoch = sum / static_cast<double>(std::max<uint64_t>(1, deg));
            }
          }
          if (!cur) {
            s.epochs.push_back(s.epoch);
            cur = &s.epochs.back();
          }
          s.I = s.I_epoch;
          ctx.kernel->send_current_drawn(gid, step + 1, cur);
        }
        sample_one(i, step);
      }
      s.run_end = ctx.slice_origin + to;
    }
  }
  double recordable(int, std::size_t i) const override { return i < st_.size() ? st_[i].I : 0.0; }

 private:
  double dt_ms(std::size_t i, double h) const {
    const double dt = num_[n_dt][i];
    return std::isnan(dt) ? 10.0 * h : dt;
  }
  void sample_one(std::size_t i, long step) {
    if (!samplers_.empty()) sample(step, i, i + 1);
  }
  struct State {
    double y0 = 0.0, y1 = 0.0, c = 1.0, s = 0.0;
    double om = 0.0, phi = 0.0;  // the frequency and phase y0, y1 rotate with
    long run_end = -1;           // the step the last run ended at (-1: none yet)
    long dt_steps = 1, next_step = 0;
    uint32_t seed = 0;
    bool has_epoch = false;
    NoiseEpoch epoch;
    std::deque<NoiseEpoch> epochs;  // this chunk's, alive until routed
    double I = 0.0, I_epoch = 0.0;
  };
  std::vector<Window> window_;
  std::deque<State> st_;
};

ModelInfo make_pulsepacket() {
  ModelInfo m("pulsepacket_generator", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/pulsepacket_generator.html");
  m.family = "generator";
  devices::declare_window(m);
  m.integer(pp_activity, "activity", 0, {}, "Number of spikes per pulse packet")
      .param(pp_sdev, "sdev", 0.0, "ms", {}, "Standard deviation of the spike times in a packet");
  m.internal(pp_next, "_internal_next");
  m.object("pulse_times", PType::kDoubleVec, std::vector<double>{}, "ms", "Times of the packet centers")
      .object("label", PType::kString, std::string(""), "", "Label");
  devices::declare_stimulus_source(m);
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = [](const ParamRow& row) {
    const std::string model = "pulsepacket_generator";
    devices::validate_window(row, model);
    devices::check_stimulus_source(row, model);
    if (row.num("activity") < 0) throw BadProperty(model + ": The activity cannot be negative.");
    if (row.num("sdev") < 0.0) throw BadProperty(model + ": The standard deviation cannot be negative.");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<PulsePacket>(info); };
  return m;
}

ModelInfo make_noise() {
  ModelInfo m("noise_generator", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/noise_generator.html");
  m.family = "generator";
  devices::declare_window(m);
  m.param(n_mean, "mean", 0.0, "pA", {}, "Mean value of the noise current")
      .param(n_std, "std", 0.0, "pA", {}, "Standard deviation of the noise current")
      .param(n_std_mod, "std_mod", 0.0, "pA", {}, "Modulation amplitude of the standard deviation")
      .param(n_dt, "dt", std::numeric_limits<double>::quiet_NaN(), "ms", {},
             "Interval between draws (default: 10 times the resolution)")
      .param(n_freq, "frequency", 0.0, "Hz", {}, "Frequency of the std modulation")
      .param(n_phase, "phase", 0.0, "deg", {}, "Phase of the std modulation");
  m.object("label", PType::kString, std::string(""), "", "Label");
  devices::declare_stimulus_source(m);
  m.recordables = {"I"};
  m.emits_spikes = false;
  m.emits_current = true;
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = [](const ParamRow& row) {
    const std::string model = "noise_generator";
    devices::validate_window(row, model);
    devices::check_stimulus_source(row, model);
    if (row.num("std") < 0.0) throw BadProperty(model + ": The standard deviation cannot be negative.");
    if (row.num("std_mod") < 0.0) throw BadProperty(model + ": The standard deviation cannot be negative.");
    if (row.num("std_mod") > row.num("std"))
      throw BadProperty(model + ": The modulation apmlitude must be smaller or equal to the baseline amplitude.");
    const double dt = row.num("dt");
    if (!std::isnan(dt)) {
      if (dt < 0.0) throw BadProperty(model + ": dt must not be negative.");
      if (row.grid && !row.grid->on_grid(dt))
        throw StepMultipleRequired(model + ": dt must be a multiple of the resolution " +
                                   std::to_string(row.grid->resolution()) + " ms.");
    }
  };
  m.resolve_defaults = [](const TimeGrid& g, std::vector<Value>& row) {
    // dt defaults to 10 resolutions (NEST's), fixed when the node is created.
    auto& dt = std::get<double>(row[static_cast<std::size_t>(noise_generator_model().index_of("dt"))]);
    if (std::isnan(dt)) dt = 10.0 * g.resolution();
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<Noise>(info); };
  return m;
}

}  // namespace

const ModelInfo& pulsepacket_generator_model() {
  static const ModelInfo info = make_pulsepacket();
  return info;
}
const ModelInfo& noise_generator_model() {
  static const ModelInfo info = make_noise();
  return info;
}

}  // namespace nestkit
