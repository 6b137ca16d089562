// dc_generator (constant current) and poisson_generator (an independent
// Poisson train for every target).
#include <cmath>

#include "models/devices/device_base.hpp"
#include "nestkit/registry.hpp"
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

class PoissonGenerator final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    table_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[pg_origin][i], num_[pg_start][i], num_[pg_stop][i]);
      table_[i] = PoissonTable::make(num_[rate][i] * rc.grid->resolution() * 1e-3);
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    for (std::size_t i = 0; i < n_; ++i) {
      if (table_[i].mu <= 0.0) continue;
      for (long lag = from; lag < to; ++lag) {
        const long step = ctx.slice_origin + lag;
        // Tested at the step's left edge; the spike is stamped at its right edge.
        if (window_[i].contains(step))
          ctx.kernel->send_poisson(first_gid_ + static_cast<uint32_t>(i), step + 1, &table_[i]);
      }
    }
  }

 private:
  std::vector<Window> window_;
  std::vector<PoissonTable> table_;
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
