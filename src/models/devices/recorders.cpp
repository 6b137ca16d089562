// multimeter, voltmeter, spike_recorder and weight_recorder, recording through
// NEST's backends (memory, ascii, screen) and nestkit's hdf5.
#include "nestkit/recorders.hpp"

#include <algorithm>

#include "models/devices/device_base.hpp"
#include "models/devices/recording_backend.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/registry.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {
enum MmCol : int { mm_origin, mm_start, mm_stop, interval, offset, mm_in_steps, mm_precision };
enum RecCol : int { rec_origin, rec_start, rec_stop, rec_in_steps, rec_precision };
}  // namespace

// --- what recorders share -----------------------------------------------------------

Recorder::Recorder(const ModelInfo& info) : Population(info) {}
Recorder::~Recorder() = default;

const std::string& Recorder::text(std::size_t i, const char* key) const {
  return std::get<std::string>(obj_[info_->spec(key).column][i]);
}

bool Recorder::in_steps(std::size_t i) const { return num_[info_->spec("time_in_steps").column][i] != 0.0; }

void Recorder::write_derived(std::size_t i, const std::vector<Value>& row) {
  if (backend_.size() < n_) {
    backend_.resize(n_);
    n_events_.resize(n_, 0);
    id_width_.resize(n_, 1);
    open_.resize(n_, 0);
  }
  const std::string& to = std::get<std::string>(row[info_->index_of("record_to")]);
  if (backend_[i] && to == backend_[i]->name()) return;
  // A node that changes backend leaves the old one (a memory backend's events are
  // gone, as in NEST). NEST pads the node ID in file names to the digits of the
  // number of nodes that exist when the recorder joins its backend.
  backend_[i] = recording::make_backend(to, model_name_);
  id_width_[i] = recording::decimal_digits(kernel_ ? kernel_->network_size() : first_gid_ + i);
  open_[i] = 0;
}

recording::Target Recorder::target(std::size_t i) const {
  recording::Target t;
  t.model = model_name_;
  t.label = text(i, "label");
  t.gid = first_gid_ + static_cast<uint32_t>(i);
  t.id_width = i < id_width_.size() ? id_width_[i] : 1;
  t.double_names = double_names(i);
  t.long_names = long_names(i);
  t.precision = static_cast<long>(num_[info_->spec("precision").column][i]);
  t.time_in_steps = in_steps(i);
  t.file_extension = text(i, "file_extension");
  if (kernel_) {
    t.num_vps = static_cast<std::size_t>(kernel_->num_virtual_processes());
    t.ranks = static_cast<std::size_t>(kernel_->num_processes());
    t.rank = static_cast<std::size_t>(kernel_->rank());
    const Simulator::OutputSettings& io = kernel_->output_settings();
    t.data_path = io.data_path;
    t.data_prefix = io.data_prefix;
    t.overwrite_files = io.overwrite_files;
    t.grid = &kernel_->grid();
    t.kernel = kernel_;
  }
  return t;
}

void Recorder::read_derived(std::size_t i, std::vector<Value>& row) const {
  const int k = info_->index_of("filenames");
  if (k < 0) return;
  std::vector<std::string> names;
  const std::string backend = i < backend_.size() && backend_[i] ? backend_[i]->name() : "";
  if (backend == "ascii") names = recording::ascii_file_names(target(i));
  if (backend == "hdf5") names = {recording::hdf5_file_name(target(i))};
  row[k] = std::move(names);
}

void Recorder::prepare(const RunContext& rc) {
  window_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i) window_[i] = devices::window_of(*rc.grid, num_[0][i], num_[1][i], num_[2][i]);
  num_vps_ = kernel_ ? static_cast<std::size_t>(kernel_->num_virtual_processes()) : 1;
  // Nodes created inside a run session open their outputs now.
  if (kernel_ && kernel_->in_session()) {
    for (std::size_t i = 0; i < n_; ++i) {
      if (open_[i]) continue;
      backend_[i]->check(target(i));
      open_node(i);
    }
  }
}

void Recorder::record(std::size_t i, uint32_t sender, long stamp, double offset, uint32_t vp_node, const double* d,
                      std::size_t nd, const long* l, std::size_t nl) {
  ++n_events_[i];
  recording::Row row;
  row.sender = sender;
  row.stamp = stamp;
  row.offset = offset;
  // One process: NEST's assignment of nodes to virtual processes (files by vp). Distributed:
  // the virtual process that updates the node here (the only one this process can write for).
  row.vp = kernel_ && kernel_->num_processes() > 1 ? static_cast<std::size_t>(kernel_->vp_of(vp_node))
           : num_vps_ > 1                          ? vp_node % num_vps_
                                                   : 0;
  row.doubles = d;
  row.n_doubles = nd;
  row.longs = l;
  row.n_longs = nl;
  backend_[i]->write(row);
}

void Recorder::check_outputs() const {
  for (std::size_t i = 0; i < n_; ++i) backend_[i]->check(target(i));
}

void Recorder::open_node(std::size_t i) {
  backend_[i]->open(target(i));
  open_[i] = 1;
}

void Recorder::open_outputs() {
  for (std::size_t i = 0; i < n_; ++i) open_node(i);
}

void Recorder::flush_outputs() {
  for (std::size_t i = 0; i < n_; ++i) backend_[i]->flush();
}

void Recorder::close_outputs() {
  for (std::size_t i = 0; i < n_; ++i) {
    backend_[i]->close();
    open_[i] = 0;
  }
}

Events Recorder::recorded_events(std::size_t i) const {
  static const TimeGrid default_grid;
  Events ev;
  const TimeGrid& grid = kernel_ ? kernel_->grid() : default_grid;
  if (backend_[i]->events(grid, in_steps(i), double_names(i), long_names(i), ev)) return ev;
  throw UnknownParameter(
      "'events' is not a property of " + model_name_ + " (node " + std::to_string(first_gid_ + i) +
      "): it records to '" + backend_[i]->name() + "', and only the 'memory' backend keeps events (as in NEST)." +
      (std::string(backend_[i]->name()) == "hdf5" ? " Read its file with nestkit.hdf5.read_events." : ""));
}

bool Recorder::get_extra(std::size_t i, const std::string& key, Value& out) const {
  if (key == "n_events") {
    out = n_events_[i];
    return true;
  }
  if (key == "events") {
    out = std::monostate{};  // the bindings fetch them with recorded_events
    return true;
  }
  return false;
}

bool Recorder::set_extra(std::size_t i, const std::string& key, const Value&) {
  if (key != "n_events") return false;
  n_events_[i] = 0;
  backend_[i]->clear();
  return true;
}

std::vector<Hdf5Batch> take_hdf5_batches(const Simulator& sim) { return recording::take_hdf5_batches(&sim); }

// --- multimeter -----------------------------------------------------------------

const std::vector<std::string>& Multimeter::record_from(std::size_t m) const {
  return std::get<std::vector<std::string>>(obj_[info_->spec("record_from").column][m]);
}

void Multimeter::prepare(const RunContext& rc) {
  Recorder::prepare(rc);
  schedule_.resize(n_);
  pending_.resize(n_);
  for (std::size_t m = 0; m < n_; ++m) {
    Schedule& s = schedule_[m];
    if (s.initialised) continue;
    // First sample: the first multiple of interval after now (or offset + k
    // interval); a sample taken in the step starting at t is stamped t + h.
    s.interval = rc.grid->ms_to_steps(num_[interval][m]);
    const long off = rc.grid->ms_to_steps(num_[offset][m]);
    long next = (rc.now / s.interval + 1) * s.interval - 1;
    if (off != 0) {
      next = off - 1;
      while (next <= rc.now) next += s.interval;
    }
    s.first = next;
    s.initialised = true;
  }
}

void Multimeter::push_sample(std::size_t m, uint32_t slot, uint32_t gid, long stamp, const double* v, std::size_t k) {
  auto& per_meter = pending_[m];
  if (per_meter.size() <= slot) return;  // resized by flush before the run
  Pending& p = per_meter[slot];
  p.gid = gid;
  p.stamp.push_back(stamp);
  p.values.insert(p.values.end(), v, v + k);
}

void Multimeter::flush_pending() {
  for (std::size_t m = 0; m < n_ && m < pending_.size(); ++m) {
    const std::size_t k = record_from(m).size();
    for (Pending& p : pending_[m]) {
      for (std::size_t j = 0; j < p.stamp.size(); ++j) {
        if (!window_[m].contains(p.stamp[j])) continue;
        record(m, p.gid, p.stamp[j], 0.0, p.gid, p.values.data() + j * k, k);
      }
      p.stamp.clear();
      p.values.clear();
    }
  }
}

void Multimeter::wire_sampling(const SamplingWiring& w) {
  targets_.assign(n_, {});
  for (std::size_t m = 0; m < n_; ++m) {
    const auto& names = record_from(m);
    for (const uint32_t t : w.targets_of(first_gid_ + static_cast<uint32_t>(m))) {
      Population& tp = w.population_of(t);
      const auto& rec = tp.info().recordables;
      std::vector<int> idx;
      for (const auto& n : names) {
        const int k = tp.recordable_index(t - tp.first_gid(), n);
        if (k < 0)
          throw IllegalConnection(model_name_ + " cannot record '" + n + "' from " + tp.model_name() + " (node " +
                                  std::to_string(t) + ")." + did_you_mean(n, rec));
        idx.push_back(k);
      }
      auto& links = tp.samplers();
      auto link = std::find_if(links.begin(), links.end(), [&](const SamplerLink& l) {
        return l.meter == static_cast<SampleSink*>(this) && l.meter_index == m;
      });
      if (link == links.end()) {
        links.push_back({this, static_cast<uint32_t>(m), {}, {}, idx});
        link = links.end() - 1;
      }
      link->local.push_back(t - tp.first_gid());
      link->target_slot.push_back(static_cast<uint32_t>(targets_[m].size()));
      targets_[m].push_back(t);
    }
  }
  size_pending();
}

void Multimeter::size_pending() {
  pending_.resize(n_);
  for (std::size_t m = 0; m < n_; ++m) pending_[m].resize(targets_[m].size());
}

// --- spike_recorder -------------------------------------------------------------

void SpikeRecorder::deliver_spikes(const SpikeBatch& b) {
  for (std::size_t k = 0; k < b.count; ++k) {
    const std::size_t i = b.target[k] - first_gid_;
    if (!window_[i].contains(b.stamp)) continue;
    // The memory backend reports stamp - offset (precise spike times; models that
    // use the offset as a payload, like iaf_tum_2000, inherit this, as in NEST).
    const uint32_t m = b.per_synapse_multiplicity ? b.per_synapse_multiplicity[k] : b.multiplicity;
    for (uint32_t j = 0; j < m; ++j) record(i, b.source, b.stamp, b.offset, b.source);
  }
}

// --- weight_recorder ------------------------------------------------------------

void WeightRecorder::record_weights(std::size_t i, const WeightRecord* r, std::size_t n) {
  const auto& senders = std::get<std::vector<long>>(obj_[info_->spec("senders").column][i]);
  const auto& targets = std::get<std::vector<long>>(obj_[info_->spec("targets").column][i]);
  auto listed = [](const std::vector<long>& v, long id) {
    return v.empty() || std::find(v.begin(), v.end(), id) != v.end();
  };
  for (std::size_t k = 0; k < n; ++k) {
    if (!window_[i].contains(r[k].stamp) || !listed(senders, r[k].sender) || !listed(targets, r[k].target)) continue;
    const long ints[3] = {static_cast<long>(r[k].target), r[k].receptor, r[k].port};
    // NEST's weight_recorder on the thread (virtual process) of the synapse's target.
    record(i, r[k].sender, r[k].stamp, 0.0, r[k].target, &r[k].weight, 1, ints, 3);
  }
}

// --- declarations ---------------------------------------------------------------

namespace {
// The backend parameters, after the model's other numeric columns.
void declare_backend_params(ModelInfo& m, int in_steps_col, int precision_col) {
  m.flag(in_steps_col, "time_in_steps", false,
         "Times as steps and offsets instead of ms (backends memory, ascii, screen, hdf5); fixed after the first "
         "Simulate")
      .integer(precision_col, "precision", 3, in_range(0, 100),
               "Decimal places of the numbers written (backends ascii, screen)");
  m.object("label", PType::kString, std::string(""), "", "Label (replaces the model name in file names)")
      .object("record_to", PType::kString, std::string("memory"), "",
              "Recording backend: memory (events), ascii (files), screen (standard output), hdf5 (one HDF5 file, "
              "written by the Python layer)")
      .object("file_extension", PType::kString, std::string("dat"), "", "File name extension (backend ascii)")
      .object("filenames", PType::kStringVec, std::vector<std::string>{}, "",
              "Files written: one per virtual process (backend ascii), one (backend hdf5)", Role::kReadOnly);
  m.emits_spikes = false;
  m.accepts_current = false;
  m.shows = [](const ParamRow& row, const std::string& key) {
    return recording::backend_shows(std::get<std::string>(row.get("record_to")), key);
  };
}

// record_to names a backend; the backend parameters given belong to it;
// time_in_steps cannot change once the kernel has simulated (as NEST).
void validate_backend(const ParamRow& row, const std::string& model) {
  const std::string& to = std::get<std::string>(row.get("record_to"));
  recording::make_backend(to, model);  // throws for an unknown name
  for (const char* key : {"time_in_steps", "precision", "file_extension"}) {
    if (!row.given(key) || recording::backend_shows(to, key)) continue;
    std::string owners;
    for (const auto& b : recording::backend_names())
      if (recording::backend_shows(b, key)) owners += (owners.empty() ? "" : ", ") + b;
    throw BadProperty(model + ": '" + key + "' is not a parameter of the '" + to +
                      "' recording backend (record_to); it belongs to " + owners);
  }
  if (row.given("time_in_steps") && row.simulated) {
    const Value* before = row.before("time_in_steps");
    const bool* was = before ? std::get_if<bool>(before) : nullptr;
    const bool* now = std::get_if<bool>(&row.get("time_in_steps"));
    if (was && now && *was != *now)
      throw BadProperty(model + ": time_in_steps cannot be set after Simulate has been called");
  }
}

ModelInfo make_multimeter(const std::string& name, std::vector<std::string> record_from) {
  ModelInfo m(name, NodeKind::kRecorder, "https://nest-simulator.readthedocs.io/en/stable/models/" + name + ".html");
  m.family = "recorder";
  devices::declare_window(m);
  m.param(interval, "interval", 1.0, "ms", positive(), "Sampling interval")
      .param(offset, "offset", 0.0, "ms", non_negative(), "First sample time (0: the first interval)");
  m.object("record_from", PType::kStringVec, std::move(record_from), "", "Recordables to sample");
  declare_backend_params(m, mm_in_steps, mm_precision);
  m.samples = true;
  m.spike_receptors = {};
  m.validate = [name](const ParamRow& row) {
    devices::validate_window(row, name);
    devices::check_on_grid(row, name, "interval");
    devices::check_on_grid(row, name, "offset");
    if (row.grid && row.num("interval") < row.grid->resolution() - 1e-12)
      throw BadProperty(name + ": interval must be at least the resolution");
    validate_backend(row, name);
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<Multimeter>(info); };
  return m;
}

ModelInfo make_spike_recorder() {
  ModelInfo m("spike_recorder", NodeKind::kRecorder,
              "https://nest-simulator.readthedocs.io/en/stable/models/spike_recorder.html");
  m.family = "recorder";
  devices::declare_window(m);
  declare_backend_params(m, rec_in_steps, rec_precision);
  m.validate = [](const ParamRow& row) {
    devices::validate_window(row, "spike_recorder");
    validate_backend(row, "spike_recorder");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<SpikeRecorder>(info); };
  return m;
}

ModelInfo make_weight_recorder() {
  ModelInfo m("weight_recorder", NodeKind::kRecorder,
              "https://nest-simulator.readthedocs.io/en/stable/models/weight_recorder.html");
  m.family = "recorder";
  devices::declare_window(m);
  declare_backend_params(m, rec_in_steps, rec_precision);
  m.object("senders", PType::kLongVec, std::vector<long>{}, "", "Record only synapses from these nodes (all if empty)")
      .object("targets", PType::kLongVec, std::vector<long>{}, "",
              "Record only synapses onto these nodes (all if empty)");
  m.spike_receptors = {};
  m.records_weights = true;
  m.validate = [](const ParamRow& row) {
    devices::validate_window(row, "weight_recorder");
    validate_backend(row, "weight_recorder");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<WeightRecorder>(info); };
  return m;
}
}  // namespace

const ModelInfo& multimeter_model() {
  static const ModelInfo info = make_multimeter("multimeter", {});
  return info;
}
const ModelInfo& voltmeter_model() {
  static const ModelInfo info = make_multimeter("voltmeter", {"V_m"});
  return info;
}
const ModelInfo& weight_recorder_model() {
  static const ModelInfo info = make_weight_recorder();
  return info;
}
const ModelInfo& spike_recorder_model() {
  static const ModelInfo info = make_spike_recorder();
  return info;
}

}  // namespace nestkit
