// spike_generator: emits spikes at given times, optionally weighted and with
// multiplicities. Times must lie on the grid unless allow_offgrid_times, in
// which case they move to the end of their step, or precise_times, in which case
// each spike keeps its time as the end of its step and an offset before it.
#include <algorithm>

#include "models/devices/device_base.hpp"
#include "nestkit/registry.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

enum Col : int { origin, start, stop, precise_times, allow_offgrid_times, shift_now_spikes };

class SpikeGenerator final : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override {
    // The stamps follow from the parameters and the grid alone: the facade splits a long
    // Simulate into many calls, each of which prepares (with long spike trains that was a
    // fifth of NEST's e-prop examples' run).
    if (prepared_rows_ == rows_written() && prepared_grid_ == rc.grid && stamps_.size() == n_) return;
    prepared_rows_ = rows_written();
    prepared_grid_ = rc.grid;
    stamps_.assign(n_, {});
    offsets_.assign(n_, {});
    window_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      const auto& times = std::get<std::vector<double>>(obj_[0][i]);
      const long org = rc.grid->ms_to_steps(num_[origin][i]);
      const bool precise = num_[precise_times][i] != 0.0;
      // Off-grid times (allowed by allow_offgrid_times) round up to the end of their step;
      // precise times keep the offset before that end.
      for (double t : times) {
        double offset = 0.0;
        stamps_[i].push_back(org + (precise ? devices::precise_stamp(*rc.grid, t, offset) : rc.grid->ms_to_steps(t)));
        offsets_[i].push_back(offset);
      }
      window_[i] = devices::window_of(*rc.grid, num_[origin][i], num_[start][i], num_[stop][i]);
    }
  }
  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    const long t0 = ctx.slice_origin + from, t1 = ctx.slice_origin + to;
    for (std::size_t i = 0; i < n_; ++i) {
      const auto& st = stamps_[i];
      const auto& w = std::get<std::vector<double>>(obj_[1][i]);
      const auto& m = std::get<std::vector<long>>(obj_[2][i]);
      // Spikes with stamps in (t0, t1] belong to this update.
      for (auto k = std::upper_bound(st.begin(), st.end(), t0) - st.begin(); k < static_cast<long>(st.size()); ++k) {
        if (st[k] > t1) break;
        if (!window_[i].contains(st[k])) continue;
        const uint32_t mult = m.empty() ? 1u : static_cast<uint32_t>(m[k]);
        ctx.kernel->send_spike(first_gid_ + static_cast<uint32_t>(i), st[k], mult, w.empty() ? 1.0 : w[k],
                               offsets_[i][k]);
      }
    }
  }

 private:
  uint64_t prepared_rows_ = ~uint64_t{0};  // rows_written() when the stamps were derived
  const TimeGrid* prepared_grid_ = nullptr;
  std::vector<std::vector<long>> stamps_;
  std::vector<std::vector<double>> offsets_;  // ms before the stamp (precise_times)
  std::vector<Window> window_;
};

void validate(const ParamRow& row) {
  const std::string model = "spike_generator";
  devices::validate_window(row, model);
  devices::validate_spike_train(row, model);
  const auto& times = std::get<std::vector<double>>(row.get("spike_times"));
  const auto& weights = std::get<std::vector<double>>(row.get("spike_weights"));
  if (!weights.empty() && weights.size() != times.size())
    throw BadProperty(
        model +
        ": spike_weights must have the same number of elements as spike_times, or 0 elements to clear the property.");
}

ModelInfo make_info() {
  ModelInfo m("spike_generator", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/spike_generator.html");
  m.family = "generator";
  devices::declare_window(m);
  m.flag(precise_times, "precise_times", false, "Interpret spike times as precise (off-grid) times")
      .flag(allow_offgrid_times, "allow_offgrid_times", false, "Round off-grid times up to the end of their step")
      .flag(shift_now_spikes, "shift_now_spikes", false, "Shift spikes at the current time to the next step");
  m.object("spike_times", PType::kDoubleVec, std::vector<double>{}, "ms", "Spike times, relative to origin")
      .object("spike_weights", PType::kDoubleVec, std::vector<double>{}, "", "Weight factor per spike (empty: 1)")
      .object("spike_multiplicities", PType::kLongVec, std::vector<long>{}, "", "Multiplicity per spike (empty: 1)")
      .object("label", PType::kString, std::string(""), "", "Label");
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = validate;
  m.make = [](const ModelInfo& info) { return std::make_unique<SpikeGenerator>(info); };
  return m;
}

}  // namespace

const ModelInfo& spike_generator_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
