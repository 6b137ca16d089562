#pragma once
// A synapse model's declaration, as a neuron model has one: its NEST name, its
// parameters and state with defaults, units and constraints (which are stored per
// synapse and which are common properties of the model), what it needs from the
// postsynaptic neuron, and its update at spike delivery. Everything generic
// (syn_spec validation, get/set by name, GetDefaults, CopyModel, docs) reads this.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nestkit/population.hpp"
#include "nestkit/schema.hpp"

namespace nestkit {

class SpikeArchive;
class ClopathArchive;
class UrbanczikArchive;
class EpropArchive;

struct SynapseParam {
  std::string name;
  double default_value = 0.0;
  std::string unit;
  Constraint constraint;
  std::string doc;
  bool common = false;   // a property of the model (the _hom models), not of each synapse
  bool state = false;    // a state variable (Kplus, u, x, ...), not a parameter
  bool integer = false;  // read and written as an integer (quantal_stp_synapse's n, a)
  bool hidden = false;   // bookkeeping the user never sees (the last presynaptic spike time)
  int column = -1;       // index into the per-synapse record, or into the common values
  bool boolean = false;  // read as a bool (0 or 1 stored), e.g. stdp_facetshw_synapse_hom's init_flag
  int length = 1;        // > 1: a list of `length` integers in columns [column, column + length) (common only)
  std::vector<double> default_list;  // defaults of a list
};

// One presynaptic spike crossing a run of synapses of one segment (one source, one
// Connect call, one target population, one delivering thread).
struct SynapseSpike {
  uint32_t source = 0;
  long stamp = 0;        // step at whose end the spike was emitted
  double t_spike = 0.0;  // stamp in ms (NEST's t_spike)
  double resolution = 0.1;
  std::size_t count = 0;
  const uint32_t* target = nullptr;
  double* weight = nullptr;  // per-synapse weights; plastic models always have them
  double shared_weight = 0.0;
  SynColumn<uint16_t> delay;  // steps
  double* record = nullptr;   // per-synapse records (record_size doubles each) or the shared one
  bool record_each = false;
  int record_size = 0;
  const double* common = nullptr;
  SpikeArchive* post = nullptr;           // the target population's spike history (archiving models)
  ClopathArchive* clopath = nullptr;      // its Clopath membrane-potential history (needs_clopath models)
  UrbanczikArchive* urbanczik = nullptr;  // its Urbanczik prediction-error history (needs_urbanczik models)
  EpropArchive* eprop = nullptr;          // its e-prop history (needs_eprop models)
  uint32_t post_first = 0;                // first global id of the target population
  uint32_t seed = 0;
  uint64_t row_position = 0;  // position of synapse 0 of this run in the source's row
  // Outputs: the weight each synapse transmits and whether it transmits at all.
  double* out_weight = nullptr;
  uint8_t* out_sent = nullptr;
  // The spikes held by the node the model names in its volume_transmitter (models with a trigger).
  const ModulatorSpike* modulator = nullptr;
  std::size_t modulator_count = 0;
  // The model's common values, writable (serial models only: nothing else runs meanwhile).
  double* common_state = nullptr;

  double* record_of(std::size_t k) const { return record_each ? record + k * record_size : record; }
  double w(std::size_t k) const { return weight ? weight[k] : shared_weight; }
  double delay_ms(std::size_t k) const { return delay[k] * resolution; }
};

using SynapseSend = void (*)(SynapseSpike&);
using SynapseCheck = std::function<void(const std::function<double(const std::string&)>& value)>;

struct SynapseInfo {
  SynapseInfo(std::string name, std::string doc) : name(std::move(name)), doc(std::move(doc)) {}

  std::string name;
  std::string doc;
  double default_weight = 1.0;
  // Non-empty: the weight is no parameter of this model (diffusion_connection), and setting it
  // anywhere (syn_spec, SetDefaults, set) is a BadProperty with this reason.
  std::string weight_refusal;
  bool weight_common = false;  // static_synapse_hom_w: one weight for all connections
  std::vector<SynapseParam> params;
  int record_size = 0;
  int common_size = 0;
  bool plastic = false;           // weights change at delivery: stored per synapse
  bool shares_pre_state = true;   // a record may be kept once for a whole segment (state driven by the source alone)
  bool stochastic = false;        // draws per synapse: records always per synapse
  bool needs_archive = false;     // reads the postsynaptic spike history (STDP)
  bool needs_clopath = false;     // reads the Clopath voltage history: targets must keep one
  bool needs_urbanczik = false;   // reads the Urbanczik prediction-error history: targets must keep one
  bool needs_eprop = false;       // reads the e-prop history (eprop_synapse): targets must keep one
  bool receives_markers = false;  // sees marker spikes (EmittedSpike::marker, e.g. e-prop flush events)
  bool device_sources = true;     // false: only neurons may send through it (a model with a send() never
                                  // takes devices either, as in NEST)
  bool supports_hpc = true;
  bool supports_lbl = true;
  SynapseCheck check;          // cross-parameter constraints (e.g. weight and Wmax of one sign)
  SynapseSend send = nullptr;  // null: transmit the stored weight (static synapses)
  // Synapses driven by a third node (NEST's volume_transmitter), which the model names in its
  // volume_transmitter common property: `send` then reads that node's spikes (SynapseSpike::modulator),
  // and at the node's request the kernel runs `trigger` over every synapse naming it, with t_spike and
  // stamp set to the trigger time and no outputs (weights and records are updated in place).
  SynapseSend trigger = nullptr;
  // The model changes its common values at delivery (a counter of synapses, say): the kernel delivers
  // its synapses one call at a time, in a fixed order, with SynapseSpike::common_state set.
  bool serial = false;
  // A secondary-event connection (rate, diffusion, gap junction): what it carries.
  Secondary secondary = Secondary::kNone;
  bool has_delay = true;            // false: a delay in syn_spec is an error; counts as wfr_comm_interval
  bool requires_symmetric = false;  // gap_junction: connect with make_symmetric
  bool supports_wfr = false;        // delivered after each waveform-relaxation iteration
  // cont_delay_synapse: the record column holding the delay's continuous part (ms, subtracted from
  // the whole steps and added to the spike's offset at delivery); -1 for models on the grid.
  int continuous_delay_column = -1;
  bool has_continuous_delay() const { return continuous_delay_column >= 0; }
  // Values derived from others when SetDefaults/CopyModel change common properties; `given` tells
  // which keys the call set.
  void (*derive_common)(double* common, const std::function<bool(const std::string&)>& given) = nullptr;

  // Declaration helpers; `col` must equal the model's enum value for the entry.
  SynapseInfo& param(int col, const std::string& n, double def, const std::string& unit, Constraint c,
                     const std::string& doc);
  SynapseInfo& state(int col, const std::string& n, double def, const std::string& unit, Constraint c,
                     const std::string& doc);
  SynapseInfo& hidden(int col, const std::string& n, double def);
  SynapseInfo& common(int col, const std::string& n, double def, const std::string& unit, Constraint c,
                      const std::string& doc);
  SynapseInfo& integer_state(int col, const std::string& n, long def, Constraint c, const std::string& doc);
  SynapseInfo& boolean_state(int col, const std::string& n, bool def, const std::string& doc);
  SynapseInfo& integer_common(int col, const std::string& n, long def, Constraint c, const std::string& doc);
  // A common list of integers of fixed length (columns col .. col + size - 1); `c` holds for each entry.
  SynapseInfo& common_list(int col, const std::string& n, const std::vector<long>& def, Constraint c,
                           const std::string& doc);

  const SynapseParam* find(const std::string& n) const;
  std::vector<std::string> visible_names() const;  // weight, delay, ... and every non-hidden parameter
  std::vector<double> default_record() const;
  std::vector<double> default_common() const;
};

// Every built-in synapse model (base models; _hpc/_lbl variants are registered by the kernel).
const std::vector<const SynapseInfo*>& builtin_synapse_models();

}  // namespace nestkit
