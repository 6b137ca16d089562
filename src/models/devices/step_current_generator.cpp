// step_current_generator: a piecewise-constant current that takes
// amplitude_values[k] from amplitude_times[k] on, as NEST 3.10's device. The
// times are absolute (not shifted by origin); with allow_offgrid_times an
// off-grid time moves to the end of its step.
#include <cmath>
#include <sstream>

#include "models/devices/current_generators.hpp"
#include "models/devices/device_base.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

// Columns, grouped by role.
// clang-format off
enum Col : int {
  origin, start, stop, allow_offgrid_times,
  // amplitude in force, current sent in the last step (0 when inactive), next change to look at
  amp, I, next,
};
// clang-format on
enum Obj : int { kTimes, kValues };

class StepCurrentGenerator final : public Population {
 public:
  using Population::Population;

  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    stamps_.assign(n_, {});
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = devices::window_of(*rc.grid, num_[origin][i], num_[start][i], num_[stop][i]);
      for (double t : std::get<std::vector<double>>(obj_[kTimes][i]))
        stamps_[i].push_back(devices::change_stamp(*rc.grid, t, num_[allow_offgrid_times][i] != 0.0));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    double *A = col(amp), *cur = col(I), *nx = col(next);
    // Changes are applied one step ahead, so the next one must lie in the future.
    for (std::size_t i = 0; i < n_; ++i)
      while (nx[i] < stamps_[i].size() && stamps_[i][static_cast<std::size_t>(nx[i])] <= ctx.slice_origin + from)
        nx[i] += 1.0;
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      for (std::size_t i = 0; i < n_; ++i) {
        const auto k = static_cast<std::size_t>(nx[i]);
        if (k < stamps_[i].size() && step + 1 == stamps_[i][k]) {
          A[i] = std::get<std::vector<double>>(obj_[kValues][i])[k];
          nx[i] += 1.0;
        }
        cur[i] = 0.0;
        if (window_[i].contains(step + 2)) {
          cur[i] = A[i];
          ctx.kernel->send_current(first_gid_ + static_cast<uint32_t>(i), step + 1, A[i]);
        }
      }
      sample(step, 0, n_);
    }
  }

  double recordable(int, std::size_t i) const override { return num_[I][i]; }

 protected:
  // New times or values restart the search from the first change; changes in the
  // past are skipped again, so the amplitude in force is kept.
  void write_derived(std::size_t i, const std::vector<Value>&) override { num_[next][i] = 0.0; }

 private:
  std::vector<Window> window_;
  std::vector<std::vector<long>> stamps_;
};

void validate(const ParamRow& row) {
  devices::validate_window(row, "step_current_generator");
  devices::validate_amplitude_changes(row, "step_current_generator");
}

ModelInfo make_info() {
  ModelInfo m("step_current_generator", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/step_current_generator.html");
  m.family = "generator";
  devices::declare_window(m);
  m.flag(allow_offgrid_times, "allow_offgrid_times", false, "Move off-grid amplitude times to the end of their step");
  m.internal(amp, "_internal_amp").internal(I, "_internal_I").internal(next, "_internal_next");
  m.object("amplitude_times", PType::kDoubleVec, std::vector<double>{}, "ms", "Times of amplitude changes")
      .object("amplitude_values", PType::kDoubleVec, std::vector<double>{}, "pA", "Amplitudes from those times on")
      .object("label", PType::kString, std::string(""), "", "Label");
  m.recordables = {"I"};
  m.emits_spikes = false;
  m.emits_current = true;
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = validate;
  m.make = [](const ModelInfo& info) { return std::make_unique<StepCurrentGenerator>(info); };
  return m;
}

}  // namespace

const ModelInfo& step_current_generator_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
