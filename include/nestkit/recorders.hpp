#pragma once
// Recording devices. Each recorder node hands its events to the recording backend
// its record_to names (memory, ascii, screen, hdf5: models/devices/recording_backend.hpp).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nestkit/population.hpp"

namespace nestkit {

// The recording window shared by recorders: accept stamps in (origin+start, origin+stop].
struct Window {
  long t_min = 0, t_max = TimeGrid::kInfSteps;
  bool contains(long stamp) const { return t_min < stamp && stamp <= t_max; }
};

namespace recording {
class Backend;
struct Target;
}  // namespace recording

class Simulator;

// The rows an open hdf5 recorder buffered since the last take, with what a writer
// needs to append them to the recorder's file (the Python layer does, with h5py).
struct Hdf5Batch {
  uint32_t gid = 0;
  std::string model, label, path;
  bool new_file = false;  // first take since the recorder opened `path`: create (truncate) it
  std::vector<std::string> double_names, long_names;
  Events events;  // as the memory backend would report them
};
// Takes (and clears) the buffered rows of every hdf5 recorder of `sim` whose output is
// open (inside a run session), in order of node ID; a recorder without rows gives an
// empty batch (its file is created all the same).
std::vector<Hdf5Batch> take_hdf5_batches(const Simulator& sim);

// What every recorder shares: per node its recording backend (chosen by
// record_to), its event count and its activity window. Outputs that write files
// are opened, flushed and closed with the kernel's run session.
class Recorder : public Population {
 public:
  explicit Recorder(const ModelInfo& info);
  ~Recorder() override;

  void prepare(const RunContext& rc) override;
  Events recorded_events(std::size_t i) const override;
  bool get_extra(std::size_t i, const std::string& key, Value& out) const override;
  bool set_extra(std::size_t i, const std::string& key, const Value& v) override;
  std::vector<std::string> extra_keys() const override { return {"events", "n_events"}; }
  void check_outputs() const override;
  void open_outputs() override;
  void flush_outputs() override;
  void close_outputs() override;

 protected:
  // Names of the floating and integer values each event of node i carries.
  virtual std::vector<std::string> double_names(std::size_t) const { return {}; }
  virtual std::vector<std::string> long_names(std::size_t) const { return {}; }
  // One event of node i. Its virtual process (its file with several) is that of
  // `vp_node`: the sender, or for weight_recorder the synapse's target, as in NEST.
  void record(std::size_t i, uint32_t sender, long stamp, double offset, uint32_t vp_node, const double* d = nullptr,
              std::size_t nd = 0, const long* l = nullptr, std::size_t nl = 0);
  const std::string& text(std::size_t i, const char* key) const;
  void read_derived(std::size_t i, std::vector<Value>& row) const override;
  void write_derived(std::size_t i, const std::vector<Value>& row) override;

  std::vector<Window> window_;

 private:
  recording::Target target(std::size_t i) const;
  bool in_steps(std::size_t i) const;
  void open_node(std::size_t i);
  std::vector<std::unique_ptr<recording::Backend>> backend_;
  std::vector<long> n_events_;
  std::vector<int> id_width_;  // file names pad the node ID to this many digits
  std::vector<char> open_;
  std::size_t num_vps_ = 1;
};

class Multimeter : public Recorder, public SampleSink {
 public:
  using Recorder::Recorder;
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
  void size_pending();  // after targets() is set
  void on_slice_start() override { flush_pending(); }
  const std::vector<std::string>* sampled_names(std::size_t m) const override { return &record_from(m); }
  void wire_sampling(const SamplingWiring& w) override;

  void prepare(const RunContext& rc) override;
  void update(StepContext&, long, long, std::size_t, std::size_t) override {}

 protected:
  std::vector<std::string> double_names(std::size_t m) const override { return record_from(m); }

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
};

class SpikeRecorder : public Recorder {
 public:
  using Recorder::Recorder;
  void update(StepContext&, long, long, std::size_t, std::size_t) override {}
  void deliver_spikes(const SpikeBatch& b) override;
};

// weight_recorder: the weights that synapses naming it transmit, with their
// senders, targets, receptors and ports.
class WeightRecorder : public Recorder {
 public:
  using Recorder::Recorder;
  void update(StepContext&, long, long, std::size_t, std::size_t) override {}
  void record_weights(std::size_t i, const WeightRecord* r, std::size_t n) override;

 protected:
  std::vector<std::string> double_names(std::size_t) const override { return {"weights"}; }
  std::vector<std::string> long_names(std::size_t) const override { return {"targets", "receptors", "ports"}; }
};

}  // namespace nestkit
