// multimeter, voltmeter and spike_recorder with NEST's in-memory backend.
#include "nestkit/recorders.hpp"

#include <algorithm>

#include "models/devices/device_base.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {
namespace {
enum MmCol : int { mm_origin, mm_start, mm_stop, interval, offset };
enum SrCol : int { sr_origin, sr_start, sr_stop };

Value events_value(const EventLog&) { return std::monostate{}; }
}  // namespace

// --- multimeter -----------------------------------------------------------------

const std::vector<std::string>& Multimeter::record_from(std::size_t m) const {
  return std::get<std::vector<std::string>>(obj_[0][m]);
}

void Multimeter::prepare(const RunContext& rc) {
  grid_ = rc.grid;
  schedule_.resize(n_);
  log_.resize(n_);
  window_.resize(n_);
  pending_.resize(n_);
  for (std::size_t m = 0; m < n_; ++m) {
    window_[m] = devices::window_of(*rc.grid, num_[mm_origin][m], num_[mm_start][m], num_[mm_stop][m]);
    log_[m].values.resize(record_from(m).size());
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
    EventLog& log = log_[m];
    const std::size_t k = log.values.size();
    for (Pending& p : pending_[m]) {
      for (std::size_t j = 0; j < p.stamp.size(); ++j) {
        if (!window_[m].contains(p.stamp[j])) continue;
        log.senders.push_back(p.gid);
        log.times.push_back(p.stamp[j]);  // converted to ms when read
        for (std::size_t r = 0; r < k; ++r) log.values[r].push_back(p.values[j * k + r]);
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
        auto it = std::find(rec.begin(), rec.end(), n);
        if (it == rec.end())
          throw IllegalConnection(model_name_ + " cannot record '" + n + "' from " + tp.model_name() + " (node " +
                                  std::to_string(t) + ")." + did_you_mean(n, rec));
        idx.push_back(static_cast<int>(it - rec.begin()));
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

Events Multimeter::events_of(std::size_t m) const {
  Events ev;
  const std::vector<std::string> names = record_from(m);
  if (m < log_.size()) {
    ev.senders = log_[m].senders;
    ev.times.reserve(log_[m].times.size());
    for (double s : log_[m].times) ev.times.push_back(grid_ ? grid_->steps_to_ms(static_cast<long>(s)) : s);
    for (std::size_t r = 0; r < names.size() && r < log_[m].values.size(); ++r)
      ev.values.emplace_back(names[r], log_[m].values[r]);
  } else {
    for (auto& n : names) ev.values.emplace_back(n, std::vector<double>{});
  }
  return ev;
}

bool Multimeter::get_extra(std::size_t i, const std::string& key, Value& out) const {
  if (key == "n_events") {
    out = static_cast<long>(i < log_.size() ? log_[i].senders.size() : 0);
    return true;
  }
  if (key == "events") {
    out = events_value(EventLog{});
    return true;
  }
  return false;
}

bool Multimeter::set_extra(std::size_t i, const std::string& key, const Value&) {
  if (key != "n_events") return false;
  if (i < log_.size()) log_[i].clear();
  return true;
}

// --- spike_recorder -------------------------------------------------------------

void SpikeRecorder::prepare(const RunContext& rc) {
  grid_ = rc.grid;
  log_.resize(n_);
  window_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i)
    window_[i] = devices::window_of(*rc.grid, num_[sr_origin][i], num_[sr_start][i], num_[sr_stop][i]);
}

void SpikeRecorder::deliver_spikes(const SpikeBatch& b) {
  for (std::size_t k = 0; k < b.count; ++k) {
    const std::size_t i = b.target[k] - first_gid_;
    if (!window_[i].contains(b.stamp)) continue;
    const uint32_t m = b.per_synapse_multiplicity ? b.per_synapse_multiplicity[k] : b.multiplicity;
    for (uint32_t j = 0; j < m; ++j) {
      log_[i].senders.push_back(b.source);
      log_[i].times.push_back(static_cast<double>(b.stamp));
      log_[i].offsets.push_back(b.offset);
    }
  }
}

Events SpikeRecorder::events_of(std::size_t i) const {
  Events ev;
  if (i >= log_.size()) return ev;
  ev.senders = log_[i].senders;
  // NEST's memory backend reports stamp - offset (precise spike times; models
  // that use the offset as a payload, like iaf_tum_2000, inherit this).
  for (std::size_t k = 0; k < log_[i].times.size(); ++k)
    ev.times.push_back(grid_->steps_to_ms(static_cast<long>(log_[i].times[k])) - log_[i].offsets[k]);
  return ev;
}

bool SpikeRecorder::get_extra(std::size_t i, const std::string& key, Value& out) const {
  if (key == "n_events") {
    out = static_cast<long>(i < log_.size() ? log_[i].senders.size() : 0);
    return true;
  }
  if (key == "events") {
    out = std::monostate{};
    return true;
  }
  return false;
}

bool SpikeRecorder::set_extra(std::size_t i, const std::string& key, const Value&) {
  if (key != "n_events") return false;
  if (i < log_.size()) log_[i].clear();
  return true;
}

// --- weight_recorder ------------------------------------------------------------

enum WrCol : int { wr_origin, wr_start, wr_stop };

void WeightRecorder::prepare(const RunContext& rc) {
  grid_ = rc.grid;
  log_.resize(n_);
  window_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i)
    window_[i] = devices::window_of(*rc.grid, num_[wr_origin][i], num_[wr_start][i], num_[wr_stop][i]);
}

void WeightRecorder::record_weights(std::size_t i, const WeightRecord* r, std::size_t n) {
  const auto& senders = std::get<std::vector<long>>(obj_[2][i]);
  const auto& targets = std::get<std::vector<long>>(obj_[3][i]);
  auto listed = [](const std::vector<long>& v, long id) {
    return v.empty() || std::find(v.begin(), v.end(), id) != v.end();
  };
  Log& log = log_[i];
  for (std::size_t k = 0; k < n; ++k) {
    if (!window_[i].contains(r[k].stamp) || !listed(senders, r[k].sender) || !listed(targets, r[k].target)) continue;
    log.senders.push_back(r[k].sender);
    log.targets.push_back(r[k].target);
    log.weights.push_back(r[k].weight);
    log.receptors.push_back(r[k].receptor);
    log.ports.push_back(r[k].port);
    log.stamps.push_back(r[k].stamp);
  }
}

Events WeightRecorder::recorded_events(std::size_t i) const {
  Events ev;
  ev.values.emplace_back("weights", std::vector<double>{});
  for (const char* k : {"targets", "receptors", "ports"}) ev.int_values.emplace_back(k, std::vector<long>{});
  if (i >= log_.size()) return ev;
  const Log& log = log_[i];
  ev.senders = log.senders;
  for (long s : log.stamps) ev.times.push_back(grid_->steps_to_ms(s));
  ev.values[0].second = log.weights;
  ev.int_values[0].second = log.targets;
  ev.int_values[1].second = log.receptors;
  ev.int_values[2].second = log.ports;
  return ev;
}

bool WeightRecorder::get_extra(std::size_t i, const std::string& key, Value& out) const {
  if (key == "n_events") {
    out = static_cast<long>(i < log_.size() ? log_[i].senders.size() : 0);
    return true;
  }
  if (key == "events") {
    out = std::monostate{};
    return true;
  }
  return false;
}

bool WeightRecorder::set_extra(std::size_t i, const std::string& key, const Value&) {
  if (key != "n_events") return false;
  if (i < log_.size()) log_[i] = Log{};
  return true;
}

// --- declarations ---------------------------------------------------------------

namespace {
void declare_recorder_common(ModelInfo& m) {
  devices::declare_window(m);
  m.object("label", PType::kString, std::string(""), "", "Label")
      .object("record_to", PType::kString, std::string("memory"), "", "Recording backend (only 'memory')");
  m.emits_spikes = false;
  m.accepts_current = false;
}

ModelInfo make_multimeter(const std::string& name, std::vector<std::string> record_from) {
  ModelInfo m(name, NodeKind::kRecorder, "https://nest-simulator.readthedocs.io/en/stable/models/" + name + ".html");
  m.family = "recorder";
  devices::declare_window(m);
  m.param(interval, "interval", 1.0, "ms", positive(), "Sampling interval")
      .param(offset, "offset", 0.0, "ms", non_negative(), "First sample time (0: the first interval)");
  m.object("record_from", PType::kStringVec, std::move(record_from), "", "Recordables to sample")
      .object("label", PType::kString, std::string(""), "", "Label")
      .object("record_to", PType::kString, std::string("memory"), "", "Recording backend (only 'memory')");
  m.emits_spikes = false;
  m.accepts_current = false;
  m.samples = true;
  m.spike_receptors = {};
  m.validate = [name](const ParamRow& row) {
    devices::validate_window(row, name);
    devices::check_on_grid(row, name, "interval");
    devices::check_on_grid(row, name, "offset");
    if (row.grid && row.num("interval") < row.grid->resolution() - 1e-12)
      throw BadProperty(name + ": interval must be at least the resolution");
    if (std::get<std::string>(row.get("record_to")) != "memory")
      throw BadProperty(name + ": only the 'memory' recording backend is supported");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<Multimeter>(info); };
  return m;
}

ModelInfo make_spike_recorder() {
  ModelInfo m("spike_recorder", NodeKind::kRecorder,
              "https://nest-simulator.readthedocs.io/en/stable/models/spike_recorder.html");
  m.family = "recorder";
  declare_recorder_common(m);
  m.validate = [](const ParamRow& row) {
    devices::validate_window(row, "spike_recorder");
    if (std::get<std::string>(row.get("record_to")) != "memory")
      throw BadProperty("spike_recorder: only the 'memory' recording backend is supported");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<SpikeRecorder>(info); };
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
ModelInfo make_weight_recorder() {
  ModelInfo m("weight_recorder", NodeKind::kRecorder,
              "https://nest-simulator.readthedocs.io/en/stable/models/weight_recorder.html");
  m.family = "recorder";
  declare_recorder_common(m);
  m.object("senders", PType::kLongVec, std::vector<long>{}, "", "Record only synapses from these nodes (all if empty)")
      .object("targets", PType::kLongVec, std::vector<long>{}, "",
              "Record only synapses onto these nodes (all if empty)");
  m.spike_receptors = {};
  m.emits_spikes = false;
  m.records_weights = true;
  m.validate = [](const ParamRow& row) {
    devices::validate_window(row, "weight_recorder");
    if (std::get<std::string>(row.get("record_to")) != "memory")
      throw BadProperty("weight_recorder: only the 'memory' recording backend is supported");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<WeightRecorder>(info); };
  return m;
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
