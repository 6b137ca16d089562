// mip_generator (a shared Poisson mother train, each spike copied to each target
// with probability p_copy) and inhomogeneous_poisson_generator (independent Poisson
// trains per target with a piecewise-constant rate).
#include <algorithm>
#include <sstream>

#include "models/devices/device_base.hpp"
#include "models/devices/spike_generators.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

// --- mip_generator ----------------------------------------------------------------

enum MCol : int { m_origin, m_start, m_stop, m_rate, m_pcopy };

// Mother spikes in the step ending at `stamp`: one draw shared by all targets.
long mother_count(uint32_t seed, uint32_t source, long stamp, double mu) {
  RandomStream rng(seed, Purpose::kSharedTrain, source, static_cast<uint64_t>(stamp));
  return rng.poisson(mu);
}

class MipDraw final : public PerTargetDraw {
 public:
  double mu = 0.0, p = 1.0;
  uint32_t seed = 0;
  bool draw(uint32_t source, long stamp, uint64_t pos0, uint32_t count, uint32_t* out) const override {
    const long mother = mother_count(seed, source, stamp, mu);
    bool any = false;
    for (uint32_t q = 0; q < count; ++q) {
      RandomStream rng(seed, Purpose::kMipCopy, source, ((pos0 + q) << 32) | static_cast<uint32_t>(stamp));
      out[q] = static_cast<uint32_t>(rng.binomial(mother, p));
      any |= out[q] > 0;
    }
    return any;
  }
};

class Mip final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    draw_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[m_origin][i], num_[m_start][i], num_[m_stop][i]);
      draw_[i].mu = num_[m_rate][i] * rc.grid->resolution() * 1e-3;
      draw_[i].p = num_[m_pcopy][i];
      draw_[i].seed = rc.seed;
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (std::size_t i = 0; i < n_; ++i) {
      // NEST tests the window once per slice, at the slice's origin.
      if (draw_[i].mu <= 0.0 || !window_[i].contains(ctx.slice_origin)) continue;
      const uint32_t gid = first_gid_ + static_cast<uint32_t>(i);
      for (long lag = from; lag < to; ++lag) {
        const long stamp = ctx.slice_origin + lag + 1;
        if (mother_count(draw_[i].seed, gid, stamp, draw_[i].mu) > 0) ctx.kernel->send_drawn(gid, stamp, &draw_[i]);
      }
    }
  }

 private:
  std::vector<Window> window_;
  std::vector<MipDraw> draw_;
};

// --- inhomogeneous_poisson_generator ------------------------------------------------

enum ICol : int { i_origin, i_start, i_stop, i_offgrid };
enum IObj : int { kTimes, kValues };

// Rate (1/ms) in force for the spike stamped `stamp`: the value of the last change
// whose stamp is <= stamp.
class InhomogeneousDraw final : public PerTargetDraw {
 public:
  std::vector<long> stamps;
  std::vector<double> rates;  // 1/ms
  double h = 0.1;
  uint32_t seed = 0;
  double rate_at(long stamp) const {
    const auto k = std::upper_bound(stamps.begin(), stamps.end(), stamp) - stamps.begin();
    return k == 0 ? 0.0 : rates[static_cast<std::size_t>(k - 1)];
  }
  bool draw(uint32_t source, long stamp, uint64_t pos0, uint32_t count, uint32_t* out) const override {
    const double mu = rate_at(stamp) * h;
    bool any = false;
    for (uint32_t q = 0; q < count; ++q) {
      RandomStream rng(seed, Purpose::kRateModulated, source, ((pos0 + q) << 32) | static_cast<uint32_t>(stamp));
      out[q] = static_cast<uint32_t>(rng.poisson(mu));
      any |= out[q] > 0;
    }
    return any;
  }
};

class Inhomogeneous final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    draw_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[i_origin][i], num_[i_start][i], num_[i_stop][i]);
      InhomogeneousDraw& d = draw_[i];
      d.stamps.clear();
      d.rates.clear();
      const auto& t = std::get<std::vector<double>>(obj_[kTimes][i]);
      const auto& v = std::get<std::vector<double>>(obj_[kValues][i]);
      for (std::size_t k = 0; k < t.size(); ++k) {
        d.stamps.push_back(devices::change_stamp(*rc.grid, t[k], num_[i_offgrid][i] != 0.0));
        d.rates.push_back(v[k] * 1e-3);
      }
      d.h = rc.grid->resolution();
      d.seed = rc.seed;
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      for (std::size_t i = 0; i < n_; ++i) {
        if (draw_[i].rate_at(step + 1) > 0.0 && window_[i].contains(step))
          ctx.kernel->send_drawn(first_gid_ + static_cast<uint32_t>(i), step + 1, &draw_[i]);
      }
    }
  }

 private:
  std::vector<Window> window_;
  std::vector<InhomogeneousDraw> draw_;
};

void validate_inhomogeneous(const ParamRow& row) {
  const std::string model = "inhomogeneous_poisson_generator";
  devices::validate_window(row, model);
  devices::check_stimulus_source(row, model);
  const auto& times = std::get<std::vector<double>>(row.get("rate_times"));
  const auto& values = std::get<std::vector<double>>(row.get("rate_values"));
  const bool times_given = row.given("rate_times");
  if (row.given("allow_offgrid_times") && !times_given && !times.empty() && row.previous)
    throw BadProperty(model + ": Option can only be set together with rate times or if no rate times have been set.");
  if (times_given != row.given("rate_values"))
    throw BadProperty(model + ": Rate times and values must be reset together.");
  if (times.size() != values.size()) throw BadProperty(model + ": Rate times and values have to be the same size.");
  if (!times_given) return;
  long previous = -1;
  for (double t : times) {
    if (t <= 0.0) throw BadProperty(model + ": Time points must lie strictly in the future.");
    if (!row.grid) continue;
    const long s = devices::change_stamp(*row.grid, t, row.num("allow_offgrid_times") != 0.0);
    if (s < 0) {
      std::ostringstream msg;
      msg << model << ": Time point " << t << " is not representable in current resolution.";
      throw BadProperty(msg.str());
    }
    if (s <= previous) throw BadProperty(model + ": Rate times must be strictly increasing.");
    previous = s;
  }
}

ModelInfo make_mip() {
  ModelInfo m("mip_generator", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/mip_generator.html");
  m.family = "generator";
  devices::declare_window(m);
  m.param(m_rate, "rate", 0.0, "Hz", {}, "Mean firing rate of the mother process")
      .param(m_pcopy, "p_copy", 1.0, "", {}, "Copy probability");
  m.object("label", PType::kString, std::string(""), "", "Label");
  devices::declare_stimulus_source(m);
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = [](const ParamRow& row) {
    const std::string model = "mip_generator";
    devices::validate_window(row, model);
    devices::check_stimulus_source(row, model);
    if (row.num("rate") < 0.0) throw BadProperty(model + ": Rate must be non-negative.");
    if (row.num("p_copy") < 0.0 || row.num("p_copy") > 1.0)
      throw BadProperty(model + ": Copy probability must be in [0, 1].");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<Mip>(info); };
  return m;
}

ModelInfo make_inhomogeneous() {
  ModelInfo m("inhomogeneous_poisson_generator", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/inhomogeneous_poisson_generator.html");
  m.family = "generator";
  devices::declare_window(m);
  m.flag(i_offgrid, "allow_offgrid_times", false, "Move off-grid rate times to the end of their step");
  m.object("rate_times", PType::kDoubleVec, std::vector<double>{}, "ms", "Times of rate changes")
      .object("rate_values", PType::kDoubleVec, std::vector<double>{}, "Hz", "Rates from those times on")
      .object("label", PType::kString, std::string(""), "", "Label");
  devices::declare_stimulus_source(m);
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = validate_inhomogeneous;
  m.make = [](const ModelInfo& info) { return std::make_unique<Inhomogeneous>(info); };
  return m;
}

}  // namespace

const ModelInfo& mip_generator_model() {
  static const ModelInfo info = make_mip();
  return info;
}
const ModelInfo& inhomogeneous_poisson_generator_model() {
  static const ModelInfo info = make_inhomogeneous();
  return info;
}

}  // namespace nestkit
