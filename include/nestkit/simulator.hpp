#pragma once
// The C++ API: one Simulator is one NEST kernel (nodes, connections, time).
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "nestkit/connection_store.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/node_collection.hpp"
#include "nestkit/population.hpp"
#include "nestkit/stopwatch.hpp"
#include "nestkit/structural_plasticity.hpp"
#include "nestkit/synapse_model.hpp"
#include "nestkit/thread_team.hpp"
#include "nestkit/time_grid.hpp"
#include "nestkit/value.hpp"

namespace nestkit {

// A parameter expression for weights, delays or node parameters (PyNEST's
// nest.random / nest.math / nest.logic and Parameter arithmetic). Leaves:
// "constant" (a), "uniform" (a=min, b=max), "normal" (a=mean, b=std), "lognormal"
// (a=mean, b=std of the underlying normal), "exponential" (a=beta), "uniform_int"
// (a=max). Operators take their operands in args: "add" "sub" "mul" "div" (2),
// "neg" "exp" "sin" "cos" (1), "pow" (1, a=exponent), "min"/"max" (1, a=bound),
// "lt" "le" "eq" "ne" "ge" "gt" (2, giving 1 or 0), "conditional" (3: condition,
// if true, if false), "redraw" (1, a=min, b=max). Evaluation is depth-first,
// left to right, so a stream gives the same value whatever the thread count.
struct Distribution {
  std::string type;
  double a = 0.0, b = 1.0;
  std::vector<Distribution> args;
  double draw(class RandomStream& rng) const;
  // Throws BadProperty (naming `what`) on an unknown operator, a wrong number of
  // operands or invalid distribution parameters.
  void validate(const std::string& what) const;
};

// Where a per-connection value comes from.
struct ParamSource {
  enum Kind { kUnset, kScalar, kArray, kRandom } kind = kUnset;
  double scalar = 0.0;
  std::vector<double> array;
  Distribution dist;
  static ParamSource of(double v) { return {kScalar, v, {}, {}}; }
  static ParamSource of(std::vector<double> v) { return {kArray, 0.0, std::move(v), {}}; }
  static ParamSource of(Distribution d) { return {kRandom, 0.0, {}, std::move(d)}; }
};

struct ConnSpec {
  std::string rule = "all_to_all";
  Dict params;  // indegree, outdegree, N, p, allow_autapses, allow_multapses
};

struct SynSpec {
  std::string synapse_model = "static_synapse";
  ParamSource weight, delay;
  std::optional<long> receptor_type;
  // Every other per-synapse value the model declares (tau_plus, U, Kplus, ...).
  std::map<std::string, ParamSource> params;
  // Structural plasticity (NEST's pre_/post_synaptic_element in syn_spec): each connection
  // made counts as a connected element of these names on its source and its target.
  std::string pre_element, post_element;
};

// Connections found by get_connections; valid until connections change.
struct SynapseCollection {
  std::vector<uint64_t> index;
  uint64_t generation = 0;
};

// Values of the requested keys over a SynapseCollection.
struct ConnectionTable {
  std::vector<std::string> keys;
  std::vector<std::vector<Value>> columns;  // one value per connection, per key
};

class Simulator {
 public:
  Simulator();
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Discards all nodes, connections, copied models and changed defaults.
  void reset();

  // --- kernel status ----------------------------------------------------------
  Dict kernel_status() const;
  void set_kernel_status(const Dict& d);
  double resolution() const { return grid_.resolution(); }
  double biological_time() const { return grid_.steps_to_ms(now_steps()); }
  std::size_t num_connections() const { return store_.size(); }
  std::size_t network_size() const { return next_gid_ - 1; }

  // --- models -------------------------------------------------------------------
  std::vector<std::string> node_models() const;
  std::vector<std::string> synapse_models() const;
  // The unit a synapse model declares for `param` ("" if none or unknown).
  std::string synapse_param_unit(const std::string& model, const std::string& param) const;
  Dict get_defaults(const std::string& model) const;
  void set_defaults(const std::string& model, const Dict& params);
  void copy_model(const std::string& existing, const std::string& new_name, const Dict& params = {});
  std::string model_of(uint32_t gid) const;

  // --- nodes ----------------------------------------------------------------------
  NodeCollection create(const std::string& model, std::size_t n = 1, const Dict& params = {});
  // Create with values that differ per node: lists in `params` (one value per node),
  // one dictionary per node, or random distributions drawn per node. All or nothing:
  // if any value is invalid, no node is created.
  NodeCollection create(const std::string& model, std::size_t n, const Dict& params, const std::vector<Dict>& per_node,
                        const std::map<std::string, Distribution>& random);
  // One dictionary per node; `keys` empty means every key.
  std::vector<Dict> get_status(const NodeCollection& nodes, const std::vector<std::string>& keys = {}) const;
  // Scalar-typed keys with a list value of len(nodes) give one value per node.
  void set_status(const NodeCollection& nodes, const Dict& params);
  void set_status(const NodeCollection& nodes, const std::vector<Dict>& per_node);
  // As above, with values drawn per node from random distributions (nest.random),
  // from streams keyed by (seed, node, this call), so any thread count draws alike.
  void set_status(const NodeCollection& nodes, const Dict& params, const std::map<std::string, Distribution>& random);
  Events events(uint32_t recorder_gid) const;

  // --- connections ---------------------------------------------------------------
  void connect(const NodeCollection& pre, const NodeCollection& post, const ConnSpec& conn = {},
               const SynSpec& syn = {});
  // NEST's CollocatedSynapses: the rule draws the pairs once, and every pair gets one
  // connection per synapse specification; all or nothing.
  void connect(const NodeCollection& pre, const NodeCollection& post, const ConnSpec& conn,
               const std::vector<SynSpec>& collocated);
  // NEST's TripartiteConnect: the primary connections pre -> post by `conn`; then, for each,
  // with probability p (third_factor_bernoulli_with_pool) a node of the target's pool in
  // `third` is connected third -> target (syn_specs "third_out") and source -> third
  // ("third_in"). Each of the three may be collocated synapses (one connection per
  // specification and pair). All three sets are made, or none.
  void tripartite_connect(const NodeCollection& pre, const NodeCollection& post, const NodeCollection& third,
                          const ConnSpec& conn, const ConnSpec& third_conn, const std::vector<SynSpec>& primary,
                          const std::vector<SynSpec>& third_in, const std::vector<SynSpec>& third_out);
  // Explicit pairs (PyNEST's connect_arrays): sources[k] -> targets[k].
  void connect_arrays(const std::vector<uint32_t>& sources, const std::vector<uint32_t>& targets,
                      const SynSpec& syn = {});
  SynapseCollection get_connections(const NodeCollection* sources = nullptr, const NodeCollection* targets = nullptr,
                                    const std::string* synapse_model = nullptr, const long* synapse_label = nullptr);
  ConnectionTable connection_values(const SynapseCollection& c, const std::vector<std::string>& keys) const;
  // Removes these connections (NEST's Disconnect / SynapseCollection.disconnect).
  void disconnect(const SynapseCollection& c);
  // Scalar values apply to all; a list gives one value per connection.
  void set_connections(const SynapseCollection& c, const Dict& params);
  // Connection storage (finalized) divided by the number of connections.
  double bytes_per_synapse() const {
    return store_.size() ? static_cast<double>(store_.memory_bytes()) / static_cast<double>(store_.size()) : 0.0;
  }

  // --- recording outputs ---------------------------------------------------------
  // NEST's io_manager keys: where recorders writing files put them.
  struct OutputSettings {
    std::string data_path, data_prefix;
    bool overwrite_files = false;
  };
  const OutputSettings& output_settings() const { return io_; }
  int num_virtual_processes() const { return threads_ * ranks_; }
  int rank() const { return rank_; }
  int num_processes() const { return ranks_; }
  int local_threads() const { return threads_; }
  // Whether node `gid` is updated by this process (devices: every process).
  bool is_local(uint32_t gid) const;
  int block_of(uint32_t gid) const;  // rank * threads + thread of the process that updates it
  int vp_of(uint32_t gid) const;     // that block's number as NEST numbers virtual processes
  bool has_simulated() const { return simulated_; }
  // A run session (NEST's Prepare ... Cleanup): recorders check and open their
  // outputs when it begins (an existing file without overwrite_files is an IOError
  // that changes nothing), flush them after each simulate() and close them when it
  // ends. A simulate() outside a session is a session of its own.
  void begin_session();
  void end_session() noexcept;
  bool in_session() const { return in_session_; }

  // --- simulation ----------------------------------------------------------------
  void simulate(double ms);
  long min_delay_steps() const { return min_delay_; }
  long max_delay_steps() const { return max_delay_; }

  // Internal: devices send events through their outgoing synapses.
  void send_spike(uint32_t source, long stamp, uint32_t multiplicity, double weight_factor = 1.0, double offset = 0.0);
  // A spike whose multiplicity the device draws for each target.
  void send_drawn(uint32_t source, long stamp, const PerTargetDraw* draw);
  // A spike for one target only: the synapse at `position` of the source's row, with an
  // offset (ms before the stamp); poisson_generator_ps draws a precise train per target.
  void send_spike_to(uint32_t source, long stamp, uint64_t position, double offset);
  void send_current(uint32_t source, long stamp, double amplitude);
  // A current whose amplitude the device gives each target (draw must live until the chunk is routed).
  void send_current_drawn(uint32_t source, long stamp, const PerTargetCurrent* draw);
  // Number of outgoing synapses of `source` (finalized rows; positions 0..n-1 of PerTargetDraw).
  uint64_t out_degree(uint32_t source) const;
  // Internal: a node that drives synapses (a volume_transmitter) has the trigger of every synapse
  // whose model names it run up to the end of step stamp-1, with the spikes the node holds.
  void trigger_synapses(uint32_t driver, long stamp);
  uint32_t seed() const { return seed_; }
  const TimeGrid& grid() const { return grid_; }
  // Waveform relaxation settings (NEST's kernel status keys).
  bool use_wfr() const { return use_wfr_; }
  double wfr_tol() const { return wfr_tol_; }
  int wfr_interpolation_order() const { return wfr_order_; }
  // Iterations of the last relaxed interval, and intervals that hit wfr_max_iterations.
  long wfr_last_iterations() const { return wfr_last_iterations_; }

  // --- structural plasticity (src/kernel/structural_plasticity.cpp) ----------------
  // NEST's EnableStructuralPlasticity / DisableStructuralPlasticity; the rules and the
  // update interval are the kernel status keys structural_plasticity_synapses and
  // structural_plasticity_update_interval.
  void enable_structural_plasticity();
  void disable_structural_plasticity() { sp_enabled_ = false; }
  bool structural_plasticity_enabled() const { return sp_enabled_; }
  // Brings every neuron's calcium and synaptic elements up to the current time, as NEST
  // does at the end of each Simulate/Run call (the gaussian and sigmoid curves restart
  // their Euler integration there). simulate() does not, so that a run split into calls
  // equals one call; PyNEST's Simulate and Run call this at their end.
  void sync_structural_plasticity();
  // Adds n (negative: removes) connected elements `pre` on each source and `post` on each
  // target of these pairs (Connect/Disconnect with pre_/post_synaptic_element). Nodes without
  // an element of that name are skipped, as in NEST.
  void sp_count_connected(const std::vector<uint32_t>& sources, const std::vector<uint32_t>& targets,
                          const std::string& pre, const std::string& post, long n);

 private:
  struct NodeProto {
    const ModelInfo* info;
    std::vector<Value> defaults;
    long id = 0;  // NEST's model_id: built-in models in registration order, copies after them
    // Structural plasticity defaults (SetDefaults/CopyModel of Ca, tau_Ca, beta_Ca,
    // synaptic_elements): one node's worth; `sp_set` once they differ from a fresh node's.
    SPColumns sp_default = fresh_sp();
    bool sp_set = false;
    static SPColumns fresh_sp() {
      SPColumns c;
      c.resize(1);
      return c;
    }
  };
  struct SynapseProto {
    std::string name;
    const SynapseInfo* info = nullptr;
    double weight = 1.0;
    double delay = 1.0;
    long receptor_type = 0;
    std::vector<double> record;  // defaults of the per-synapse columns
    std::vector<double> common;  // the model's common properties
    uint32_t weight_recorder = 0;
    uint32_t volume_transmitter = 0;
  };
  // A weight_recorder event, gathered per thread during delivery.
  struct WeightEvent {
    long stamp;
    uint32_t sender, target;
    double weight;
    long receptor, port;
    uint32_t recorder;
  };

  std::vector<uint32_t> pop_starts() const;
  Population& pop_of(uint32_t gid);
  const Population& pop_of(uint32_t gid) const;
  std::size_t pop_index(uint32_t gid) const;
  const NodeProto& node_proto(const std::string& model) const;
  int synapse_id(const std::string& model) const;
  long now_steps() const { return slice_origin_ + from_step_; }
  void apply_params(const ModelInfo& info, std::vector<Value>& row, const Dict& params, const std::string& model) const;
  void check_connectable(const Population& src, uint32_t source, const Population& tgt, uint32_t target,
                         long receptor) const;
  void finish_call(StagedCall& call, const SynSpec& syn, uint32_t call_id);
  // Connect's checks of its node sets: neither empty, and recorders only by one_to_one or all_to_all.
  void check_connect_sets(const NodeCollection& pre, const NodeCollection& post, const std::string& rule) const;
  void commit(StagedCall&& call);  // splits a call with per-connection ports, then commit_one
  void commit_one(StagedCall&& call);
  void prepare();
  void wire_samplers();
  void expand_lists(const NodeCollection& nodes, const Dict& params, std::vector<Dict>& per_node) const;
  DeliveryBlocks delivery_blocks() const;
  void finalize_store() { store_.finalize(next_gid_ - 1, delivery_blocks(), threads_); }
  double syn_value(const SynapseProto& p, const std::string& key, const std::vector<double>& record, double weight,
                   double delay) const;
  // `model_check`: also the model's own rule across values (NEST's set_status; at Connect only
  // when the syn_spec names a model parameter besides weight, delay and receptor_type).
  void check_synapse_values(const SynapseProto& p, const std::vector<double>& record, double weight, double delay,
                            bool model_check = true) const;
  void set_synapse_defaults(SynapseProto& p, const Dict& params) const;
  void deliver_plastic(const Segment& sg, uint32_t source, long stamp, uint32_t multiplicity, double offset, int tid);
  void flush_weight_events();
  // Synapses driven by a node (volume_transmitter) and models delivered serially: found before each run.
  void index_special_synapses();
  // What a model's update needs beyond the segment: the spikes of the volume_transmitter it names,
  // its writable common values (serial models).
  void attach_model_context(SynapseSpike& ss, uint8_t synapse_model);
  // Delivers this chunk's spikes through the segments of serial models, on one thread (tid), in the
  // routing order; the parallel routing skips them.
  // Serial synapse models: the chunk's device spikes (slice == nullptr), or a finished slice's spikes.
  void deliver_serial(int tid, const std::vector<EmittedSpike>* slice);
  // The previous slice's spikes reach their targets at the start of the next slice, as in NEST
  // (so connection state read between Simulate calls is NEST's).
  void deliver_previous_slice(bool team);
  // Runs the triggers of one driver over its segments of one phase: this thread's share of them.
  void run_triggers(uint32_t driver, bool late, long stamp, const std::vector<ModulatorSpike>* spikes, int tid, int nt);
  // The triggers of this chunk that NEST runs after the targets' and the device sources' updates.
  void run_late_triggers(int tid, int nt);
  // An event from a device or a spike, routed through the source's synapses.
  struct Event {
    enum Kind : uint8_t { kSpike, kDrawn, kCurrent, kTargeted } kind = kSpike;
    uint32_t source = 0;
    uint32_t multiplicity = 1;
    long stamp = 0;
    double value = 1.0;   // spike: weight factor; current: amplitude
    double offset = 0.0;  // spike offset / payload
    const PerTargetDraw* draw = nullptr;
    const PerTargetCurrent* current = nullptr;  // kCurrent with a per-target amplitude
    uint64_t position = 0;                      // kTargeted: the synapse's position in the source's row
  };
  void run_chunk(long from, long to, bool slice_end);
  void run_chunk_shares(long from, long to, bool slice_end, bool team);
  // Secondary events: every source's values of the last interval through its secondary
  // connections (only the waveform-relaxation kinds when `wfr_only`), this thread's segments.
  void route_secondary(bool wfr_only, long origin, int tid);
  // The waveform-relaxation iterations of the interval starting now (NEST's preliminary update).
  void relax_interval();
  // Within simulate(): begins a session unless one is open; finish() flushes the
  // outputs (raising write errors) and ends the session it began; leaving without
  // finish() (an exception) ends it quietly.
  class RunScope {
   public:
    explicit RunScope(Simulator& s);
    ~RunScope();
    void finish();

   private:
    Simulator& sim_;
    bool own_ = false, done_ = false;
  };
  // Delivers `e` to the targets this thread owns (recorders: thread 0 only).
  void route(const Event& e, int tid, int nt, bool recorders, std::vector<uint32_t>& scratch);
  void route_targeted(const Event& e, int tid, bool recorders, uint32_t first_seg, uint32_t last_seg);
  // Nodes [first, last) of a neuron population of n that virtual process `vp` (rank * threads
  // + thread) updates and delivers to: contiguous blocks, so lanes stay contiguous.
  std::pair<std::size_t, std::size_t> vp_block(std::size_t n, int vp) const {
    const std::size_t nvp = static_cast<std::size_t>(threads_) * static_cast<std::size_t>(ranks_);
    return {n * static_cast<std::size_t>(vp) / nvp, n * static_cast<std::size_t>(vp + 1) / nvp};
  }
  // Distributed runs: the last slice's spikes of every process (to_deliver_), and an error
  // found on any rank raised on all of them.
  void exchange_spikes();
  void raise_on_all_ranks(const std::string& local_error);
  // Secondary events across ranks (secondary.cpp): the union of the sources, each rank's
  // values of the last interval gathered, and a source's values from wherever it is updated.
  void share_secondary_sources();
  void exchange_secondary();
  const double* secondary_values_of(const Population& sp, uint32_t source, Secondary kind, std::size_t& length) const;
  std::vector<double> remote_values_;
  uint64_t shared_generation_ = ~uint64_t{0};  // store generation the shared sources are of
  double time_exchange_ = 0.0;                 // s spent in the exchanges (time_communicate_spike_data)
  // NEST's timers: Create and Connect calls since ResetKernel, Simulate/Run since Prepare.
  Stopwatch sw_create_, sw_connect_, sw_simulate_;
  std::unordered_map<uint64_t, std::pair<std::size_t, std::size_t>> remote_index_;  // (source, kind) -> values

  TimeGrid grid_;
  uint32_t seed_ = 143202461;
  int threads_ = 1;
  ThreadTeamChoice team_choice_;
  int rank_ = 0, ranks_ = 1;  // this process and the number of processes (MPI ranks)
  std::map<std::string, NodeProto> node_protos_;
  std::vector<SynapseProto> synapse_protos_;
  std::vector<std::unique_ptr<Population>> pops_;
  uint32_t next_gid_ = 1;
  ConnectionStore store_;
  uint32_t connect_calls_ = 0;
  uint32_t random_set_calls_ = 0;

  OutputSettings io_;
  bool in_session_ = false;

  long min_delay_ = 1, max_delay_ = 1;
  long conn_min_delay_ = -1, conn_max_delay_ = -1;  // over all connections made
  // min_delay and max_delay set by the user (ms; NaN: not set), as NEST's DelayChecker: then
  // they are the run's extrema and every connection's delay must lie within them.
  // The synapse model of each stimulation device's connections: NEST allows one per device.
  std::unordered_map<uint32_t, uint8_t> device_synapse_;
  std::vector<uint32_t> devices_new_to(const StagedCall& call,
                                       std::pair<uint32_t, uint32_t> sources) const;  // throws on a second model
  // NEST's data loggers: a node numbers the multimeters connected to it 1, 2, ... (their
  // connection's receptor), and takes each one once.
  std::unordered_map<uint32_t, uint32_t> loggers_of_;   // node -> multimeters connected
  std::unordered_map<uint64_t, uint32_t> logger_port_;  // (multimeter << 32 | node) -> its number
  // The numbers the call's multimeter connections get (bookkeeping only: the stored receptor
  // stays, so a multimeter's targets keep their order); throws on a repeated pair.
  std::vector<std::pair<uint64_t, uint32_t>> number_loggers(const StagedCall& call,
                                                            std::pair<uint32_t, uint32_t> sources) const;
  double user_min_delay_ms_ = std::numeric_limits<double>::quiet_NaN();
  double user_max_delay_ms_ = std::numeric_limits<double>::quiet_NaN();
  bool user_delay_extrema(long& lo, long& hi) const;  // in steps; false when not set
  void check_user_delay(long d) const;                // BadDelay outside the user's extrema
  bool simulated_ = false;
  long slice_origin_ = 0;
  long from_step_ = 0;
  long slice_ = 0;
  std::vector<std::vector<EmittedSpike>> thread_spikes_;
  std::vector<EmittedSpike> slice_spikes_;
  // Each node's last spike (NEST's ArchivingNode t_spike): its stamp (0: none yet) and offset.
  std::vector<long> last_spike_stamp_;
  std::vector<double> last_spike_offset_;
  void note_last_spikes(std::size_t first);  // of slice_spikes_[first, end)
  std::vector<EmittedSpike> to_deliver_;     // the last finished slice's spikes, delivered at the next slice's start
  std::vector<Event> device_events_;
  // Per thread: scratch of the plastic delivery path and weight_recorder events.
  struct ThreadScratch {
    std::vector<double> out_weight;
    std::vector<uint8_t> out_sent;
    std::vector<uint32_t> mult;
    std::vector<WeightEvent> weight_events;
    std::vector<uint32_t> targets;  // a segment's targets, decoded from a narrow store
  };
  std::vector<ThreadScratch> scratch_;
  // Every segment of a model with a trigger: its driver, whether it is triggered late (see
  // driven_synapses.cpp) and its index; sorted.
  struct DrivenSegment {
    uint32_t driver;
    bool late;
    uint32_t segment;
    bool operator<(const DrivenSegment& o) const {
      return driver != o.driver ? driver < o.driver : late != o.late ? late < o.late : segment < o.segment;
    }
  };
  std::vector<DrivenSegment> driven_segments_;
  struct LateTrigger {
    uint32_t driver;
    long stamp;
    std::vector<ModulatorSpike> spikes;  // the driver's spikes at the trigger
  };
  std::vector<LateTrigger> late_triggers_;  // of the current chunk
  bool any_serial_ = false;                 // some segment belongs to a serial model
  bool special_synapses_ = false;           // connections of a model with a trigger or serial were made
  // Secondary events: the sources of secondary connections (ascending), whether any carries
  // an instantaneous coupling, and the waveform-relaxation settings.
  std::vector<uint32_t> secondary_sources_;
  bool any_secondary_ = false, any_wfr_coupling_ = false;
  bool use_wfr_ = true;
  double wfr_comm_interval_ = 1.0, wfr_tol_ = 1e-4;
  long wfr_max_iterations_ = 15;
  int wfr_order_ = 3;
  long wfr_last_iterations_ = 0;

  // --- structural plasticity (src/kernel/structural_plasticity.cpp) -----------------
  // Calcium and synaptic elements per population (empty for devices), the rules, and
  // whether and how often the connectivity is updated (ms).
  std::vector<SPColumns> sp_nodes_;
  std::vector<SPSynapseRule> sp_rules_;
  double sp_interval_ = 10000.0;
  bool sp_enabled_ = false;
  SPColumns* sp_columns(std::size_t pop);  // null for devices; sized to the population
  // Moves the structural plasticity keys of `params` into `sp`.
  static void sp_split(Dict& params, Dict& sp);
  // Node i of population `pop`: a structural key's value as at the current time.
  bool sp_status(std::size_t pop, std::size_t i, const std::string& key, Dict& out) const;
  // Validates `sp` for node i (brought up to now on a copy); apply writes it.
  SPColumns sp_validated(std::size_t pop, std::size_t i, const Dict& sp) const;
  void sp_apply(std::size_t pop, std::size_t i, const SPColumns& one);
  void sp_kernel_status(Dict& d) const;
  // Takes the structural plasticity keys out of a kernel status change and validates
  // them into `rules` and `interval` (the caller commits them with the other keys).
  void sp_take_kernel_status(Dict& d, std::vector<SPSynapseRule>& rules, double& interval) const;
  // Before a run: the rules' element names and synapse models must be usable.
  void sp_check_run();
  // Calcium and elements of the neurons that spiked in the slice's new spikes.
  void sp_on_spikes(std::size_t first_new);
  // At a slice start on the update interval: delete and create synapses.
  void sp_update_connectivity();
};

}  // namespace nestkit
