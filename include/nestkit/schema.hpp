#pragma once
// A model's declaration: its parameters, state, recordables and receptor ports,
// each with NEST's name, default, unit and constraint. All generic machinery
// (get/set by name, unit conversion, validation messages, docs) reads this table.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nestkit/value.hpp"

namespace nestkit {

class Population;

enum class PType { kDouble, kLong, kBool, kString, kDoubleVec, kLongVec, kStringVec };
enum class Role { kParameter, kState, kReadOnly, kInternal };
enum class NodeKind { kNeuron, kStimulator, kRecorder };

struct Constraint {
  enum Kind { kAny, kPositive, kNonNegative, kAtLeast, kRange } kind = kAny;
  double lo = 0.0, hi = 0.0;
  // Empty when `v` satisfies the constraint, else a phrase such as "must be > 0".
  std::string violation(double v) const;
};

inline Constraint positive() { return {Constraint::kPositive}; }
inline Constraint non_negative() { return {Constraint::kNonNegative}; }
inline Constraint at_least(double lo) { return {Constraint::kAtLeast, lo}; }
inline Constraint in_range(double lo, double hi) { return {Constraint::kRange, lo, hi}; }

struct ParamSpec {
  std::string name;
  PType type = PType::kDouble;
  Value default_value;
  std::string unit;
  Constraint constraint;
  std::string doc;
  Role role = Role::kParameter;
  int column = -1;  // numeric column or object column, by type
  // A derived entry has no column of its own: the model computes it from
  // internal state (e.g. V_m from the membrane potential relative to E_L).
  bool derived = false;
  bool numeric() const { return type == PType::kDouble || type == PType::kLong || type == PType::kBool; }
};

// Read access to one node's user-visible values during validation.
class ParamRow {
 public:
  const class TimeGrid* grid = nullptr;          // for checks against the resolution
  bool simulated = false;                        // the kernel has simulated (some values are then fixed)
  const std::vector<Value>* previous = nullptr;  // the node's values before a set_status, else null
  ParamRow(const class ModelInfo& info, std::vector<Value>& values) : info_(info), values_(values) {}
  double num(const std::string& name) const;
  const Value& get(const std::string& name) const;
  Value& at(const std::string& name);
  bool given(const std::string& name) const;
  void mark_given(const std::string& name);
  // The value before this set_status, or null (no previous values).
  const Value* before(const std::string& name) const;

 private:
  const ModelInfo& info_;
  std::vector<Value>& values_;
  std::vector<std::string> given_;
  friend class Population;
};

using Validator = std::function<void(const ParamRow&)>;
using Factory = std::function<std::unique_ptr<Population>(const ModelInfo&)>;

class ModelInfo {
 public:
  ModelInfo(std::string name, NodeKind kind, std::string doc_url = "")
      : name(std::move(name)), kind(kind), doc_url(std::move(doc_url)), archiving(kind == NodeKind::kNeuron) {}

  std::string name;
  NodeKind kind;
  std::string doc_url;
  std::string family;
  std::vector<ParamSpec> specs;
  std::vector<std::string> recordables;
  std::vector<long> spike_receptors{0};    // accepted receptor_type values for spikes
  std::vector<long> current_receptors{0};  // ... and for currents
  NameMap receptor_types;                  // NEST's receptor_types dictionary (port names), if the model has one
  bool accepts_current = true;
  bool emits_spikes = true;
  bool emits_current = false;
  bool samples = false;                      // multimeter-like: connects to the nodes it records
  bool archiving = true;                     // keeps a spike history for plastic synapses (NEST's ArchivingNode)
  bool records_weights = false;              // a weight_recorder: receives the events of synapses that name it
  bool own_recordables = false;              // recordables vary per node (cm_default): the population names them
  bool drives_synapses = false;              // a volume_transmitter: synapse models may name it (volume_transmitter)
  uint8_t secondary_out = 0;                 // secondary events it sends (bits of secondary_bit(Secondary))
  uint8_t secondary_in = 0;                  // ... and receives
  std::vector<long> secondary_receptors{0};  // receptor_type values secondary connections may name
  std::string element_type;                  // NEST's element_type when the kind's name is not it ("other")
  Validator validate;
  // Whether a node with these values shows `key` in its status (a recorder shows
  // only its recording backend's keys); every key when unset.
  std::function<bool(const ParamRow&, const std::string&)> shows;
  Factory make;
  // Fills defaults that depend on the kernel (noise_generator's dt = 10 resolutions)
  // in a row of model defaults, at Create and GetDefaults.
  std::function<void(const class TimeGrid&, std::vector<Value>&)> resolve_defaults;
  // Extra rule on incoming connections that depends on the source model; returns
  // an empty string when the connection is allowed, else the reason.
  std::function<std::string(const ModelInfo& source, long receptor)> check_source;
  int num_columns = 0;
  int obj_columns = 0;
  int internal_columns = 0;

  // Declaration helpers. `col` must equal the model's enum value for the entry,
  // which keeps the enum used by the update loop and this table in step.
  ModelInfo& param(int col, const std::string& n, double def, const std::string& unit, Constraint c,
                   const std::string& doc);
  ModelInfo& state(int col, const std::string& n, double def, const std::string& unit, const std::string& doc);
  ModelInfo& flag(int col, const std::string& n, bool def, const std::string& doc);
  ModelInfo& integer(int col, const std::string& n, long def, Constraint c, const std::string& doc,
                     Role role = Role::kParameter);
  ModelInfo& derived_state(const std::string& n, double def, const std::string& unit, const std::string& doc);
  ModelInfo& object(const std::string& n, PType type, Value def, const std::string& unit, const std::string& doc,
                    Role role = Role::kParameter);
  ModelInfo& internal(int col, const std::string& n);
  // NEST's ArchivingNode parameters, tau_minus and tau_minus_triplet, as the last numeric
  // columns (the kernel's spike archive reads them by name; the update never does).
  ModelInfo& archiving_params();

  int index_of(const std::string& name) const;  // -1 if unknown
  const ParamSpec& spec(const std::string& name) const;
  std::vector<std::string> visible_names() const;
  std::vector<Value> default_row() const;

 private:
  ModelInfo& add(ParamSpec s, int col);
};

}  // namespace nestkit
