#pragma once
// Recording devices. Their events are kept in memory in NEST's layout.
#include <cstdint>
#include <string>
#include <vector>

#include "nestkit/population.hpp"

namespace nestkit {

// What a recorder has written: senders, times and one column per recorded value.
struct EventLog {
  std::vector<long> senders;
  std::vector<double> times;
  std::vector<std::vector<double>> values;  // multimeter: one per recordable
  std::vector<double> offsets;              // spike offsets (ms), subtracted from the stamp when read
  void clear() {
    senders.clear();
    times.clear();
    offsets.clear();
    for (auto& v : values) v.clear();
  }
};

// The recording window shared by recorders: accept stamps in (origin+start, origin+stop].
struct Window {
  long t_min = 0, t_max = TimeGrid::kInfSteps;
  bool contains(long stamp) const { return t_min < stamp && stamp <= t_max; }
};

class Multimeter : public Population, public SampleSink {
 public:
  using Population::Population;
  // Whether node index m samples at the step starting at `step`.
  bool samples_at(std::size_t m, long step) const override {
    const Schedule& s = schedule_[m];
    return step >= s.first && (step - s.first) % s.interval == 0;
  }
  // Stores a sample taken during the current slice; it is handed over (and
  // filtered by the window) at the start of the next slice, as in NEST.
  void push_sample(std::size_t m, uint32_t target_slot, uint32_t gid, long stamp, const double* v,
                   std::size_t k) override;
  void flush_pending();
  const std::vector<std::string>& record_from(std::size_t m) const;
  // Targets in connection order, set up by the kernel before a run.
  std::vector<std::vector<uint32_t>>& targets() { return targets_; }
  Events events_of(std::size_t m) const;
  void size_pending();  // after targets() is set
  Events recorded_events(std::size_t m) const override { return events_of(m); }
  void on_slice_start() override { flush_pending(); }
  const std::vector<std::string>* sampled_names(std::size_t m) const override { return &record_from(m); }
  void wire_sampling(const SamplingWiring& w) override;

  void prepare(const RunContext& rc) override;
  void update(StepContext&, long, long, std::size_t, std::size_t) override {}
  bool get_extra(std::size_t i, const std::string& key, Value& out) const override;
  bool set_extra(std::size_t i, const std::string& key, const Value& v) override;
  std::vector<std::string> extra_keys() const override { return {"events", "n_events"}; }

 private:
  struct Schedule {
    long first = 0, interval = 1;
    bool initialised = false;
  };
  struct Pending {
    std::vector<long> stamp;
    std::vector<double> values;
    uint32_t gid = 0;
  };
  std::vector<Schedule> schedule_;
  std::vector<std::vector<Pending>> pending_;  // per meter, per target slot
  std::vector<std::vector<uint32_t>> targets_;
  std::vector<EventLog> log_;
  std::vector<Window> window_;
  const TimeGrid* grid_ = nullptr;
};

class SpikeRecorder : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override;
  void update(StepContext&, long, long, std::size_t, std::size_t) override {}
  void deliver_spikes(const SpikeBatch& b) override;
  Events events_of(std::size_t i) const;
  Events recorded_events(std::size_t i) const override { return events_of(i); }
  bool get_extra(std::size_t i, const std::string& key, Value& out) const override;
  bool set_extra(std::size_t i, const std::string& key, const Value& v) override;
  std::vector<std::string> extra_keys() const override { return {"events", "n_events"}; }

 private:
  std::vector<EventLog> log_;
  std::vector<Window> window_;
  const TimeGrid* grid_ = nullptr;
};

// weight_recorder: the weights that synapses naming it transmit, with their
// senders, targets, receptors and ports.
class WeightRecorder : public Population {
 public:
  using Population::Population;
  void prepare(const RunContext& rc) override;
  void update(StepContext&, long, long, std::size_t, std::size_t) override {}
  void record_weights(std::size_t i, const WeightRecord* r, std::size_t n) override;
  Events recorded_events(std::size_t i) const override;
  bool get_extra(std::size_t i, const std::string& key, Value& out) const override;
  bool set_extra(std::size_t i, const std::string& key, const Value& v) override;
  std::vector<std::string> extra_keys() const override { return {"events", "n_events"}; }

 private:
  struct Log {
    std::vector<long> senders, targets, receptors, ports, stamps;
    std::vector<double> weights;
  };
  std::vector<Log> log_;
  std::vector<Window> window_;
  const TimeGrid* grid_ = nullptr;
};

}  // namespace nestkit
