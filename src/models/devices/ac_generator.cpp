// ac_generator: sinusoidal current I(t) = offset + amplitude sin(2 pi f t + phase),
// as NEST 3.10's device. The sine is advanced by an exact rotation each step,
// started afresh from cos/sin of the current time at the start of a run that does
// not continue the previous one.
#include <cmath>

#include "models/devices/current_generators.hpp"
#include "models/devices/device_base.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

// Columns, grouped by role.
// clang-format off
enum Col : int {
  origin, start, stop, amplitude, offset, phase, frequency,
  // oscillator state (read-only): amplitude cos and sin of the angle
  y_0, y_1,
  // current sent in the last step (0 when inactive) and the rotation by one step
  I, A00, A01, A10, A11,
};
// clang-format on

class AcGenerator final : public Population {
 public:
  using Population::Population;

  void prepare(const RunContext& rc) override {
    window_.resize(n_);
    continuation_.resize(n_);
    const double h = rc.grid->resolution();
    const double t = rc.grid->steps_to_ms(rc.now);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      window_[i] = devices::window_of(*rc.grid, c(origin), c(start), c(stop));
      // Frequency in Hz and time in ms; phase in degrees.
      const double omega = 2.0 * M_PI * c(frequency) / 1000.0;
      const double phi = c(phase) * 2.0 * M_PI / 360.0;
      // The oscillator starts from the time (NEST's pre_run_hook), but a run that continues
      // the previous one with the same signal keeps its rotated state: a Simulate that runs
      // in chunks (the facade's, for Ctrl-C) must equal one call of NEST's (recomputing
      // differs from the rotation by ~1e-14). docs/divergences.md.
      Continuation& k = continuation_[i];
      const bool continues = k.run_end == rc.now && k.omega == omega && k.phi == phi && k.amp == c(amplitude);
      if (!continues) {
        c(y_0) = c(amplitude) * std::cos(omega * t + phi);
        c(y_1) = c(amplitude) * std::sin(omega * t + phi);
        k = {-1, omega, phi, c(amplitude)};
      }
      c(A00) = std::cos(omega * h);
      c(A01) = -std::sin(omega * h);
      c(A10) = std::sin(omega * h);
      c(A11) = std::cos(omega * h);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t, std::size_t) override {
    double *Y0 = col(y_0), *Y1 = col(y_1), *cur = col(I);
    const double *a00 = col(A00), *a01 = col(A01), *a10 = col(A10), *a11 = col(A11), *off = col(offset);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      for (std::size_t i = 0; i < n_; ++i) {
        // The oscillator runs whether or not the device is active.
        const double y0 = Y0[i];
        Y0[i] = a00[i] * y0 + a01[i] * Y1[i];
        Y1[i] = a10[i] * y0 + a11[i] * Y1[i];
        cur[i] = 0.0;
        // Current generators act one step ahead (see dc_generator).
        if (window_[i].contains(step + 2)) {
          cur[i] = Y1[i] + off[i];
          ctx.kernel->send_current(first_gid_ + static_cast<uint32_t>(i), step + 1, cur[i]);
        }
      }
      sample(step, 0, n_);
    }
    for (Continuation& k : continuation_) k.run_end = ctx.slice_origin + to;
  }

  double recordable(int, std::size_t i) const override { return num_[I][i]; }

 private:
  std::vector<Window> window_;
  // Per node: where its last run ended (-1: none yet) and the signal it rotated.
  struct Continuation {
    long run_end = -1;
    double omega = 0.0, phi = 0.0, amp = 0.0;
  };
  std::vector<Continuation> continuation_;
};

ModelInfo make_info() {
  ModelInfo m("ac_generator", NodeKind::kStimulator,
              "https://nest-simulator.readthedocs.io/en/stable/models/ac_generator.html");
  m.family = "generator";
  devices::declare_window(m);
  m.param(amplitude, "amplitude", 0.0, "pA", {}, "Amplitude of the sine current")
      .param(offset, "offset", 0.0, "pA", {}, "Constant offset of the current")
      .param(phase, "phase", 0.0, "deg", {}, "Phase of the sine at t = 0")
      .param(frequency, "frequency", 0.0, "Hz", {}, "Frequency of the sine");
  m.state(y_0, "y_0", 0.0, "pA", "Oscillator state: amplitude times cosine of the current angle")
      .state(y_1, "y_1", 0.0, "pA", "Oscillator state: amplitude times sine of the current angle");
  for (auto& s : m.specs)
    if (s.name == "y_0" || s.name == "y_1") s.role = Role::kReadOnly;
  for (int c = I; c <= A11; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.object("label", PType::kString, std::string(""), "", "Label");
  m.recordables = {"I"};
  m.emits_spikes = false;
  m.emits_current = true;
  m.accepts_current = false;
  m.spike_receptors = {};
  m.validate = [](const ParamRow& row) { devices::validate_window(row, "ac_generator"); };
  m.make = [](const ModelInfo& info) { return std::make_unique<AcGenerator>(info); };
  return m;
}

}  // namespace

const ModelInfo& ac_generator_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
