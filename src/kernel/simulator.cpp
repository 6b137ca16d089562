// Kernel status, model prototypes and node creation/status.
#include "nestkit/simulator.hpp"
#include "nestkit/eprop_archive.hpp"

#include "nestkit/communicator.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "nestkit/coerce.hpp"
#include "nestkit/registry.hpp"
#include "nestkit/rng.hpp"

namespace nestkit {

namespace {
// NEST's element_type of a node model.
std::string element_type_of(const ModelInfo& m) {
  if (!m.element_type.empty()) return m.element_type;
  return m.kind == NodeKind::kNeuron ? "neuron" : m.kind == NodeKind::kRecorder ? "recorder" : "stimulator";
}
}  // namespace

namespace {
// Why `path` cannot be the data_path (empty if it can): it must be a writable directory.
std::string data_path_problem(const std::string& path) {
  if (path.empty()) return "";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return errno == ENOENT ? "Directory '" + path + "' does not exist."
                           : "cannot access '" + path + "': " + std::strerror(errno) + ".";
  if (!S_ISDIR(st.st_mode)) return "'" + path + "' is not a directory.";
  if (::access(path.c_str(), W_OK | X_OK) != 0) return "Directory '" + path + "' is not writable.";
  return "";
}

// NEST_DATA_PATH and NEST_DATA_PREFIX give the defaults, as in NEST (ignored if invalid).
Simulator::OutputSettings default_output_settings() {
  Simulator::OutputSettings io;
  if (const char* p = std::getenv("NEST_DATA_PATH"); p && data_path_problem(p).empty()) io.data_path = p;
  if (const char* p = std::getenv("NEST_DATA_PREFIX"); p && !std::strchr(p, '/')) io.data_prefix = p;
  return io;
}
}  // namespace

Simulator::Simulator() { reset(); }
Simulator::~Simulator() = default;

void Simulator::reset() {
  end_session();
  rank_ = communicator().rank();
  ranks_ = communicator().size();
  io_ = default_output_settings();
  grid_ = TimeGrid{};
  seed_ = 143202461;
  threads_ = 1;
  node_protos_.clear();
  for (const ModelInfo* m : builtin_node_models()) {
    NodeProto proto{m, m->default_row()};
    proto.id = static_cast<long>(node_protos_.size());
    node_protos_[m->name] = std::move(proto);
  }
  synapse_protos_.clear();
  for (const SynapseInfo* si : builtin_synapse_models()) {
    SynapseProto p;
    p.name = si->name;
    p.info = si;
    p.weight = si->default_weight;
    p.record = si->default_record();
    p.common = si->default_common();
    synapse_protos_.push_back(std::move(p));
  }
  pops_.clear();
  next_gid_ = 1;
  store_.clear();
  special_synapses_ = false;
  connect_calls_ = 0;
  random_set_calls_ = 0;  // else nodes.set(random) after ResetKernel differs between runs
  min_delay_ = max_delay_ = 1;
  last_spike_stamp_.clear();
  device_synapse_.clear();
  loggers_of_.clear();
  logger_port_.clear();
  last_spike_offset_.clear();
  conn_min_delay_ = conn_max_delay_ = -1;
  user_min_delay_ms_ = user_max_delay_ms_ = std::numeric_limits<double>::quiet_NaN();
  use_wfr_ = true;
  wfr_comm_interval_ = 1.0;
  wfr_tol_ = 1e-4;
  wfr_max_iterations_ = 15;
  wfr_order_ = 3;
  wfr_last_iterations_ = 0;
  eprop_kernel_settings(this) = EpropKernelSettings{};
  secondary_sources_.clear();
  any_secondary_ = any_wfr_coupling_ = false;
  shared_generation_ = ~uint64_t{0};
  time_exchange_ = 0.0;
  sw_create_.reset();
  sw_connect_.reset();
  sw_simulate_.reset();
  remote_values_.clear();
  remote_index_.clear();
  simulated_ = false;
  slice_origin_ = from_step_ = slice_ = 0;
  slice_spikes_.clear();
  to_deliver_.clear();
  device_events_.clear();
  sp_nodes_.clear();
  sp_rules_.clear();
  sp_interval_ = 10000.0;
  sp_enabled_ = false;
}

// --- kernel status ---------------------------------------------------------------

namespace {
// NEST switches the kernel to off-grid spike communication as soon as a node of a
// model that emits precise spike times exists (it stays on until ResetKernel).
bool emits_off_grid(const std::string& model) {
  static const char* const names[] = {"iaf_psc_alpha_ps", "iaf_psc_exp_ps",   "iaf_psc_exp_ps_lossless",
                                      "iaf_psc_delta_ps", "parrot_neuron_ps", "poisson_generator_ps",
                                      "iaf_chxk_2008",    "iaf_tum_2000",     "iaf_bw_2001"};
  return std::any_of(std::begin(names), std::end(names), [&](const char* n) { return model == n; });
}
}  // namespace

Dict Simulator::kernel_status() const {
  Dict d;
  d["resolution"] = grid_.resolution();
  d["tics_per_ms"] = grid_.tics_per_ms();
  d["tics_per_step"] = grid_.tics_per_step();
  d["ms_per_tic"] = 1.0 / grid_.tics_per_ms();
  d["rng_seed"] = static_cast<long>(seed_);
  d["local_num_threads"] = static_cast<long>(threads_);
  d["total_num_virtual_procs"] = static_cast<long>(threads_ * ranks_);
  d["num_processes"] = static_cast<long>(ranks_);
  d["mpi_rank"] = static_cast<long>(rank_);
  d["have_mpi"] = built_with_mpi();
  // Wall-clock seconds this process spent in the MPI exchanges (NEST's detailed-timer name).
  d["time_communicate_spike_data"] = time_exchange_;
  d["time_construction_create"] = sw_create_.wall;
  d["time_construction_create_cpu"] = sw_create_.cpu;
  d["time_construction_connect"] = sw_connect_.wall;
  d["time_construction_connect_cpu"] = sw_connect_.cpu;
  d["time_simulate"] = sw_simulate_.wall;
  d["time_simulate_cpu"] = sw_simulate_.cpu;
  d["biological_time"] = biological_time();
  d["time"] = biological_time();
  d["num_connections"] = static_cast<long>(num_connections());  // this process's, as NEST reports it
  d["network_size"] = static_cast<long>(network_size());
  long user_lo = 0, user_hi = 0;
  const bool user = user_delay_extrema(user_lo, user_hi);
  const bool known = simulated_ || conn_min_delay_ > 0;
  d["min_delay"] = grid_.delay_to_ms(simulated_ ? min_delay_ : user ? user_lo : (known ? conn_min_delay_ : 1));
  d["max_delay"] = grid_.delay_to_ms(simulated_ ? max_delay_ : user ? user_hi : (known ? conn_max_delay_ : 1));
  d["rng_type"] = std::string("Philox_32");
  d["rng_types"] = std::vector<std::string>{"Philox_32"};
  d["off_grid_spiking"] =
      std::any_of(pops_.begin(), pops_.end(), [](const auto& p) { return emits_off_grid(p->info().name); });
  d["keep_source_table"] = true;
  d["connection_rules"] =
      std::vector<std::string>{"all_to_all", "fixed_indegree",     "fixed_outdegree",  "fixed_total_number",
                               "one_to_one", "pairwise_bernoulli", "pairwise_poisson", "symmetric_pairwise_bernoulli"};
  d["data_path"] = io_.data_path;
  d["data_prefix"] = io_.data_prefix;
  d["overwrite_files"] = io_.overwrite_files;
  d["recording_backends"] = recording_backend_names();
  d["use_wfr"] = use_wfr_;
  d["wfr_comm_interval"] = use_wfr_ ? wfr_comm_interval_ : grid_.resolution();
  d["wfr_tol"] = wfr_tol_;
  d["wfr_max_iterations"] = wfr_max_iterations_;
  d["wfr_interpolation_order"] = static_cast<long>(wfr_order_);
  const EpropKernelSettings& ep = eprop_kernel_settings(this);
  d["eprop_update_interval"] = ep.update_interval;
  d["eprop_learning_window"] = ep.learning_window;
  d["eprop_reset_neurons_on_update"] = ep.reset_neurons_on_update;
  sp_kernel_status(d);
  return d;
}

void Simulator::set_kernel_status(const Dict& given) {
  // Structural plasticity's keys are taken out and validated first, committed below.
  Dict d = given;
  std::vector<SPSynapseRule> sp_rules = sp_rules_;
  double sp_interval = sp_interval_;
  sp_take_kernel_status(d, sp_rules, sp_interval);
  static const std::vector<std::string> settable = {"resolution",
                                                    "rng_seed",
                                                    "local_num_threads",
                                                    "total_num_virtual_procs",
                                                    "print_time",
                                                    "overwrite_files",
                                                    "data_path",
                                                    "data_prefix",
                                                    "rng_type",
                                                    "tics_per_ms",
                                                    "use_wfr",
                                                    "wfr_comm_interval",
                                                    "wfr_tol",
                                                    "wfr_max_iterations",
                                                    "wfr_interpolation_order",
                                                    "eprop_update_interval",
                                                    "eprop_learning_window",
                                                    "eprop_reset_neurons_on_update",
                                                    "min_delay",
                                                    "max_delay"};
  const Dict current = kernel_status();
  for (const auto& [key, value] : d) {
    if (std::find(settable.begin(), settable.end(), key) == settable.end()) {
      if (current.count(key)) throw BadProperty("kernel property '" + key + "' is read-only");
      std::vector<std::string> names;
      for (auto& [k, v] : current) names.push_back(k);
      throw UnknownParameter("'" + key + "' is not a kernel property." + did_you_mean(key, names));
    }
  }
  // Validate everything first, then commit, so a bad key changes nothing.
  TimeGrid grid = grid_;
  uint32_t seed = seed_;
  int threads = threads_;
  OutputSettings io = io_;
  for (const char* key : {"data_path", "data_prefix"}) {
    auto it = d.find(key);
    if (it == d.end()) continue;
    const auto* text = std::get_if<std::string>(&it->second);
    if (!text)
      throw TypeMismatch(std::string("kernel property '") + key + "' expects a string, got " + type_name(it->second));
    if (std::string(key) == "data_path") {
      if (const std::string why = data_path_problem(*text); !why.empty())
        throw BadProperty("data_path not set: " + why);
      io.data_path = *text;
    } else {
      if (text->find('/') != std::string::npos)
        throw BadProperty("data_prefix must not contain path elements ('/'), got '" + *text + "'");
      io.data_prefix = *text;
    }
  }
  if (auto it = d.find("overwrite_files"); it != d.end()) {
    const auto* flag = std::get_if<bool>(&it->second);
    if (!flag) throw TypeMismatch("kernel property 'overwrite_files' expects a bool, got " + type_name(it->second));
    io.overwrite_files = *flag;
  }
  if (auto it = d.find("tics_per_ms"); it != d.end()) {
    // As NEST: only together with the resolution, and only before nodes exist.
    const double tpm = coerce_number(it->second, "", "tics_per_ms");
    if (!d.count("resolution"))
      throw KernelException("Change of tics_per_ms requires simultaneous specification of resolution.");
    if (!(tpm >= 1.0) || std::floor(tpm) != tpm || tpm > 1e9)
      throw BadProperty("tics_per_ms must be a positive integer, got " + std::to_string(tpm));
    grid.set_tics_per_ms(tpm);
  }
  if (auto it = d.find("resolution"); it != d.end()) {
    const double h = coerce_number(it->second, "ms", "resolution");
    if (network_size() > 0 || store_.size() > 0)
      throw KernelException("resolution cannot be changed after nodes have been created; call ResetKernel first");
    if (!(h > 0.0) || !std::isfinite(h)) throw BadProperty("resolution must be > 0 ms");
    const double tics = h * grid.tics_per_ms();
    if (std::fabs(tics - std::floor(tics + 0.5)) > 1e-6 * std::max(1.0, tics) || tics < 0.5)
      throw BadProperty("resolution must be a multiple of the tic length (" + std::to_string(1.0 / grid.tics_per_ms()) +
                        " ms)");
    grid.set_resolution(h);
  }
  double user_min = user_min_delay_ms_, user_max = user_max_delay_ms_;
  if (d.count("min_delay") || d.count("max_delay")) {
    // As NEST's DelayChecker: both at once, before any connection; min_delay rounds down
    // to a step, max_delay up.
    if (!d.count("min_delay") || !d.count("max_delay"))
      throw BadProperty("Both min_delay and max_delay have to be specified");
    if (num_connections() > 0) throw BadProperty("Connections already exist. Please call ResetKernel first");
    user_min = coerce_number(d.at("min_delay"), "ms", "min_delay");
    user_max = coerce_number(d.at("max_delay"), "ms", "max_delay");
    if (!std::isfinite(user_min) || !std::isfinite(user_max))
      throw BadDelay("min_delay and max_delay must be finite, got " + std::to_string(user_min) + " and " +
                     std::to_string(user_max) + " ms");
    long lo = grid.ms_to_steps(user_min);
    if (grid.steps_to_ms(lo) > user_min) --lo;
    if (lo < 1)
      throw BadDelay("min_delay must be greater than or equal to resolution, got " + std::to_string(user_min) + " ms");
    if (grid.ms_to_steps(user_max) < lo)
      throw BadDelay("min_delay must be smaller than or equal to max_delay, got " + std::to_string(user_min) + " and " +
                     std::to_string(user_max) + " ms");
  }
  if (auto it = d.find("rng_seed"); it != d.end()) {
    const double s = coerce_number(it->second, "", "rng_seed");
    if (!(s >= 1.0 && s < 4294967296.0) || std::floor(s) != s)
      throw BadProperty("rng_seed must be an integer in [1, 2^32 - 1]");
    seed = static_cast<uint32_t>(s);
  }
  for (const char* key : {"local_num_threads", "total_num_virtual_procs"}) {
    if (auto it = d.find(key); it != d.end()) {
      const double t = coerce_number(it->second, "", key);
      if (!(t >= 1.0) || std::floor(t) != t) throw BadProperty(std::string(key) + " must be a positive integer");
      if (network_size() > 0)
        throw KernelException(std::string(key) + " cannot be changed after nodes have been created");
      const bool total = std::string(key) == "total_num_virtual_procs";
      if (total && static_cast<long>(t) % ranks_ != 0)
        throw BadProperty("total_num_virtual_procs must be a multiple of the number of MPI processes (" +
                          std::to_string(ranks_) + "), got " + std::to_string(static_cast<long>(t)));
      threads = static_cast<int>(total ? static_cast<long>(t) / ranks_ : static_cast<long>(t));
    }
  }
  // Waveform relaxation (NEST's rules: use_wfr before nodes exist, the interval before connections).
  bool use_wfr = use_wfr_;
  double comm = wfr_comm_interval_, tol = wfr_tol_;
  long max_iter = wfr_max_iterations_;
  int order = wfr_order_;
  if (auto it = d.find("use_wfr"); it != d.end()) {
    const auto* flag = std::get_if<bool>(&it->second);
    if (!flag) throw TypeMismatch("kernel property 'use_wfr' expects a bool, got " + type_name(it->second));
    if (network_size() > 0 && *flag != use_wfr_)
      throw KernelException(
          "use_wfr: cannot enable/disable usage of waveform relaxation after nodes have been created; call "
          "ResetKernel first");
    use_wfr = *flag;
  }
  if (auto it = d.find("wfr_comm_interval"); it != d.end()) {
    const double v = coerce_number(it->second, "ms", "wfr_comm_interval");
    if (!use_wfr)
      throw KernelException(
          "wfr_comm_interval: cannot set the waveform communication interval when waveform relaxation is "
          "disabled; set use_wfr to true first");
    if (store_.size() > 0 || conn_min_delay_ > 0)
      throw KernelException(
          "wfr_comm_interval: cannot be changed after connections have been created; call ResetKernel first");
    if (!std::isfinite(v) || v < grid.resolution())
      throw KernelException("wfr_comm_interval must be >= the resolution (" + std::to_string(grid.resolution()) +
                            " ms), got " + std::to_string(v));
    comm = v;
  }
  if (auto it = d.find("wfr_tol"); it != d.end()) {
    const double v = coerce_number(it->second, "", "wfr_tol");
    if (!(v >= 0.0) || !std::isfinite(v))
      throw KernelException("wfr_tol must be finite and >= 0, got " + std::to_string(v));
    tol = v;
  }
  if (auto it = d.find("wfr_max_iterations"); it != d.end()) {
    const double v = coerce_number(it->second, "", "wfr_max_iterations");
    if (!(v >= 1.0) || std::floor(v) != v || v > 1e9)
      throw KernelException(
          "wfr_max_iterations must be a positive integer (to disable waveform relaxation set use_wfr), got " +
          std::to_string(v));
    max_iter = static_cast<long>(v);
  }
  if (auto it = d.find("wfr_interpolation_order"); it != d.end()) {
    const double v = coerce_number(it->second, "", "wfr_interpolation_order");
    if (!(v == 0.0 || v == 1.0 || v == 3.0))
      throw KernelException("wfr_interpolation_order must be 0, 1 or 3, got " + std::to_string(v));
    order = static_cast<int>(v);
  }
  // The e-prop settings of the _bsshslm_2020 models (NEST checks the window against the
  // interval as it stands after this call's interval).
  EpropKernelSettings ep = eprop_kernel_settings(this);
  if (auto it = d.find("eprop_update_interval"); it != d.end()) {
    const double v = coerce_number(it->second, "ms", "eprop_update_interval");
    if (!(v > 0.0)) throw KernelException("eprop_update_interval > 0 required, got " + std::to_string(v));
    ep.update_interval = v;
  }
  if (auto it = d.find("eprop_learning_window"); it != d.end()) {
    const double v = coerce_number(it->second, "ms", "eprop_learning_window");
    if (!(v > 0.0)) throw KernelException("eprop_learning_window > 0 required, got " + std::to_string(v));
    if (v > ep.update_interval)
      throw KernelException("eprop_learning_window <= eprop_update_interval required, got " + std::to_string(v) +
                            " > " + std::to_string(ep.update_interval));
    ep.learning_window = v;
  }
  if (auto it = d.find("eprop_reset_neurons_on_update"); it != d.end()) {
    const auto* flag = std::get_if<bool>(&it->second);
    if (!flag)
      throw TypeMismatch("kernel property 'eprop_reset_neurons_on_update' expects a bool, got " +
                         type_name(it->second));
    ep.reset_neurons_on_update = *flag;
  }
  eprop_kernel_settings(this) = ep;
  eprop_link_grid(&grid_, this);  // for the _bsshslm_2020 neurons' parameter checks
  grid_ = grid;
  seed_ = seed;
  user_min_delay_ms_ = user_min;
  user_max_delay_ms_ = user_max;
  threads_ = threads;
  io_ = std::move(io);
  use_wfr_ = use_wfr;
  wfr_comm_interval_ = comm;
  wfr_tol_ = tol;
  wfr_max_iterations_ = max_iter;
  wfr_order_ = order;
  sp_rules_ = std::move(sp_rules);
  sp_interval_ = sp_interval;
}

bool Simulator::user_delay_extrema(long& lo, long& hi) const {
  if (std::isnan(user_min_delay_ms_)) return false;
  lo = grid_.ms_to_steps(user_min_delay_ms_);
  if (grid_.steps_to_ms(lo) > user_min_delay_ms_) --lo;
  hi = grid_.ms_to_steps(user_max_delay_ms_);
  return true;
}

void Simulator::check_user_delay(long d) const {
  long lo = 0, hi = 0;
  if (!user_delay_extrema(lo, hi)) return;
  if (d < lo)
    throw BadDelay("Delay " + std::to_string(grid_.delay_to_ms(d)) +
                   " ms must be greater than or equal to min_delay (" + std::to_string(grid_.delay_to_ms(lo)) +
                   " ms). You may set min_delay before creating connections.");
  if (d > hi)
    throw BadDelay("Delay " + std::to_string(grid_.delay_to_ms(d)) +
                   " ms must be smaller than or equal to max_delay (" + std::to_string(grid_.delay_to_ms(hi)) +
                   " ms). You may set max_delay before creating connections.");
}

int Simulator::block_of(uint32_t gid) const {
  const Population& p = pop_of(gid);
  const std::size_t i = gid - p.first_gid();
  // Devices are replicated (every process has them whole): this process's first block.
  if (!(p.parallel() && p.info().kind != NodeKind::kRecorder)) return rank_ * threads_;
  const int nvp = threads_ * ranks_;
  int v = static_cast<int>(i * static_cast<std::size_t>(nvp) / p.size());
  while (v + 1 < nvp && vp_block(p.size(), v + 1).first <= i) ++v;
  while (v > 0 && vp_block(p.size(), v).first > i) --v;
  return v;
}

int Simulator::vp_of(uint32_t gid) const {
  // Block b belongs to rank b / threads and its thread b % threads; numbered as NEST numbers
  // virtual processes (vp = thread * ranks + rank, so rank = vp % ranks).
  const int b = block_of(gid);
  return (b % threads_) * ranks_ + b / threads_;
}

bool Simulator::is_local(uint32_t gid) const { return block_of(gid) / threads_ == rank_; }

// --- models ---------------------------------------------------------------------

std::vector<std::string> Simulator::node_models() const {
  std::vector<std::string> out;
  for (auto& [name, proto] : node_protos_) out.push_back(name);
  return out;
}

std::vector<std::string> Simulator::synapse_models() const {
  std::vector<std::string> out;
  for (auto& p : synapse_protos_) out.push_back(p.name);
  std::sort(out.begin(), out.end());
  return out;
}

const Simulator::NodeProto& Simulator::node_proto(const std::string& model) const {
  auto it = node_protos_.find(model);
  if (it == node_protos_.end()) {
    // NEST's MUSIC proxies exist only in NEST builds with MUSIC; say so rather than suggest a name.
    static const std::vector<std::string> music = {
        "music_event_in_proxy", "music_event_out_proxy", "music_cont_in_proxy",   "music_cont_out_proxy",
        "music_rate_in_proxy",  "music_rate_out_proxy",  "music_message_in_proxy"};
    if (std::find(music.begin(), music.end(), model) != music.end())
      throw UnknownModelName("'" + model +
                             "' is a MUSIC proxy; nestkit does not support MUSIC (NEST provides these only when built "
                             "with MUSIC)");
    std::vector<std::string> all = node_models();
    for (auto& s : synapse_models()) all.push_back(s);
    throw UnknownModelName("'" + model + "' is not a known model." + did_you_mean(model, all));
  }
  return it->second;
}

int Simulator::synapse_id(const std::string& model) const {
  for (std::size_t i = 0; i < synapse_protos_.size(); ++i)
    if (synapse_protos_[i].name == model) return static_cast<int>(i);
  throw UnknownModelName("'" + model + "' is not a known synapse model." + did_you_mean(model, synapse_models()));
}

void Simulator::apply_params(const ModelInfo& info, std::vector<Value>& row, const Dict& params,
                             const std::string& model) const {
  ParamRow view(info, row);
  for (const auto& [key, value] : params) {
    const ParamSpec& s = info.spec(key);
    if (s.role == Role::kReadOnly) throw BadProperty(model + ": '" + key + "' is read-only");
    row[info.index_of(key)] = coerce(s, value, model);
  }
}

Dict Simulator::get_defaults(const std::string& model) const {
  Dict d;
  if (node_protos_.count(model)) {
    const NodeProto& p = node_proto(model);
    std::vector<Value> row = p.defaults;
    if (p.info->resolve_defaults) p.info->resolve_defaults(grid_, row);
    const ParamRow view(*p.info, row);
    for (std::size_t k = 0; k < p.info->specs.size(); ++k) {
      const std::string& name = p.info->specs[k].name;
      if (p.info->specs[k].role != Role::kInternal && (!p.info->shows || p.info->shows(view, name))) d[name] = row[k];
    }
    if (has_structural_state(*p.info))  // a new node's calcium and synaptic elements
      for (const std::string& key : sp_node_keys()) sp_get(p.sp_default, 0, key, d);
    d["model"] = model;
    d["element_type"] = element_type_of(*p.info);
    if (!p.info->recordables.empty()) d["recordables"] = p.info->recordables;
    if (!p.info->receptor_types.empty()) d["receptor_types"] = p.info->receptor_types;
    return d;
  }
  const SynapseProto& s = synapse_protos_[synapse_id(model)];
  d["weight"] = s.weight;
  d["delay"] = s.delay;
  d["receptor_type"] = s.receptor_type;
  d["synapse_model"] = s.name;
  d["synapse_modelid"] = static_cast<long>(synapse_id(model));  // a connection's synapse_id
  d["element_type"] = std::string("synapse");
  for (const SynapseParam& p : s.info->params) {
    if (p.hidden) continue;
    const double v = p.common ? s.common[p.column] : s.record[p.column];
    if (p.length > 1)
      d[p.name] = std::vector<long>(s.common.begin() + p.column, s.common.begin() + p.column + p.length);
    else if (p.boolean)
      d[p.name] = v != 0.0;
    else if (p.integer)
      d[p.name] = static_cast<long>(v);
    else
      d[p.name] = v;
  }
  d["weight_recorder"] = static_cast<long>(s.weight_recorder);
  if (s.info->trigger) d["volume_transmitter"] = static_cast<long>(s.volume_transmitter);
  d["has_delay"] = s.info->has_delay;
  d["num_connections"] = static_cast<long>(store_.count_of_model(static_cast<uint8_t>(synapse_id(model))));
  d["requires_symmetric"] = s.info->requires_symmetric;
  return d;
}

std::string Simulator::synapse_param_unit(const std::string& model, const std::string& param) const {
  for (const SynapseProto& p : synapse_protos_) {
    if (p.name != model) continue;
    if (param == "delay") return "ms";
    if (const SynapseParam* sp = p.info->find(param)) return sp->unit;
  }
  return "";
}

double Simulator::syn_value(const SynapseProto& p, const std::string& key, const std::vector<double>& record,
                            double weight, double delay) const {
  if (key == "weight") return weight;
  if (key == "delay") return delay;
  const SynapseParam* sp = p.info->find(key);
  if (!sp) throw std::logic_error("synapse check reads unknown key " + key);
  return sp->common ? p.common[sp->column] : record[sp->column];
}

void Simulator::check_synapse_values(const SynapseProto& p, const std::vector<double>& record, double weight,
                                     double delay, bool model_check) const {
  auto fail = [&](const std::string& why) { throw BadProperty(p.name + ": " + why); };
  if (!std::isfinite(weight)) fail("weight must be finite, got " + std::to_string(weight));
  for (const SynapseParam& sp : p.info->params) {
    if (sp.hidden) continue;
    for (int e = 0; e < sp.length; ++e) {
      const double v = sp.common ? p.common[sp.column + e] : record[sp.column + e];
      const std::string name = sp.length > 1 ? sp.name + "[" + std::to_string(e) + "]" : sp.name;
      if (std::isnan(v) || (std::isinf(v) && sp.name != "Wmax"))
        fail(name + " must be finite, got " + std::to_string(v));
      const std::string why = sp.constraint.violation(v);
      if (!why.empty()) fail(name + " = " + std::to_string(v) + " " + why);
      if (sp.integer && std::floor(v) != v) fail(name + " must be an integer, got " + std::to_string(v));
    }
  }
  if (p.info->check && model_check) {
    try {
      p.info->check([&](const std::string& k) { return syn_value(p, k, record, weight, delay); });
    } catch (const BadProperty& e) {
      throw BadProperty(p.name + ": " + std::string(e.what()).substr(std::string("BadProperty: ").size()));
    }
  }
}

void Simulator::set_synapse_defaults(SynapseProto& s, const Dict& params) const {
  const std::string& model = s.name;
  for (const auto& [key, value] : params) {
    if (key == "weight") {
      if (!s.info->weight_refusal.empty()) throw BadProperty(model + ": " + s.info->weight_refusal);
      s.weight = coerce_number(value, "", model + ": weight");
    } else if (key == "delay") {
      s.delay = coerce_number(value, "ms", model + ": delay");
    } else if (key == "receptor_type") {
      s.receptor_type = static_cast<long>(coerce_number(value, "", model + ": receptor_type"));
    } else if (key == "weight_recorder" || key == "volume_transmitter") {
      long gid = 0;
      if (auto l = std::get_if<long>(&value))
        gid = *l;
      else if (auto v = std::get_if<std::vector<long>>(&value); v && v->size() == 1)
        gid = (*v)[0];
      else
        throw BadProperty(model + ": " + key + " must be a single node");
      if (key == "volume_transmitter" && !s.info->trigger)
        throw UnknownParameter("'" + key + "' is not a parameter of " + model + ".");
      if (gid != 0) {
        const Population& pop = pop_of(static_cast<uint32_t>(gid));
        const bool ok = key == "weight_recorder" ? pop.info().records_weights : pop.info().drives_synapses;
        if (!ok)
          throw BadProperty(model + ": " + key + " must be a " + key + ", node " + std::to_string(gid) + " is a " +
                            pop.model_name());
      }
      (key == "weight_recorder" ? s.weight_recorder : s.volume_transmitter) = static_cast<uint32_t>(gid);
    } else if (const SynapseParam* sp = s.info->find(key); sp && !sp->hidden) {
      double* col = (sp->common ? s.common.data() : s.record.data()) + sp->column;
      if (sp->length > 1) {
        const auto* list = std::get_if<std::vector<long>>(&value);
        if (!list) throw TypeMismatch(model + ": " + key + " must be a list of integers");
        if (list->size() != static_cast<std::size_t>(sp->length))
          throw BadProperty(model + ": " + key + " must have " + std::to_string(sp->length) + " entries, got " +
                            std::to_string(list->size()));
        std::copy(list->begin(), list->end(), col);
      } else if (const bool* flag = std::get_if<bool>(&value); flag && sp->boolean) {
        *col = *flag ? 1.0 : 0.0;
      } else {
        *col = coerce_number(value, sp->unit, model + ": " + key);
      }
    } else {
      std::vector<std::string> names = s.info->visible_names();
      names.push_back("weight_recorder");
      throw UnknownParameter("'" + key + "' is not a parameter of " + model + "." + did_you_mean(key, names));
    }
  }
  if (s.info->derive_common)
    s.info->derive_common(s.common.data(), [&](const std::string& k) { return params.count(k) > 0; });
  if (!std::isfinite(s.delay) || grid_.delay_to_steps(s.delay) < 1)
    throw BadDelay(model + ": delay " + std::to_string(s.delay) + " ms must be >= the resolution");
  check_synapse_values(s, s.record, s.weight, s.delay);
}

void Simulator::set_defaults(const std::string& model, const Dict& params) {
  if (node_protos_.count(model)) {
    Dict plain = params, sp;  // structural plasticity's keys: checked on a copy of the model's
    sp_split(plain, sp);
    NodeProto& p = node_protos_[model];
    SPColumns sp_default = p.sp_default;
    if (!sp.empty()) {
      if (!has_structural_state(*p.info))
        throw UnknownParameter("'" + sp.begin()->first + "' is not a property of " + model +
                               ": only neurons have a calcium trace and synaptic elements");
      sp_set(sp_default, 0, sp, model);
    }
    std::vector<Value> row = p.defaults;
    apply_params(*p.info, row, plain, model);
    // Checked as a node would get them: defaults that follow the resolution (NaN until
    // then, e.g. a correlation_detector's delta_tau) resolved, and stored unresolved again
    // where the checks left them (the checks may derive values, e.g. n_synapses).
    const std::vector<Value> unresolved = row;
    if (p.info->resolve_defaults) p.info->resolve_defaults(grid_, row);
    const std::vector<Value> resolved = row;
    ParamRow view(*p.info, row);
    view.grid = &grid_;
    for (auto& [k, v] : plain) view.mark_given(k);
    // Validate through a scratch population so the model's own checks apply.
    std::unique_ptr<Population> scratch = p.info->make(*p.info);
    scratch->validate_row(view);
    for (std::size_t k = 0; k < row.size(); ++k) {
      const double *was = std::get_if<double>(&unresolved[k]), *filled = std::get_if<double>(&resolved[k]),
                   *now = std::get_if<double>(&row[k]);
      if (was && filled && now && std::isnan(*was) && !std::isnan(*filled) && *now == *filled) row[k] = *was;
    }
    p.defaults = std::move(row);
    if (!sp.empty()) {
      p.sp_default = std::move(sp_default);
      p.sp_set = true;
    }
    return;
  }
  SynapseProto s = synapse_protos_[synapse_id(model)];
  set_synapse_defaults(s, params);
  synapse_protos_[synapse_id(model)] = std::move(s);
}

void Simulator::copy_model(const std::string& existing, const std::string& new_name, const Dict& params) {
  if (node_protos_.count(new_name) ||
      std::any_of(synapse_protos_.begin(), synapse_protos_.end(), [&](auto& s) { return s.name == new_name; }))
    throw NewModelNameExists("model name '" + new_name + "' is already in use");
  if (node_protos_.count(existing)) {
    node_protos_[new_name] = node_protos_[existing];
    node_protos_[new_name].id = static_cast<long>(node_protos_.size()) - 1;
    try {
      set_defaults(new_name, params);
    } catch (...) {
      node_protos_.erase(new_name);
      throw;
    }
    return;
  }
  if (synapse_protos_.size() >= 255) throw KernelException("too many synapse models (at most 255)");
  SynapseProto s = synapse_protos_[synapse_id(existing)];
  s.name = new_name;
  synapse_protos_.push_back(s);
  try {
    set_defaults(new_name, params);
  } catch (...) {
    synapse_protos_.pop_back();
    throw;
  }
}

// --- nodes ----------------------------------------------------------------------

std::size_t Simulator::pop_index(uint32_t gid) const {
  if (gid == 0 || gid >= next_gid_)
    throw UnknownNode("node " + std::to_string(gid) + " does not exist (network has " + std::to_string(network_size()) +
                      " nodes)");
  auto it = std::upper_bound(pops_.begin(), pops_.end(), gid,
                             [](uint32_t g, const std::unique_ptr<Population>& p) { return g < p->first_gid(); });
  return static_cast<std::size_t>(it - pops_.begin()) - 1;
}
Population& Simulator::pop_of(uint32_t gid) { return *pops_[pop_index(gid)]; }
const Population& Simulator::pop_of(uint32_t gid) const { return *pops_[pop_index(gid)]; }
std::string Simulator::model_of(uint32_t gid) const { return pop_of(gid).model_name(); }

NodeCollection Simulator::create(const std::string& model, std::size_t n, const Dict& given) {
  const Stopwatch::Scope timed(sw_create_);
  const NodeProto& proto = node_proto(model);
  if (n < 1) throw BadProperty("Create: the number of nodes must be at least 1");
  if (static_cast<uint64_t>(next_gid_) + n >= 0xFFFFFFF0ull) throw KernelException("too many nodes");
  Dict params = given, sp;  // structural plasticity's keys are checked on a copy of the model's
  sp_split(params, sp);
  SPColumns sp_node = proto.sp_default;
  if (!sp.empty()) {
    if (!has_structural_state(*proto.info))
      throw UnknownParameter("'" + sp.begin()->first + "' is not a property of " + model +
                             ": only neurons have a calcium trace and synaptic elements");
    sp_set(sp_node, 0, sp, model);
  }
  std::vector<Value> row = proto.defaults;
  if (proto.info->resolve_defaults) proto.info->resolve_defaults(grid_, row);
  apply_params(*proto.info, row, params, model);
  {
    ParamRow view(*proto.info, row);
    view.grid = &grid_;
    for (auto& [k, v] : params) view.mark_given(k);
    std::unique_ptr<Population> scratch = proto.info->make(*proto.info);
    scratch->validate_row(view);
  }
  std::unique_ptr<Population> pop = proto.info->make(*proto.info);
  pop->attach(this);
  pop->init(model, next_gid_, n, row);
  NodeCollection nc = NodeCollection::range(next_gid_, n);
  next_gid_ += static_cast<uint32_t>(n);
  pops_.push_back(std::move(pop));
  if (!sp.empty() || proto.sp_set)
    for (std::size_t i = 0; i < n; ++i) sp_apply(pops_.size() - 1, i, sp_node);
  return nc;
}

NodeCollection Simulator::create(const std::string& model, std::size_t n, const Dict& params,
                                 const std::vector<Dict>& per_node, const std::map<std::string, Distribution>& random) {
  const Stopwatch::Scope timed(sw_create_);
  Dict scalars, lists;
  for (const auto& [k, v] : params) {
    const bool is_list = std::holds_alternative<std::vector<double>>(v) ||
                         std::holds_alternative<std::vector<long>>(v) ||
                         (std::holds_alternative<Quantity>(v) && std::get<Quantity>(v).is_array);
    const ModelInfo& info = *node_proto(model).info;
    const int idx = info.index_of(k);
    (is_list && idx >= 0 && info.specs[idx].numeric() ? lists : scalars)[k] = v;
  }
  for (const auto& [key, dist] : random) dist.validate(key);
  NodeCollection nc = create(model, n, scalars);
  try {
    if (!lists.empty()) set_status(nc, lists);
    if (!per_node.empty()) set_status(nc, per_node);
    if (!random.empty()) {
      std::vector<Dict> drawn(nc.size());
      uint32_t salt = 0;
      for (const auto& [key, dist] : random) {
        ++salt;
        for (std::size_t j = 0; j < nc.size(); ++j) {
          RandomStream rng(seed_, Purpose::kNodeParam, nc[j], salt);
          drawn[j][key] = dist.draw(rng);
        }
      }
      set_status(nc, drawn);
    }
  } catch (...) {
    pops_.pop_back();
    if (sp_nodes_.size() > pops_.size()) sp_nodes_.resize(pops_.size());  // its calcium and elements too
    next_gid_ = nc[0];
    throw;
  }
  return nc;
}

std::vector<Dict> Simulator::get_status(const NodeCollection& nodes, const std::vector<std::string>& keys) const {
  std::vector<Dict> out;
  out.reserve(nodes.size());
  for (uint32_t gid : nodes.ids()) {
    const Population& p = pop_of(gid);
    const std::size_t i = gid - p.first_gid();
    const ModelInfo& info = p.info();
    std::vector<Value> row = p.read_row(i);
    const ParamRow view(info, row);
    auto shown = [&](const std::string& key) { return !info.shows || info.shows(view, key); };
    Dict d;
    auto put = [&](const std::string& key) {
      if (sp_status(pop_index(gid), i, key, d)) return;  // Ca, synaptic_elements, ...
      const int k = shown(key) ? info.index_of(key) : -1;
      if (k >= 0 && info.specs[k].role != Role::kInternal) {
        d[key] = row[k];
        return;
      }
      Value v;
      if (shown(key) && p.get_extra(i, key, v)) {
        d[key] = v;
        return;
      }
      if (key == "global_id")
        d[key] = static_cast<long>(gid);
      else if (key == "model")
        d[key] = p.model_name();
      else if (key == "element_type")
        d[key] = element_type_of(info);
      else if (key == "recordables" && !info.recordables.empty())
        d[key] = info.recordables;
      else if (key == "receptor_types" && !info.receptor_types.empty())
        d[key] = info.receptor_types;
      else if (key == "local")
        d[key] = is_local(gid);
      else if (key == "frozen")
        d[key] = false;
      else if (key == "model_id")
        d[key] = node_protos_.count(p.model_name()) ? node_protos_.at(p.model_name()).id : -1L;
      else if (key == "t_spike" && info.kind == NodeKind::kNeuron)  // the last spike (ms), -1 before any
        d[key] = gid < last_spike_stamp_.size() && last_spike_stamp_[gid] > 0
                     ? grid_.steps_to_ms(last_spike_stamp_[gid]) - last_spike_offset_[gid]
                     : -1.0;
      else if (key == "vp")
        d[key] = static_cast<long>(vp_of(gid));
      else if (key == "thread")
        d[key] = static_cast<long>(block_of(gid) % threads_);
      else {
        std::vector<std::string> names = info.visible_names();
        for (auto& e : p.extra_keys()) names.push_back(e);
        for (const char* e : {"global_id", "model", "model_id", "element_type", "local", "frozen", "thread", "vp"})
          names.push_back(e);
        if (info.kind == NodeKind::kNeuron) names.push_back("t_spike");
        if (!info.receptor_types.empty()) names.push_back("receptor_types");
        throw UnknownParameter("'" + key + "' is not a property of " + p.model_name() + " (node " +
                               std::to_string(gid) + ")." + did_you_mean(key, names));
      }
    };
    if (keys.empty()) {
      for (auto& name : info.visible_names())
        if (shown(name)) put(name);
      for (auto& e : p.extra_keys())
        if (shown(e)) put(e);
      for (const char* e : {"global_id", "model", "model_id", "element_type", "local", "frozen", "thread", "vp"})
        put(e);
      if (info.kind == NodeKind::kNeuron) put("t_spike");
      if (has_structural_state(info))
        for (const std::string& e : sp_node_keys()) put(e);
      if (!info.recordables.empty()) put("recordables");
      if (!info.receptor_types.empty()) put("receptor_types");
    } else {
      for (auto& k : keys) put(k);
    }
    out.push_back(std::move(d));
  }
  return out;
}

void Simulator::expand_lists(const NodeCollection& nodes, const Dict& params, std::vector<Dict>& per_node) const {
  // Per-node lists (scalar parameters given as a list of len(nodes)) become one value per node.
  for (const auto& [key, value] : params) {
    std::size_t len = 0;
    bool is_list = false;
    if (auto v = std::get_if<std::vector<double>>(&value)) len = v->size(), is_list = true;
    if (auto v = std::get_if<std::vector<long>>(&value)) len = v->size(), is_list = true;
    if (auto q = std::get_if<Quantity>(&value); q && q->is_array) len = q->si.size(), is_list = true;
    bool split = false;
    if (is_list && !nodes.empty()) {
      const Population& p = pop_of(nodes[0]);
      const int k = p.info().index_of(key);
      split = k >= 0 && p.info().specs[k].numeric();
      // NEST takes the first len(nodes) values of a longer list (its store_restore_network
      // example relies on it); a shorter one is an error there too.
      if (split && len < nodes.size())
        throw BadProperty("'" + key + "': a list of " + std::to_string(len) + " values for " +
                          std::to_string(nodes.size()) + " nodes; give one value per node or a single value");
    }
    for (std::size_t j = 0; j < nodes.size(); ++j) {
      if (!split) {
        per_node[j][key] = value;
      } else if (auto v = std::get_if<std::vector<double>>(&value)) {
        per_node[j][key] = (*v)[j];
      } else if (auto l = std::get_if<std::vector<long>>(&value)) {
        per_node[j][key] = (*l)[j];
      } else {
        Quantity q = std::get<Quantity>(value);
        per_node[j][key] = Quantity{{q.si[j]}, q.dim, false};
      }
    }
  }
}

void Simulator::set_status(const NodeCollection& nodes, const Dict& params) {
  std::vector<Dict> per_node(nodes.size());
  expand_lists(nodes, params, per_node);
  set_status(nodes, per_node);
}

void Simulator::set_status(const NodeCollection& nodes, const Dict& params,
                           const std::map<std::string, Distribution>& random) {
  if (random.empty()) return set_status(nodes, params);
  for (const auto& [key, dist] : random) dist.validate(key);
  const uint32_t call = random_set_calls_ + 1;
  std::vector<Dict> per_node(nodes.size());
  uint32_t salt = 0;
  for (const auto& [key, dist] : random) {
    ++salt;
    for (std::size_t j = 0; j < nodes.size(); ++j) {
      RandomStream rng(seed_, Purpose::kNodeParam, nodes[j], (static_cast<uint64_t>(call) << 32) | (1000u + salt));
      per_node[j][key] = dist.draw(rng);
    }
  }
  // Fixed values go through the list-aware path first; all in one transaction.
  if (!params.empty()) {
    std::vector<Dict> fixed(nodes.size());
    Simulator::expand_lists(nodes, params, fixed);
    for (std::size_t j = 0; j < nodes.size(); ++j) per_node[j].insert(fixed[j].begin(), fixed[j].end());
  }
  set_status(nodes, per_node);
  random_set_calls_ = call;
}

void Simulator::set_status(const NodeCollection& nodes, const std::vector<Dict>& per_node) {
  if (per_node.size() != nodes.size())
    throw BadProperty("set: got " + std::to_string(per_node.size()) + " dictionaries for " +
                      std::to_string(nodes.size()) + " nodes");
  // Transaction: build and validate every new row before touching any node.
  struct Pending {
    Population* pop;
    std::size_t i;
    std::vector<Value> row;
    std::vector<std::pair<std::string, Value>> extra;
    bool has_sp = false;  // structural plasticity's keys, validated on a copy of the node
    SPColumns sp;
  };
  std::vector<Pending> pending;
  pending.reserve(nodes.size());
  for (std::size_t j = 0; j < nodes.size(); ++j) {
    Population& p = pop_of(nodes[j]);
    const std::size_t i = nodes[j] - p.first_gid();
    if (in_session_ && p.info().kind == NodeKind::kRecorder)
      throw BadProperty(p.model_name() +
                        ": recorder parameters cannot be changed while inside a Prepare/Run/Cleanup context");
    Pending pe{&p, i, p.read_row(i), {}};
    const std::vector<Value> before = p.info().kind == NodeKind::kRecorder ? pe.row : std::vector<Value>{};
    Dict schema_params;
    for (const auto& [key, value] : per_node[j]) {
      const auto extras = p.extra_keys();
      if (p.info().index_of(key) < 0 && std::find(extras.begin(), extras.end(), key) != extras.end()) {
        if (key != "n_events" || coerce_number(value, "", "n_events") != 0.0)
          throw BadProperty(p.model_name() + ": '" + key + "' can only be reset by setting n_events to 0");
        pe.extra.emplace_back(key, value);
      } else {
        schema_params[key] = value;
      }
    }
    Dict sp;
    sp_split(schema_params, sp);
    if (!sp.empty()) {
      pe.sp = sp_validated(pop_index(nodes[j]), i, sp);
      pe.has_sp = true;
    }
    apply_params(p.info(), pe.row, schema_params, p.model_name());
    ParamRow view(p.info(), pe.row);
    view.grid = &grid_;
    view.simulated = simulated_;
    if (!before.empty()) view.previous = &before;
    for (auto& [k, v] : schema_params) view.mark_given(k);
    p.validate_row(view);
    if (p.info().samples) {
      // As NEST: a multimeter's schedule and recordables are fixed once it is connected.
      for (const char* locked : {"record_from", "interval", "offset"}) {
        if (!schema_params.count(locked)) continue;
        finalize_store();
        const auto [a, b] = store_.row(nodes[j]);
        if (a != b)
          throw BadProperty(p.model_name() + ": '" + locked + "' cannot be changed once the " + p.model_name() +
                            " is connected");
      }
    }
    pending.push_back(std::move(pe));
  }
  for (auto& pe : pending) {
    for (auto& [k, v] : pe.extra)
      if (!pe.pop->set_extra(pe.i, k, v)) throw BadProperty("'" + k + "' cannot be set");
  }
  for (auto& pe : pending) pe.pop->write_row(pe.i, pe.row);
  for (auto& pe : pending)
    if (pe.has_sp) sp_apply(pop_index(pe.pop->first_gid()), pe.i, pe.sp);
}

// --- run sessions -----------------------------------------------------------------

void Simulator::begin_session() {
  if (in_session_) throw KernelException("Prepare called twice.");
  // As NEST's Prepare builds its presynaptic connection infrastructure, the store is
  // built here (Simulate does it otherwise), so that Prepare, not the first run, pays it.
  finalize_store();
  sw_simulate_.reset();  // NEST's time_simulate counts the runs since Prepare
  // Check every output first, so that a failure leaves all files as they were.
  for (auto& p : pops_) p->check_outputs();
  std::size_t opened = 0;
  try {
    for (; opened < pops_.size(); ++opened) pops_[opened]->open_outputs();
  } catch (...) {
    for (std::size_t k = 0; k <= opened && k < pops_.size(); ++k) pops_[k]->close_outputs();
    throw;
  }
  in_session_ = true;
}

void Simulator::end_session() noexcept {
  if (!in_session_) return;
  in_session_ = false;
  for (auto& p : pops_) p->close_outputs();
}

Simulator::RunScope::RunScope(Simulator& s) : sim_(s), own_(!s.in_session_) {
  if (own_) sim_.begin_session();
}

Simulator::RunScope::~RunScope() {
  if (!done_ && own_) sim_.end_session();
}

void Simulator::RunScope::finish() {
  done_ = true;
  try {
    for (auto& p : sim_.pops_) p->flush_outputs();
  } catch (...) {
    if (own_) sim_.end_session();
    throw;
  }
  if (own_) sim_.end_session();
}

Events Simulator::events(uint32_t gid) const {
  const Population& p = pop_of(gid);
  Value v;
  Events ev;
  if (p.info().kind != NodeKind::kRecorder)
    throw BadProperty("node " + std::to_string(gid) + " (" + p.model_name() + ") is not a recorder; it has no events");
  return p.recorded_events(gid - p.first_gid());
}

}  // namespace nestkit
