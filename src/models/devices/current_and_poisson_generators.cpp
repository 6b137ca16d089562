// dc_generator (constant current) and poisson_generator (an independent
// Poisson train for every target).
#include <algorithm>
#include <cmath>

#include "models/devices/device_base.hpp"
#include "nestkit/poisson.hpp"
#include "nestkit/registry.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

enum DcCol : int { dc_origin, dc_start, dc_stop, amplitude };

class DcGenerator final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i)
      window_[i] = devices::window_of(*rc.grid, num_[dc_origin][i], num_[dc_start][i], num_[dc_stop][i]);
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (std::size_t i = 0; i < n_; ++i) {
      for (long lag = from; lag < to; ++lag) {
        const long step = ctx.slice_origin + lag;
        // Current generators act one step ahead: NEST tests the step two ahead,
        // so the stamps of the emitted currents cover [start, stop - h].
        if (!window_[i].contains(step + 2)) continue;
        ctx.kernel->send_current(first_gid_ + static_cast<uint32_t>(i), step + 1, num_[amplitude][i]);
      }
    }
  }

 private:
  std::vector<Window> window_;
};

enum PgCol : int { pg_origin, pg_start, pg_stop, rate };

// An independent Poisson count for every target, from a Philox block keyed by the
// synapse's position in the source's row (in fours) and the step: the same counts
// for any thread count and any chunking of Simulate.
class PoissonDraw final : public PerTargetDraw {
 public:
  PoissonDraw() = default;
  PoissonDraw(double mu, uint32_t seed) : table_(PoissonTable::make(mu)), seed_(seed) {}
  double mean() const { return table_.mu; }
  bool draw(uint32_t source, long stamp, uint64_t pos0, uint32_t count, uint32_t* out) const override {
    bool any = false;
    if (table_.large) {
      for (uint32_t q = 0; q < count; ++q) {
        const uint64_t pos = pos0 + q;
        RandomStream rng(seed_, Purpose::kPoissonLarge, source, (pos << 32) | static_cast<uint32_t>(stamp));
        out[q] = static_cast<uint32_t>(rng.poisson(table_.mu));
        any |= out[q] > 0;
      }
      return any;
    }
    if (count == 0) return false;
    // The blocks covering positions [pos0, pos0 + count), generated a chunk at a time.
    constexpr uint64_t kChunk = 64;
    uint32_t words[4 * kChunk];
    const uint64_t end = pos0 + count, last_block = (end - 1) >> 2;
    for (uint64_t first = pos0 >> 2; first <= last_block; first += kChunk) {
      const uint64_t n = std::min(kChunk, last_block - first + 1);
      philox_blocks({static_cast<uint32_t>(first), source, static_cast<uint32_t>(stamp),
                     static_cast<uint32_t>(static_cast<uint64_t>(stamp) >> 32)},
                    {seed_, static_cast<uint32_t>(Purpose::kPoisson)}, n, words);
      const uint64_t from = std::max(pos0, first * 4), to = std::min(end, (first + n) * 4);
      for (uint64_t pos = from; pos < to; ++pos) {
        const uint32_t k = table_.sample(words[pos - first * 4]);
        out[pos - pos0] = k;
        any |= k > 0;
      }
    }
    return any;
  }

 private:
  PoissonTable table_;
  uint32_t seed_ = 0;
};

class PoissonGenerator final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    table_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[pg_origin][i], num_[pg_start][i], num_[pg_stop][i]);
      table_[i] = PoissonDraw(num_[rate][i] * rc.grid->resolution() * 1e-3, rc.seed);
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (std::size_t i = 0; i < n_; ++i) {
      if (table_[i].mean() <= 0.0) continue;
      for (long lag = from; lag < to; ++lag) {
        const long step = ctx.slice_origin + lag;
        // Tested at the step's left edge; the spike is stamped at its right edge.
        if (window_[i].contains(step))
          ctx.kernel->send_drawn(first_gid_ + static_cast<uint32_t>(i), step + 1, &table_[i]);
      }
    }
  }

 private:
  std::vector<Window> window_;
  std::vector<PoissonDraw> table_;
};

ModelInfo make_dc() {
  ModelInfo m("dc_generator", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/dc_generator.html");
  m.family = "generator";
  devices::declare_window(m);
  m.param(amplitude, "amplitude", 0.0, "pA", {}, "Amplitude of the current");
  m.object("label", PType::kString, std::string(""), "", "Label");
  m.emits_spikes = false;
  m.emits_current = true;
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = [](const ParamRow& row) { devices::validate_window(row, "dc_generator"); };
  m.make = [](const ModelInfo& info) { return std::make_unique<DcGenerator>(info); };
  return m;
}

ModelInfo make_poisson() {
  ModelInfo m("poisson_generator", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/poisson_generator.html");
  m.family = "generator";
  devices::declare_window(m);
  m.param(rate, "rate", 0.0, "Hz", non_negative(), "Mean firing rate");
  m.object("label", PType::kString, std::string(""), "", "Label");
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = [](const ParamRow& row) { devices::validate_window(row, "poisson_generator"); };
  m.make = [](const ModelInfo& info) { return std::make_unique<PoissonGenerator>(info); };
  return m;
}

}  // namespace

const ModelInfo& dc_generator_model() {
  static const ModelInfo info = make_dc();
  return info;
}
const ModelInfo& poisson_generator_model() {
  static const ModelInfo info = make_poisson();
  return info;
}

}  // namespace nestkit
