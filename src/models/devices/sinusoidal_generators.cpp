// sinusoidal_poisson_generator and sinusoidal_gamma_generator: spike trains whose
// rate is rate + amplitude * sin(2 pi frequency t + phase), either one independent
// train per target (individual_spike_trains, the default) or one train shared by all.
#include <cmath>
#include <deque>
#include <numbers>

#include "models/devices/device_base.hpp"
#include "models/devices/incomplete_gamma.hpp"
#include "models/devices/spike_generators.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

// clang-format off
enum Col : int { origin, start, stop, rate, amplitude, frequency, phase, order, individual_spike_trains };
// clang-format on

// The instantaneous rate (1/ms) of the spike stamped `stamp`: the rate at the end of
// its step, as NEST advances its oscillator before the draw.
struct Sinusoid {
  double r = 0.0, a = 0.0, om = 0.0, phi = 0.0, h = 0.1;
  double at_ms(double t) const { return r + a * std::sin(om * t + phi); }
  double at_stamp(long stamp) const { return std::max(0.0, at_ms(static_cast<double>(stamp) * h)); }
};

Sinusoid sinusoid_of(const std::vector<std::vector<double>>& num, std::size_t i, double h) {
  Sinusoid s;
  s.r = num[rate][i] * 1e-3;
  s.a = num[amplitude][i] * 1e-3;
  s.om = 2.0 * std::numbers::pi * num[frequency][i] * 1e-3;
  s.phi = num[phase][i] * std::numbers::pi / 180.0;
  s.h = h;
  return s;
}

// One Poisson count per target and step, from a stream keyed by (device, target position, stamp).
class SinusoidalPoissonDraw final : public PerTargetDraw {
 public:
  Sinusoid s;
  uint32_t seed = 0;
  bool draw(uint32_t source, long stamp, uint64_t pos0, uint32_t count, uint32_t* out) const override {
    const double mu = s.at_stamp(stamp) * s.h;
    bool any = false;
    for (uint32_t q = 0; q < count; ++q) {
      RandomStream rng(seed, Purpose::kRateModulated, source, ((pos0 + q) << 32) | static_cast<uint32_t>(stamp));
      out[q] = static_cast<uint32_t>(rng.poisson(mu));
      any |= out[q] > 0;
    }
    return any;
  }
};

class SinusoidalPoisson final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    draw_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[origin][i], num_[start][i], num_[stop][i]);
      draw_[i].s = sinusoid_of(num_, i, rc.grid->resolution());
      draw_[i].seed = rc.seed;
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      for (std::size_t i = 0; i < n_; ++i) {
        const uint32_t gid = first_gid_ + static_cast<uint32_t>(i);
        const double r = draw_[i].s.at_stamp(step + 1);
        rate_now_.resize(n_);
        rate_now_[i] = r * 1e3;
        // NEST tests this device like a current generator: two steps ahead.
        if (r > 0.0 && window_[i].contains(step + 2)) {
          if (num_[individual_spike_trains][i] != 0.0) {
            ctx.kernel->send_drawn(gid, step + 1, &draw_[i]);
          } else {
            RandomStream rng(ctx.kernel->seed(), Purpose::kSharedTrain, gid, static_cast<uint64_t>(step + 1));
            const long k = rng.poisson(r * draw_[i].s.h);
            if (k > 0) ctx.kernel->send_spike(gid, step + 1, static_cast<uint32_t>(k));
          }
        }
      }
      sample(step, 0, n_);
    }
  }
  double recordable(int, std::size_t i) const override { return i < rate_now_.size() ? rate_now_[i] : 0.0; }

 private:
  std::vector<Window> window_;
  std::vector<SinusoidalPoissonDraw> draw_;
  std::vector<double> rate_now_;
};

// Gamma process of order k with time-varying rate: per train, the operational time
// Lambda since the last spike and the hazard k rate(t) Lambda^(k-1) e^-Lambda / Gamma(k, Lambda).
struct GammaTrain {
  double t0 = 0.0;       // ms, last spike (or last rescaling)
  double lambda0 = 0.0;  // operational time accumulated up to t0
};

double delta_lambda(const Sinusoid& s, double k, double ta, double tb) {
  if (ta == tb) return 0.0;
  double d = k * s.r * (tb - ta);
  if (std::fabs(s.a) > 0.0 && std::fabs(s.om) > 0.0)
    d -= k * s.a / s.om * (std::cos(s.om * tb + s.phi) - std::cos(s.om * ta + s.phi));
  return d;
}

// Whether the train spikes in the step ending at t_ms.
bool gamma_step(GammaTrain& g, const Sinusoid& s, double k, double t_ms, double u) {
  const double lambda = g.lambda0 + delta_lambda(s, k, g.t0, t_ms);
  const double hazard = s.h * k * std::max(0.0, s.at_ms(t_ms)) * devices::gamma_hazard_ratio(k, lambda);
  if (u >= hazard) return false;
  g.t0 = t_ms;
  g.lambda0 = 0.0;
  return true;
}

class SinusoidalGammaDraw final : public PerTargetDraw {
 public:
  Sinusoid s;
  double k = 1.0;
  uint32_t seed = 0;
  mutable std::vector<GammaTrain> trains;  // by target position; each touched by one thread
  bool draw(uint32_t source, long stamp, uint64_t pos0, uint32_t count, uint32_t* out) const override {
    bool any = false;
    const double t = static_cast<double>(stamp) * s.h;
    for (uint32_t q = 0; q < count; ++q) {
      const uint64_t pos = pos0 + q;
      RandomStream rng(seed, Purpose::kSinusoidalGamma, source, (pos << 32) | static_cast<uint32_t>(stamp));
      out[q] = pos < trains.size() && gamma_step(trains[pos], s, k, t, rng.uniform()) ? 1u : 0u;
      any |= out[q] > 0;
    }
    return any;
  }
};

class SinusoidalGamma final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    draw_.resize(n_);
    shared_.resize(n_);
    prev_.resize(n_, {});
    const double now = rc.grid->steps_to_ms(rc.now);
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[origin][i], num_[start][i], num_[stop][i]);
      SinusoidalGammaDraw& d = draw_[i];
      // Operational time so far counts with the parameters it was accrued under.
      auto rescale = [&](GammaTrain& g) {
        g.lambda0 += delta_lambda(prev_[i].s, prev_[i].k, g.t0, now);
        g.t0 = now;
      };
      if (prev_[i].valid) {
        for (GammaTrain& g : d.trains) rescale(g);
        rescale(shared_[i]);
      }
      d.s = sinusoid_of(num_, i, rc.grid->resolution());
      d.k = num_[order][i];
      d.seed = rc.seed;
      prev_[i] = {d.s, d.k, true};
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (std::size_t i = 0; i < n_; ++i) {
      const uint64_t deg = ctx.kernel->out_degree(first_gid_ + static_cast<uint32_t>(i));
      if (draw_[i].trains.size() < deg) draw_[i].trains.resize(deg);
    }
    rate_now_.resize(n_);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      for (std::size_t i = 0; i < n_; ++i) {
        const uint32_t gid = first_gid_ + static_cast<uint32_t>(i);
        const SinusoidalGammaDraw& d = draw_[i];
        const double t = static_cast<double>(step + 1) * d.s.h;
        const double r = d.s.at_ms(t);
        rate_now_[i] = r * 1e3;
        // Active at the step's left edge, as a spike generator.
        if (r > 0.0 && window_[i].contains(step)) {
          if (num_[individual_spike_trains][i] != 0.0) {
            ctx.kernel->send_drawn(gid, step + 1, &d);
          } else {
            RandomStream rng(ctx.kernel->seed(), Purpose::kSinusoidalGamma, gid,
                             (uint64_t{0xFFFFFFFFu} << 32) | static_cast<uint32_t>(step + 1));
            if (gamma_step(shared_[i], d.s, d.k, t, rng.uniform())) ctx.kernel->send_spike(gid, step + 1, 1);
          }
        }
      }
      sample(step, 0, n_);
    }
  }
  double recordable(int, std::size_t i) const override { return i < rate_now_.size() ? rate_now_[i] : 0.0; }

 private:
  struct Previous {
    Sinusoid s;
    double k = 1.0;
    bool valid = false;
  };
  std::vector<Window> window_;
  std::deque<SinusoidalGammaDraw> draw_;
  std::vector<GammaTrain> shared_;
  std::vector<Previous> prev_;
  std::vector<double> rate_now_;
};

void validate_common(const ParamRow& row, const std::string& model) {
  devices::validate_window(row, model);
  devices::check_stimulus_source(row, model);
}

ModelInfo make_info(const std::string& name, bool gamma) {
  ModelInfo m(name, NodeKind::kStimulator, "https://nest-simulator.readthedocs.io/en/stable/models/" + name + ".html");
  m.family = "generator";
  devices::declare_window(m);
  m.param(rate, "rate", 0.0, "Hz", {}, "Mean firing rate")
      .param(amplitude, "amplitude", 0.0, "Hz", {}, "Firing rate modulation amplitude")
      .param(frequency, "frequency", 0.0, "Hz", {}, "Modulation frequency")
      .param(phase, "phase", 0.0, "deg", {}, "Modulation phase");
  if (gamma)
    m.param(order, "order", 1.0, "", {}, "Order of the gamma process (>= 1)");
  else
    m.internal(order, "_internal_order");
  m.flag(individual_spike_trains, "individual_spike_trains", true,
         "One independent train per target (true) or one train shared by all targets");
  m.object("label", PType::kString, std::string(""), "", "Label");
  devices::declare_stimulus_source(m);
  m.recordables = {"rate"};
  m.accepts_current = false;
  m.spike_receptors = {};
  if (gamma) {
    m.validate = [](const ParamRow& row) {
      validate_common(row, "sinusoidal_gamma_generator");
      if (row.num("order") < 1.0) throw BadProperty("sinusoidal_gamma_generator: The gamma order must be at least 1.");
      if (!(0.0 <= row.num("amplitude") && row.num("amplitude") <= row.num("rate")))
        throw BadProperty("sinusoidal_gamma_generator: Rate parameters must fulfill 0 <= amplitude <= rate.");
    };
    m.make = [](const ModelInfo& info) { return std::make_unique<SinusoidalGamma>(info); };
  } else {
    m.validate = [](const ParamRow& row) { validate_common(row, "sinusoidal_poisson_generator"); };
    m.make = [](const ModelInfo& info) { return std::make_unique<SinusoidalPoisson>(info); };
  }
  return m;
}

}  // namespace

const ModelInfo& sinusoidal_poisson_generator_model() {
  static const ModelInfo info = make_info("sinusoidal_poisson_generator", false);
  return info;
}
const ModelInfo& sinusoidal_gamma_generator_model() {
  static const ModelInfo info = make_info("sinusoidal_gamma_generator", true);
  return info;
}

}  // namespace nestkit
