#pragma once
// A population: the nodes of one Create call, all of one model, with their
// parameters and state in structure-of-arrays columns. Models derive from it and
// implement update() as a loop over a block of nodes; the kernel calls it once per
// population and slice, never once per node.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "nestkit/schema.hpp"
#include "nestkit/spike_archive.hpp"
#include "nestkit/time_grid.hpp"

namespace nestkit {

class Simulator;
class ClopathArchive;
class UrbanczikArchive;
class EpropArchive;

// Where sampled recordables go (a multimeter): the node samples when told to.
class SampleSink {
 public:
  virtual ~SampleSink() = default;
  // Whether device node m samples in the step starting at `step`.
  virtual bool samples_at(std::size_t m, long step) const = 0;
  virtual void push_sample(std::size_t m, uint32_t target_slot, uint32_t gid, long stamp, const double* v,
                           std::size_t k) = 0;
};

// A per-synapse column of a batch: either one value per synapse or one value
// shared by the whole batch (synapses of one Connect call often share weight and
// delay, and the store keeps such values once). Indexing is the same either way.
template <typename T>
struct SynColumn {
  const T* data = nullptr;
  T value{};
  SynColumn() = default;
  SynColumn(const T* p) : data(p) {}  // NOLINT(google-explicit-constructor): reads like a pointer
  static SynColumn shared(T v) {
    SynColumn c;
    c.value = v;
    return c;
  }
  T operator[](std::size_t k) const { return data ? data[k] : value; }
};

// Spikes from one source through a run of its synapses that all target this population.
struct SpikeBatch {
  uint32_t source = 0;
  long stamp = 0;  // step at whose end the spike occurred
  uint32_t multiplicity = 1;
  double weight_factor = 1.0;        // spike_generator's spike_weights
  double offset = 0.0;               // carried by the spike (precise time offset, or a model's payload)
  const uint32_t* target = nullptr;  // global ids
  SynColumn<double> weight;
  SynColumn<uint16_t> delay;  // steps
  SynColumn<uint8_t> receptor;
  const uint32_t* per_synapse_multiplicity = nullptr;  // poisson_generator: one draw per target
  std::size_t count = 0;
};

// A current (pA) sent at `stamp` through a run of synapses.
struct CurrentBatch {
  long stamp = 0;
  double amplitude = 0.0;
  const uint32_t* target = nullptr;
  SynColumn<double> weight;
  SynColumn<uint16_t> delay;
  SynColumn<uint8_t> receptor;
  std::size_t count = 0;
};

// A spike a volume_transmitter collected, as the synapses it drives read it: arrival time (ms) and
// multiplicity (NEST's spikecounter).
struct ModulatorSpike {
  double t;
  double multiplicity;
};

struct EmittedSpike {
  uint32_t gid;
  uint32_t multiplicity;
  long stamp;
  double offset = 0.0;  // ms before the stamp (precise spikes; NEST also ships some models' payloads here)

  // A marker travels as a spike but carries none: multiplicity 0 and an offset no spike
  // has (real offsets lie in [0, h)). Only synapse models that declare receives_markers
  // see it (NEST's e-prop flush events); recorders, other synapses and structural
  // plasticity skip it.
  static constexpr double kMarkerOffset = -1.0;
  static EmittedSpike marker(uint32_t gid, long stamp) { return {gid, 0, stamp, kMarkerOffset}; }
  static bool is_marker(uint32_t multiplicity, double offset) { return multiplicity == 0 && offset == kMarkerOffset; }
};

// A recorder's events as handed to users: NEST's `events` dictionary (floating
// columns, and integer ones such as a weight_recorder's targets and ports).
struct Events {
  std::vector<long> senders;
  std::vector<double> times;
  // With a recorder's time_in_steps: `times` is empty, `steps` holds the time
  // stamps in steps and `offsets` the offsets (ms) before them, as NEST.
  bool in_steps = false;
  std::vector<long> steps;
  std::vector<double> offsets;
  std::vector<std::pair<std::string, std::vector<double>>> values;
  std::vector<std::pair<std::string, std::vector<long>>> int_values;
};

class Population;
// What the kernel offers a sampling device (multimeter) to wire itself to the
// nodes it records: its connection targets and the population of a node.
struct SamplingWiring {
  std::function<std::vector<uint32_t>(uint32_t)> targets_of;
  std::function<Population&(uint32_t)> population_of;
};

// What a synapse that names a weight_recorder reports at each transmitted spike.
struct WeightRecord {
  long stamp;
  uint32_t sender, target;
  double weight;
  long receptor, port;
};

// A device that gives every target its own spike count (poisson_generator): when
// its spike crosses a run of synapses, the kernel asks it for their counts.
class PerTargetDraw {
 public:
  virtual ~PerTargetDraw() = default;
  // out[q] for the synapse at position pos0 + q of the source's row, q < count;
  // returns whether any count is positive.
  virtual bool draw(uint32_t source, long stamp, uint64_t pos0, uint32_t count, uint32_t* out) const = 0;
};

// A current device that gives every target its own amplitude (noise_generator):
// when its current crosses a run of synapses, the kernel asks it for the amplitudes.
class PerTargetCurrent {
 public:
  virtual ~PerTargetCurrent() = default;
  // out[q] (pA) for the synapse at position pos0 + q of the source's row, q < count.
  virtual void amplitudes(uint32_t source, long stamp, uint64_t pos0, uint32_t count, double* out) const = 0;
};

// Time-sliced input buffer: `channels` rows of a ring indexed by absolute step.
class InputRing {
 public:
  void resize(int channels, std::size_t n, long ring_size);
  double* row(int channel, long step) { return &data_[(channel * ring_ + step % ring_) * n_]; }
  void add(int channel, long step, std::size_t i, double v) { data_[(channel * ring_ + step % ring_) * n_ + i] += v; }
  // For a batch of synapses that share a spike's stamp: the row of `ref`, then the row
  // `d` steps later (0 <= d < ring) without a division per synapse, which on large
  // networks with per-synapse delays costs more than the cache miss it precedes.
  long slot_of(long ref) const { return ref % ring_; }
  long slot_after(long ref_slot, long d) const {
    const long s = ref_slot + d;
    return s >= ring_ ? s - ring_ : s;
  }
  double& at(int channel, long slot, std::size_t i) { return data_[(channel * ring_ + slot) * n_ + i]; }
  long ring_size() const { return ring_; }

 private:
  std::vector<double> data_;
  std::size_t n_ = 0;
  long ring_ = 0;
};

// Secondary events (NEST's SecondaryEvent family): for every min-delay interval a
// node sends one value per step (gap junctions: the interpolation coefficients of
// each step); the kernel hands the whole interval to the targets.
// kSic: an astrocyte's slow inward current (NEST's SICEvent), one value per step, delayed like a rate.
// kLearningSignal: an e-prop readout's error signal to the recurrent neurons (NEST's LearningSignalConnectionEvent).
enum class Secondary : uint8_t {
  kNone = 0,
  kInstantRate = 1,
  kDelayedRate = 2,
  kDiffusion = 3,
  kGap = 4,
  kSic = 5,
  kLearningSignal = 6
};
constexpr uint8_t secondary_bit(Secondary k) { return static_cast<uint8_t>(1u << static_cast<unsigned>(k)); }

// One source's interval of values through a run of synapses that all target this population.
struct SecondaryBatch {
  Secondary kind = Secondary::kNone;
  uint32_t source = 0;
  long origin = 0;                 // absolute step of the interval's first step
  const double* values = nullptr;  // the interval's values, `length` doubles
  std::size_t length = 0;
  const uint32_t* target = nullptr;  // global ids
  SynColumn<double> weight;
  SynColumn<uint16_t> delay;       // steps (delayed rate connections)
  const double* record = nullptr;  // the synapse model's columns (diffusion: drift_factor, diffusion_factor)
  bool record_each = false;
  int record_size = 0;
  std::size_t count = 0;
  uint8_t receptor = 0;  // the connections' receptor_type (ModelInfo::secondary_receptors)
  const double* record_of(std::size_t k) const { return record_each ? record + k * record_size : record; }
};

struct RunContext {
  const TimeGrid* grid = nullptr;
  long min_delay = 1;
  long max_delay = 1;
  long ring_size = 2;
  long now = 0;  // current time in steps
  uint32_t seed = 0;
  // Waveform relaxation (NEST's use_wfr, wfr_tol, wfr_interpolation_order).
  bool use_wfr = true;
  double wfr_tol = 1e-4;
  int wfr_interpolation_order = 3;
};

struct StepContext {
  Simulator* kernel = nullptr;
  const TimeGrid* grid = nullptr;
  long slice_origin = 0;
  std::vector<EmittedSpike>* spikes = nullptr;  // this thread's output
};

// A multimeter's view of the nodes it samples in one population.
struct SamplerLink {
  SampleSink* meter = nullptr;
  uint32_t meter_index = 0;           // which multimeter of its population
  std::vector<uint32_t> local;        // node indices in this population, ascending
  std::vector<uint32_t> target_slot;  // index of each node among the meter's targets
  std::vector<int> recordable;        // indices into ModelInfo::recordables
};

class Population {
 public:
  explicit Population(const ModelInfo& info) : info_(&info) {}
  virtual ~Population() = default;

  void init(std::string model_name, uint32_t first_gid, std::size_t n, const std::vector<Value>& defaults);

  const ModelInfo& info() const { return *info_; }
  const std::string& model_name() const { return model_name_; }
  uint32_t first_gid() const { return first_gid_; }
  uint32_t last_gid() const { return first_gid_ + static_cast<uint32_t>(n_) - 1; }
  std::size_t size() const { return n_; }
  bool contains(uint32_t gid) const { return gid >= first_gid_ && gid <= last_gid(); }

  // The user's view of node i, in schema order (derived entries filled in).
  std::vector<Value> read_row(std::size_t i) const;
  // One numeric entry (schema index k) of node i, without building the whole row.
  double numeric_value(std::size_t i, int k) const;
  // How many rows were written so far (SetStatus): a model whose prepare derives tables from its
  // parameters alone can skip the work when nothing was written since.
  uint64_t rows_written() const { return rows_written_; }
  // Checks a complete row against constraints and the model's validator.
  void validate_row(ParamRow& row) const;
  void write_row(std::size_t i, const std::vector<Value>& row);
  // Keys outside the schema (events, n_events, ...), or none if unknown.
  virtual bool get_extra(std::size_t i, const std::string& key, Value& out) const;
  virtual bool set_extra(std::size_t i, const std::string& key, const Value& v);
  virtual std::vector<std::string> extra_keys() const { return {}; }

  // Called before each run: derive constants, size buffers. `first` when the
  // kernel is being prepared for its first Simulate since creation/reset.
  virtual void prepare(const RunContext&) {}
  // Update nodes [begin, end) over steps [from, to) of the slice.
  virtual void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) = 0;
  // Nodes can be updated by several threads at once (each its own block).
  virtual bool parallel() const { return false; }
  virtual void deliver_spikes(const SpikeBatch&) {}
  virtual void deliver_current(const CurrentBatch&) {}
  virtual double recordable(int, std::size_t) const { return 0.0; }
  // --- secondary events (ModelInfo::secondary_out / secondary_in say which kinds).
  // Node i's values of `kind` for the interval that ended last (the kernel routes
  // them at the start of the next interval, or after each waveform-relaxation
  // iteration); null when the node sends none. `length` receives their count.
  virtual const double* secondary_values(Secondary, std::size_t, std::size_t& length) const {
    length = 0;
    return nullptr;
  }
  virtual void deliver_secondary(const SecondaryBatch&) {}
  // Waveform relaxation: the population takes part in the iterations.
  virtual bool uses_wfr() const { return false; }
  // One iteration over steps [from, to) of the interval for nodes [begin, end): the
  // state is left as it was, the values sent through instantaneous couplings are
  // the iteration's. Returns whether no node moved by more than the tolerance.
  virtual bool wfr_update(StepContext&, long, long, std::size_t, std::size_t) { return true; }
  // Whether node i accepts spikes (or currents) on `receptor`; models whose
  // ports depend on parameters (multisynapse) override these.
  virtual bool accepts_spike_port(std::size_t i, long receptor) const;
  virtual bool accepts_current_port(std::size_t i, long receptor) const;
  // Human-readable list of valid spike ports of node i, for error messages.
  virtual std::string spike_ports(std::size_t i) const;
  // Whether node i can be sampled for `name` (models with per-node recordables override).
  virtual bool has_recordable(std::size_t i, const std::string& name) const;
  // The code recordable() takes for `name` on node i, or -1; by default its position in
  // ModelInfo::recordables. Models whose recordables vary per node (ModelInfo::
  // own_recordables) return codes that mean the same on every node that has `name`.
  virtual int recordable_index(std::size_t i, const std::string& name) const;

  std::vector<SamplerLink>& samplers() { return samplers_; }

  // The spike history for plastic synapses, once one targets this population.
  SpikeArchive* archive() { return archive_.get(); }
  SpikeArchive& enable_archive() {
    if (!archive_) archive_ = std::make_unique<SpikeArchive>();
    archive_->resize(n_);
    return *archive_;
  }
  // The membrane-potential history of the Clopath rule, kept by the models that
  // compute its traces (clopath_synapse needs a target that has one), else null.
  virtual ClopathArchive* clopath_archive() const { return nullptr; }
  // The dendritic prediction-error history of the Urbanczik-Senn rule (urbanczik_synapse), else null.
  virtual UrbanczikArchive* urbanczik_archive() const { return nullptr; }
  // The e-prop history (surrogate gradients, learning and error signals) that eprop_synapse reads, else null.
  virtual EpropArchive* eprop_archive() const { return nullptr; }
  // The kernel's time grid and min delay, set before prepare().
  void set_timing(const TimeGrid* grid, double min_delay_ms) {
    grid_ptr_ = grid;
    min_delay_ms_ = min_delay_ms;
  }
  // --- the recorder interface: recording devices implement these; the kernel
  // knows no device class.
  // Recorders of synapse events (weight_recorder) receive them here, node i.
  virtual void record_weights(std::size_t, const WeightRecord*, std::size_t) {}
  // What recorder node i holds (NEST's `events`); only recorders have any.
  virtual Events recorded_events(std::size_t i) const;
  // Called at the start of every min-delay slice (a multimeter hands over the
  // previous slice's samples then, as NEST).
  virtual void on_slice_start() {}
  // A sampling device's recordables for node i (checked at Connect), or null.
  virtual const std::vector<std::string>* sampled_names(std::size_t) const { return nullptr; }
  // A sampling device links itself to the nodes it records before a run.
  virtual void wire_sampling(const SamplingWiring&) {}
  // Outputs of recorders (files, the screen) live for a run session (NEST's
  // Prepare ... Cleanup): the kernel first checks them all (a recorder throws if a
  // file cannot be written), then opens them, flushes them after each run and
  // closes them when the session ends.
  virtual void check_outputs() const {}
  virtual void open_outputs() {}
  virtual void flush_outputs() {}
  virtual void close_outputs() {}

  // The kernel that owns this population, set before init (recorders read its
  // data_path, data_prefix, overwrite_files and number of virtual processes).
  void attach(const Simulator* kernel) { kernel_ = kernel; }
  // A node that drives synapses (a volume_transmitter): the spikes it holds for them now.
  virtual const std::vector<ModulatorSpike>* modulator_spikes(std::size_t) const { return nullptr; }

  // An error found inside update() (which runs in the kernel's parallel region and
  // cannot throw): the kernel raises it as soon as the threads have joined.
  std::string take_error() {
    std::lock_guard<std::mutex> lock(error_mutex_);
    return std::exchange(error_, {});
  }

 protected:
  // Derived entries (values computed from internal state) go through these.
  virtual void read_derived(std::size_t, std::vector<Value>&) const {}
  virtual void write_derived(std::size_t, const std::vector<Value>&) {}
  // Samples the recordables for all sampler links, for node block [begin,end) at `step`.
  void sample(long step, std::size_t begin, std::size_t end);

  void report_error(const std::string& message) {
    std::lock_guard<std::mutex> lock(error_mutex_);
    if (error_.empty()) error_ = message;
  }

  double* col(int c) { return num_[c].data(); }
  const double* col(int c) const { return num_[c].data(); }
  std::vector<Value>& obj(int c) { return obj_[c]; }
  const std::vector<Value>& obj(int c) const { return obj_[c]; }

  const ModelInfo* info_;
  std::string model_name_;
  uint32_t first_gid_ = 0;
  std::size_t n_ = 0;
  std::vector<std::vector<double>> num_;
  std::vector<std::vector<Value>> obj_;
  std::vector<SamplerLink> samplers_;
  uint64_t rows_written_ = 0;
  std::unique_ptr<SpikeArchive> archive_;
  const TimeGrid* grid_ptr_ = nullptr;
  double min_delay_ms_ = 0.1;
  const Simulator* kernel_ = nullptr;

 private:
  std::mutex error_mutex_;
  std::string error_;
};

}  // namespace nestkit
