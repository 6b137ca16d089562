// poisson_generator_ps: an independent Poisson train with dead time for every
// target, with spike times off the grid, as NEST 3.10's model. Intervals are
// dead_time plus an exponential with mean 1000/rate - dead_time (ms), so the rate
// stays `rate`. A train starts in its stationary state: with probability
// dead_time * rate the first spike falls uniformly inside a dead time, otherwise
// it is one full interval away. Each train keeps its next spike (stamp, offset)
// across runs and restarts when start or origin moved past it.
//
// Every interval is drawn from its own counter-based stream, keyed by the
// generator, the target's position in the generator's row and the interval's
// number: the trains do not depend on threads or on how Simulate is chunked.
#include <cmath>
#include <limits>

#include "models/devices/device_base.hpp"
#include "models/neurons/precise/models.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

enum Col : int { origin, start, stop, rate, dead_time };

class PoissonGeneratorPs final : public Population {
 public:
  using Population::Population;

  void prepare(const RunContext& rc) override {
    grid_ = rc.grid;
    seed_ = rc.seed;
    window_.resize(n_);
    trains_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[origin][i], num_[start][i], num_[stop][i]);
      auto& tr = trains_[i];
      tr.resize(kernel_ ? kernel_->out_degree(first_gid_ + static_cast<uint32_t>(i)) : 0);
      // A train whose next spike lies before the (possibly moved) start restarts, all targets
      // together (NEST's choice).
      bool restart = false;
      for (const Train& t : tr) restart |= t.stamp != kNone && t.stamp < window_[i].t_min;
      if (restart)
        for (Train& t : tr) t = Train{};
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (std::size_t i = 0; i < n_; ++i) {
      const double r = num_[rate][i], dead = num_[dead_time][i];
      if (r <= 0.0 || trains_[i].empty()) continue;
      const double mean_free = 1000.0 / r - dead;  // ms: the exponential part of an interval
      // Spikes with stamps in (t_min, t_max].
      const long t_min = std::max(ctx.slice_origin + from, window_[i].t_min);
      const long t_max = std::min(ctx.slice_origin + to, window_[i].t_max);
      if (t_min >= t_max) continue;
      const uint32_t gid = first_gid_ + static_cast<uint32_t>(i);
      for (std::size_t q = 0; q < trains_[i].size(); ++q) {
        Train& tr = trains_[i][q];
        if (tr.stamp == kNone) {
          RandomStream rng = stream(gid, q, tr.draws++);
          double first;
          if (dead > 0.0 && rng.uniform() < dead * r / 1000.0)
            first = rng.uniform() * dead;
          else
            first = mean_free * rng.exponential(1.0) + dead;
          const long s = devices::ms_stamp(*grid_, first);
          tr.offset = stamp_ms(s) - first;
          tr.stamp = s + t_min;
        }
        while (tr.stamp <= t_max) {
          ctx.kernel->send_spike_to(gid, tr.stamp, q, tr.offset);
          // The next spike, measured from the end of this spike's step.
          RandomStream rng = stream(gid, q, tr.draws++);
          const double ahead = -tr.offset + mean_free * rng.exponential(1.0) + dead;
          if (ahead < 0.0) {
            tr.offset = -ahead;  // still in the same step
          } else {
            const long ds = devices::ms_stamp(*grid_, ahead);
            tr.stamp += ds;
            tr.offset = stamp_ms(ds) - ahead;
          }
        }
      }
    }
  }

 private:
  static constexpr long kNone = std::numeric_limits<long>::min();
  struct Train {
    long stamp = kNone;  // next spike's stamp (kNone: not drawn yet)
    double offset = 0.0;
    uint32_t draws = 0;  // intervals drawn so far: the stream of the next one
  };
  RandomStream stream(uint32_t gid, std::size_t q, uint32_t k) const {
    return RandomStream(seed_, Purpose::kPrecisePoisson, gid, (static_cast<uint64_t>(q) << 32) | k);
  }
  double stamp_ms(long steps) const { return grid_->steps_to_ms(steps); }

  const TimeGrid* grid_ = nullptr;
  uint32_t seed_ = 0;
  std::vector<Window> window_;
  std::vector<std::vector<Train>> trains_;  // per generator, per target position
};

ModelInfo make_info() {
  ModelInfo m("poisson_generator_ps", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/poisson_generator_ps.html");
  m.family = "generator";
  devices::declare_window(m);
  m.param(rate, "rate", 0.0, "Hz", non_negative(), "Mean firing rate")
      .param(dead_time, "dead_time", 0.0, "ms", non_negative(), "Dead time after each spike");
  m.object("label", PType::kString, std::string(""), "", "Label");
  devices::declare_stimulus_source(m);
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = [](const ParamRow& row) {
    const std::string model = "poisson_generator_ps";
    devices::validate_window(row, model);
    devices::check_stimulus_source(row, model);
    if (row.num("rate") > 0.0 && 1000.0 / row.num("rate") < row.num("dead_time"))
      throw BadProperty(model + ": The inverse rate cannot be smaller than the dead time (1000/rate = " +
                        std::to_string(1000.0 / row.num("rate")) +
                        " ms < dead_time = " + std::to_string(row.num("dead_time")) + " ms).");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<PoissonGeneratorPs>(info); };
  return m;
}

}  // namespace

const ModelInfo& precise::poisson_generator_ps_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
