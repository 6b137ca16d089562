#pragma once
// The structure of one cm_default node: its compartments (tree by parent index)
// and receptors, each with its parameters. NEST builds a node's tree at run time
// through the `compartments`/`receptors` status keys; nestkit keeps the whole
// description in the node's row (one internal column, a flat list of numbers), so
// the generic machinery (transactional set, Create with params, SetDefaults,
// CopyModel) applies to it unchanged, and the population compiles the rows into
// its structure-of-arrays layout (cm_population.hpp).
#include <string>
#include <vector>

#include "models/neurons/compartmental/cm_json.hpp"
#include "nestkit/schema.hpp"

namespace nestkit::cm {

// Receptor kinds, in the order NEST evaluates (and lists) a compartment's receptors.
enum class ReceptorKind : int { kAMPA = 0, kGABA = 1, kNMDA = 2, kAMPA_NMDA = 3 };
inline constexpr int kReceptorKinds = 4;
const char* kind_name(ReceptorKind k);

// Slots of a compartment's parameters.
enum CompSlot : int { kParent, kCm, kGc, kGl, kEl, kVinit, kGbarNa, kENa, kGbarK, kEK, kCompSlots };
// Slots of a receptor's parameters (AMPA_NMDA uses all; the others the first three).
enum RecSlot : int { kComp, kKind, kErev, kTauR, kTauD, kTauR2, kTauD2, kRatio, kRecSlots };

// A parameter given in a compartment's or receptor's `params`, as NEST names it.
struct NestedParam {
  const char* name;
  double default_value;
  const char* unit;
  Constraint constraint;
  const char* doc;
  int slot;
};
const std::vector<NestedParam>& compartment_params();
const std::vector<NestedParam>& receptor_params(ReceptorKind k);

struct Blueprint {
  // kCompSlots numbers per compartment, kRecSlots per receptor, in the order added.
  std::vector<std::vector<double>> compartments;
  std::vector<std::vector<double>> receptors;

  // The row's internal column: [n_comp, n_rec, compartments..., receptors...].
  static Blueprint decode(const std::vector<double>& flat);
  std::vector<double> encode() const;

  // Appends the compartments (or receptors) a status key gives: one dictionary or a
  // list of them. Checks everything first; throws naming the key and the entry.
  void add_compartments(const Json& request, const std::string& key);
  void add_receptors(const Json& request, const std::string& key);

  // NEST's status views: [{comp_idx, parent_idx}], [{comp_idx, receptor_idx, receptor_type}]
  // (per compartment, receptors grouped by kind), as JSON text; and the sorted recordables.
  std::string compartments_status() const;
  std::string receptors_status() const;
  std::vector<std::string> recordables() const;
};

// Whether a node with this flat blueprint can record `name`; `code` receives the
// node-independent index the population's recordable() decodes.
bool recordable_code(const std::vector<double>& flat, const std::string& name, int& code);

// Recordable codes: kind * kCodeStride + index (compartment or receptor index).
inline constexpr int kCodeStride = 1 << 20;
enum RecordKind : int {
  kVComp,
  kMNa,
  kHNa,
  kNK,
  // receptor state j of a receptor of the named kind (AMPA g_r, g_d; ...)
  kGrAMPA,
  kGdAMPA,
  kGrGABA,
  kGdGABA,
  kGrNMDA,
  kGdNMDA,
  kGrANAMPA,
  kGdANAMPA,
  kGrANNMDA,
  kGdANNMDA,
  kRecordKinds
};

}  // namespace nestkit::cm
