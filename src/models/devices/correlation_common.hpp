#pragma once
// What correlation_detector, correlomatrix_detector and correlospinmatrix_detector
// share (NEST 3.10): parameters, the reset rules, and the order in which spikes
// reach them.
//
// These detectors have proxies in NEST, so they receive spikes as neurons do: a
// neuron's spike arrives as `multiplicity` single events at the start of the next
// slice (lags of one sender together, senders in id order), a device's spike
// arrives whole while the device updates. nestkit declares them as neuron-kind
// nodes (shown as recorders), so they get neurons' spikes at the start of the next
// slice too, sorted by time; they keep them and replay them sender by sender in
// their update at the slice start, before any device spike of the new slice. As in
// NEST, spikes of the last slice of a Simulate call are counted only when the next
// call starts.
//
// NEST resets the histograms when any of N_channels, delta_tau, tau_max, Tstart,
// Tstop (or, for correlation_detector, n_events = [0, 0]) is given, even with its
// current value. The validator marks such a set in the internal column kReset,
// and the population resets when the row is written. (NEST's correlation_detector
// sizes the new histograms with the parameters before the change; nestkit uses the
// new ones, since the old size makes NEST write outside the histogram.)
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "models/devices/device_base.hpp"
#include "models/neurons/binary/source_kinds.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/population.hpp"

namespace nestkit::devices::corr {

// clang-format off
enum Col : int {
  c_origin, c_start, c_stop, delta_tau, tau_max, Tstart, Tstop,
  N_channels,  // a parameter of the matrix detectors; fixed at 2 (internal) for correlation_detector
  kReset,      // internal: a set asked for a reset
};
// clang-format on

// One event as the detector's handler sees it: stamp (steps), channel (receptor
// port), multiplicity and connection weight.
struct Event {
  uint32_t sender;
  long stamp;
  long channel;
  uint32_t multiplicity;
  double weight;
};

// Declares the window and the detector parameters. `delta_tau_default_ms` is
// NEST's default bin width at resolution 0.1 ms (replaced by `steps` resolutions
// where it is not a multiple of the resolution), `tau_max_default_ms` its window.
void declare_params(ModelInfo& m, double delta_tau_default_ms, long steps, double tau_max_default_ms,
                    bool n_channels_param);
// NEST's checks: delta_tau a multiple of the resolution, tau_max of delta_tau.
void validate_params(const ParamRow& row, const std::string& model);
// Marks a reset when one of the keys NEST resets on was given.
void mark_reset(const ParamRow& row, const std::vector<std::string>& keys);

class DetectorBase : public Population {
 public:
  using Population::Population;

  void prepare(const RunContext& rc) override {
    grid_ = rc.grid;
    min_delay_ = rc.min_delay;
    sources_.refresh(kernel_);
    window_.resize(n_);
    queued_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      window_[i] = window_of(*rc.grid, num_[c_origin][i], num_[c_start][i], num_[c_stop][i]);
      if (!initialised(i)) reset(i);  // NEST's init_buffers_, at the first run of the node
    }
  }

  void update(StepContext&, long from, long, std::size_t, std::size_t) override {
    if (from != 0) return;
    // The previous slice's neuron spikes arrive now, sender by sender.
    for (std::size_t i = 0; i < queued_.size(); ++i) {
      auto& q = queued_[i];
      std::stable_sort(q.begin(), q.end(), [](const Event& a, const Event& b) {
        return a.sender != b.sender ? a.sender < b.sender : a.stamp < b.stamp;
      });
      for (const Event& e : q) handle_active(i, e);
      q.clear();
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    queued_.resize(n_);
    const bool device = sources_.is_device(b.source);
    uint32_t reps = 1;
    if (!device)
      for (std::size_t k = 0; k < b.count; ++k) reps = std::max(reps, mult(b, k));
    for (uint32_t rep = 0; rep < reps; ++rep) {
      for (std::size_t k = 0; k < b.count; ++k) {
        const uint32_t m = mult(b, k);
        if (m == 0 || (!device && rep >= m)) continue;
        const std::size_t i = b.target[k] - first_gid_;
        const Event e{b.source, b.stamp, static_cast<long>(b.receptor[k]), device ? m : 1u,
                      b.weight[k] * b.weight_factor};
        if (device)
          handle_active(i, e);
        else
          queued_[i].push_back(e);
      }
    }
  }

  bool accepts_spike_port(std::size_t i, long r) const override { return r >= 0 && r < channels(i); }
  std::string spike_ports(std::size_t i) const override {
    return "0 to " + std::to_string(channels(i) - 1) + " (N_channels = " + std::to_string(channels(i)) + ")";
  }

 protected:
  virtual bool initialised(std::size_t i) const = 0;
  virtual void reset(std::size_t i) = 0;
  virtual void handle(std::size_t i, const Event& e) = 0;

  long channels(std::size_t i) const { return static_cast<long>(num_[N_channels][i]); }
  // The kernel's grid also before the first run (a set can reset then).
  const TimeGrid& grid() const { return grid_ ? *grid_ : kernel_->grid(); }
  long steps(double ms) const { return grid().ms_to_steps(ms); }
  long delta_steps(std::size_t i) const { return steps(num_[delta_tau][i]); }
  long tau_max_steps(std::size_t i) const { return steps(num_[tau_max][i]); }
  // NEST compares Tstart <= stamp <= Tstop as times (tics).
  bool counting(std::size_t i, long stamp) const {
    const double t = static_cast<double>(stamp) * static_cast<double>(grid().tics_per_step());
    auto tics = [&](double ms) { return std::isinf(ms) ? ms : static_cast<double>(grid().ms_to_tics(ms)); };
    return tics(num_[Tstart][i]) <= t && t <= tics(num_[Tstop][i]);
  }
  void write_derived(std::size_t i, const std::vector<Value>&) override {
    if (num_[kReset][i] == 0.0) return;
    num_[kReset][i] = 0.0;
    if (kernel_ || grid_) reset(i);
  }

  const TimeGrid* grid_ = nullptr;
  long min_delay_ = 1;

 private:
  static uint32_t mult(const SpikeBatch& b, std::size_t k) {
    return b.per_synapse_multiplicity ? b.per_synapse_multiplicity[k] : b.multiplicity;
  }
  void handle_active(std::size_t i, const Event& e) {
    if (!window_[i].contains(e.stamp)) return;
    if (e.channel >= channels(i)) return;  // a port removed by a later N_channels
    handle(i, e);
  }

  binary::SourceKinds sources_;
  std::vector<Window> window_;
  std::vector<std::vector<Event>> queued_;
};

}  // namespace nestkit::devices::corr
