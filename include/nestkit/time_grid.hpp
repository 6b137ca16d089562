#pragma once
// NEST's time representation: integer tics (default 1000 per ms), a simulation
// step of a whole number of tics. Conversions round exactly as NEST 3.10 does.
#include <cmath>
#include <cstdint>
#include <limits>

namespace nestkit {

class TimeGrid {
 public:
  static constexpr long kInfSteps = std::numeric_limits<long>::max() / 4;

  // NEST's set_resolution(tics_per_ms, resolution): a finer or coarser tic.
  void set_tics_per_ms(double tics_per_ms) { tics_per_ms_ = tics_per_ms; }
  void set_resolution(double ms) {
    tics_per_step_ = static_cast<long>(std::floor(tics_per_ms_ * ms + 0.5));
    ms_per_step_ = tics_per_step_ / tics_per_ms_;
    steps_per_ms_ = 1.0 / ms_per_step_;
  }
  double resolution() const { return ms_per_step_; }
  long tics_per_step() const { return tics_per_step_; }
  double tics_per_ms() const { return tics_per_ms_; }

  // Time(ms): round to the nearest tic.
  long ms_to_tics(double ms) const { return static_cast<long>(ms * tics_per_ms_ + 0.5); }
  bool on_grid(double ms) const { return std::isinf(ms) || ms_to_tics(ms) % tics_per_step_ == 0; }
  // Time(ms).get_steps(): tics rounded up to whole steps; infinities saturate.
  long ms_to_steps(double ms) const {
    if (std::isinf(ms)) return ms > 0 ? kInfSteps : -kInfSteps;
    const long tics = ms_to_tics(ms);
    return static_cast<long>((tics + tics_per_step_ - 1) * (1.0 / static_cast<double>(tics_per_step_)));
  }
  // Delays round to the nearest step (ld_round), unlike other times.
  long delay_to_steps(double ms) const { return static_cast<long>(std::floor(ms * steps_per_ms_ + 0.5)); }
  double delay_to_ms(long steps) const { return steps * ms_per_step_; }
  // Time::step(s).get_ms(): how NEST prints time stamps.
  double steps_to_ms(long steps) const { return (1.0 / tics_per_ms_) * static_cast<double>(steps * tics_per_step_); }

 private:
  double tics_per_ms_ = 1000.0;
  long tics_per_step_ = 100;
  double ms_per_step_ = 0.1;
  double steps_per_ms_ = 10.0;
};

}  // namespace nestkit
