#include "models/neurons/compartmental/cm_blueprint.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nestkit/errors.hpp"

namespace nestkit::cm {

namespace {

const char* const kModel = "cm_default";

// Name prefixes of the recordables, by RecordKind; a name is prefix + index.
const char* const kRecordPrefix[kRecordKinds] = {
    "v_comp",    "m_Na_",     "h_Na_",     "n_K_",         "g_r_AMPA_",    "g_d_AMPA_",    "g_r_GABA_",
    "g_d_GABA_", "g_r_NMDA_", "g_d_NMDA_", "g_r_AN_AMPA_", "g_d_AN_AMPA_", "g_r_AN_NMDA_", "g_d_AN_NMDA_"};
// The receptor kind a receptor recordable belongs to.
ReceptorKind record_receptor_kind(int k) {
  if (k <= kGdAMPA) return ReceptorKind::kAMPA;
  if (k <= kGdGABA) return ReceptorKind::kGABA;
  if (k <= kGdNMDA) return ReceptorKind::kNMDA;
  return ReceptorKind::kAMPA_NMDA;
}

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

std::vector<std::string> names_of(const std::vector<NestedParam>& params) {
  std::vector<std::string> out;
  for (const auto& p : params) out.push_back(p.name);
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// The dictionaries a status key gives: a single one or a list of them.
std::vector<const Json*> entries(const Json& request, const std::string& key) {
  std::vector<const Json*> out;
  if (request.kind == Json::kObject) {
    out.push_back(&request);
  } else if (request.kind == Json::kArray) {
    for (const Json& e : request.items) {
      if (e.kind != Json::kObject)
        throw BadProperty(std::string(kModel) + ": '" + key +
                          "' entry could not be identified, provide a dictionary or a list of dictionaries");
      out.push_back(&e);
    }
  } else {
    throw BadProperty(std::string(kModel) + ": '" + key +
                      "' entry could not be identified, provide a dictionary or a list of dictionaries");
  }
  return out;
}

long integer_entry(const Json& v, const std::string& where, const std::string& name) {
  if (v.kind != Json::kInt)
    throw TypeMismatch(std::string(kModel) + ": " + where + ": '" + name + "' must be an integer");
  return v.i;
}

// Checks the keys of an entry dictionary against `allowed`.
void check_keys(const Json& entry, const std::vector<std::string>& allowed, const std::string& where) {
  for (const auto& [k, v] : entry.members)
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      throw UnknownParameter(std::string(kModel) + ": " + where + ": unknown entry '" + k +
                             "' (allowed: " + joined(allowed) + ")." + did_you_mean(k, allowed));
}

// Applies a `params` dictionary to `slots` (defaults already there), checking each value.
void apply_params(const Json* params, const std::vector<NestedParam>& table, std::vector<double>& slots,
                  const std::string& where, const std::string& what) {
  if (!params) return;
  if (params->kind != Json::kObject)
    throw BadProperty(std::string(kModel) + ": " + where + ": 'params' must be a dictionary");
  for (const auto& [name, v] : params->members) {
    auto it = std::find_if(table.begin(), table.end(), [&](const NestedParam& p) { return name == p.name; });
    if (it == table.end())
      throw UnknownParameter(std::string(kModel) + ": " + where + ": '" + name + "' is not a parameter of " + what +
                             " (parameters: " + joined(names_of(table)) + ")." + did_you_mean(name, names_of(table)));
    if (!v.is_number()) throw TypeMismatch(std::string(kModel) + ": " + where + ": " + name + " must be a number");
    const double x = v.number();
    std::string why = std::isfinite(x) ? it->constraint.violation(x) : "must be a finite number";
    if (!why.empty())
      throw BadProperty(std::string(kModel) + ": " + where + ": " + name + " = " + fmt(x) + " " + why + ".");
    slots[it->slot] = x;
  }
}

ReceptorKind parse_kind(const std::string& name, const std::string& where) {
  for (int k = 0; k < kReceptorKinds; ++k)
    if (name == kind_name(static_cast<ReceptorKind>(k))) return static_cast<ReceptorKind>(k);
  const std::vector<std::string> kinds = {"AMPA", "GABA", "NMDA", "AMPA_NMDA"};
  throw BadProperty(std::string(kModel) + ": " + where + ": receptor_type '" + name + "' is not one of " +
                    joined(kinds) + "." + did_you_mean(name, kinds));
}

}  // namespace

const char* kind_name(ReceptorKind k) {
  switch (k) {
    case ReceptorKind::kAMPA:
      return "AMPA";
    case ReceptorKind::kGABA:
      return "GABA";
    case ReceptorKind::kNMDA:
      return "NMDA";
    case ReceptorKind::kAMPA_NMDA:
      return "AMPA_NMDA";
  }
  return "?";
}

const std::vector<NestedParam>& compartment_params() {
  // NEST's defaults. NEST starts v_comp at the default e_L (-70 mV), not at a given e_L.
  static const std::vector<NestedParam> params = {
      {"C_m", 1.0, "nF", positive(), "Capacitance of the compartment", kCm},
      {"g_C", 0.01, "uS", non_negative(), "Coupling conductance with the parent (unused at the root)", kGc},
      {"g_L", 0.1, "uS", non_negative(), "Leak conductance", kGl},
      {"e_L", -70.0, "mV", {}, "Leak reversal potential", kEl},
      {"v_comp", -70.0, "mV", {}, "Initial membrane potential", kVinit},
      {"gbar_Na", 0.0, "uS", non_negative(), "Maximal conductance of the Na channel", kGbarNa},
      {"e_Na", 50.0, "mV", {}, "Reversal potential of the Na channel", kENa},
      {"gbar_K", 0.0, "uS", non_negative(), "Maximal conductance of the K channel", kGbarK},
      {"e_K", -85.0, "mV", {}, "Reversal potential of the K channel", kEK},
  };
  return params;
}

const std::vector<NestedParam>& receptor_params(ReceptorKind k) {
  static const std::vector<NestedParam> ampa = {
      {"e_AMPA", 0.0, "mV", {}, "AMPA reversal potential", kErev},
      {"tau_r_AMPA", 0.2, "ms", positive(), "AMPA rise time", kTauR},
      {"tau_d_AMPA", 3.0, "ms", positive(), "AMPA decay time", kTauD},
  };
  static const std::vector<NestedParam> gaba = {
      {"e_GABA", -80.0, "mV", {}, "GABA reversal potential", kErev},
      {"tau_r_GABA", 0.2, "ms", positive(), "GABA rise time", kTauR},
      {"tau_d_GABA", 10.0, "ms", positive(), "GABA decay time", kTauD},
  };
  static const std::vector<NestedParam> nmda = {
      {"e_NMDA", 0.0, "mV", {}, "NMDA reversal potential", kErev},
      {"tau_r_NMDA", 0.2, "ms", positive(), "NMDA rise time", kTauR},
      {"tau_d_NMDA", 43.0, "ms", positive(), "NMDA decay time", kTauD},
  };
  static const std::vector<NestedParam> ampa_nmda = {
      {"e_AMPA_NMDA", 0.0, "mV", {}, "Reversal potential of both components", kErev},
      {"tau_r_AMPA", 0.2, "ms", positive(), "AMPA rise time", kTauR},
      {"tau_d_AMPA", 3.0, "ms", positive(), "AMPA decay time", kTauD},
      {"tau_r_NMDA", 0.2, "ms", positive(), "NMDA rise time", kTauR2},
      {"tau_d_NMDA", 43.0, "ms", positive(), "NMDA decay time", kTauD2},
      {"NMDA_ratio", 2.0, "", {}, "Ratio of NMDA to AMPA conductance", kRatio},
  };
  switch (k) {
    case ReceptorKind::kAMPA:
      return ampa;
    case ReceptorKind::kGABA:
      return gaba;
    case ReceptorKind::kNMDA:
      return nmda;
    case ReceptorKind::kAMPA_NMDA:
      return ampa_nmda;
  }
  return ampa;
}

Blueprint Blueprint::decode(const std::vector<double>& flat) {
  Blueprint b;
  if (flat.size() < 2) return b;
  const auto nc = static_cast<std::size_t>(flat[0]), nr = static_cast<std::size_t>(flat[1]);
  auto at = flat.begin() + 2;
  for (std::size_t c = 0; c < nc; ++c, at += kCompSlots) b.compartments.emplace_back(at, at + kCompSlots);
  for (std::size_t r = 0; r < nr; ++r, at += kRecSlots) b.receptors.emplace_back(at, at + kRecSlots);
  return b;
}

std::vector<double> Blueprint::encode() const {
  std::vector<double> flat = {static_cast<double>(compartments.size()), static_cast<double>(receptors.size())};
  for (const auto& c : compartments) flat.insert(flat.end(), c.begin(), c.end());
  for (const auto& r : receptors) flat.insert(flat.end(), r.begin(), r.end());
  return flat;
}

void Blueprint::add_compartments(const Json& request, const std::string& key) {
  Blueprint next = *this;
  for (const Json* entry : entries(request, key)) {
    const std::string where = key + "[" + std::to_string(next.compartments.size() - compartments.size()) + "]";
    check_keys(*entry, {"parent_idx", "params"}, where);
    const Json* parent = entry->find("parent_idx");
    if (!parent) throw BadProperty(std::string(kModel) + ": " + where + ": 'parent_idx' is missing");
    const long p = integer_entry(*parent, where, "parent_idx");
    const long n = static_cast<long>(next.compartments.size());
    if (p == -1 && n > 0)
      throw BadProperty(std::string(kModel) + ": " + where +
                        ": parent_idx -1 makes a second root; compartment 0, the root, already exists");
    if (p != -1 && (p < 0 || p >= n))
      throw BadProperty(std::string(kModel) + ": " + where + ": parent compartment " + std::to_string(p) +
                        " does not exist" +
                        (n == 0 ? " (add the root first, with parent_idx -1)"
                                : " (compartments 0.." + std::to_string(n - 1) + " exist)"));
    std::vector<double> slots(kCompSlots);
    for (const auto& prm : compartment_params()) slots[prm.slot] = prm.default_value;
    slots[kParent] = static_cast<double>(p);
    apply_params(entry->find("params"), compartment_params(), slots, where, "a compartment");
    next.compartments.push_back(std::move(slots));
  }
  *this = std::move(next);
}

void Blueprint::add_receptors(const Json& request, const std::string& key) {
  Blueprint next = *this;
  for (const Json* entry : entries(request, key)) {
    const std::string where = key + "[" + std::to_string(next.receptors.size() - receptors.size()) + "]";
    check_keys(*entry, {"comp_idx", "receptor_type", "params"}, where);
    const Json* comp = entry->find("comp_idx");
    const Json* type = entry->find("receptor_type");
    if (!comp) throw BadProperty(std::string(kModel) + ": " + where + ": 'comp_idx' is missing");
    if (!type) throw BadProperty(std::string(kModel) + ": " + where + ": 'receptor_type' is missing");
    const long c = integer_entry(*comp, where, "comp_idx");
    const long n = static_cast<long>(compartments.size());
    if (c < 0 || c >= n)
      throw BadProperty(
          std::string(kModel) + ": " + where + ": compartment " + std::to_string(c) + " does not exist" +
          (n == 0 ? " (the node has no compartments)" : " (compartments 0.." + std::to_string(n - 1) + " exist)"));
    if (type->kind != Json::kString)
      throw TypeMismatch(std::string(kModel) + ": " + where + ": 'receptor_type' must be a string");
    const ReceptorKind kind = parse_kind(type->s, where);
    std::vector<double> slots(kRecSlots, 0.0);
    for (const auto& prm : receptor_params(kind)) slots[prm.slot] = prm.default_value;
    slots[kComp] = static_cast<double>(c);
    slots[kKind] = static_cast<double>(kind);
    apply_params(entry->find("params"), receptor_params(kind), slots, where,
                 std::string("a ") + kind_name(kind) + " receptor");
    // The normalisation of the double exponential divides by tau_d - tau_r.
    if (slots[kTauR] == slots[kTauD] || (kind == ReceptorKind::kAMPA_NMDA && slots[kTauR2] == slots[kTauD2]))
      throw BadProperty(std::string(kModel) + ": " + where + ": rise and decay times of a " + kind_name(kind) +
                        " receptor must differ.");
    next.receptors.push_back(std::move(slots));
  }
  *this = std::move(next);
}

std::string Blueprint::compartments_status() const {
  std::string s = "[";
  for (std::size_t c = 0; c < compartments.size(); ++c)
    s += std::string(c ? ", " : "") + "{\"comp_idx\": " + std::to_string(c) +
         ", \"parent_idx\": " + std::to_string(static_cast<long>(compartments[c][kParent])) + "}";
  return s + "]";
}

std::string Blueprint::receptors_status() const {
  std::string s = "[";
  bool first = true;
  for (std::size_t c = 0; c < compartments.size(); ++c)
    for (int k = 0; k < kReceptorKinds; ++k)
      for (std::size_t r = 0; r < receptors.size(); ++r) {
        if (receptors[r][kComp] != static_cast<double>(c) || receptors[r][kKind] != k) continue;
        s += std::string(first ? "" : ", ") + "{\"comp_idx\": " + std::to_string(c) +
             ", \"receptor_idx\": " + std::to_string(r) +
             ", \"receptor_type\": " + json_quote(kind_name(static_cast<ReceptorKind>(k))) + "}";
        first = false;
      }
  return s + "]";
}

std::vector<std::string> Blueprint::recordables() const {
  std::vector<std::string> names;
  for (std::size_t c = 0; c < compartments.size(); ++c)
    for (int k = kVComp; k <= kNK; ++k) names.push_back(kRecordPrefix[k] + std::to_string(c));
  for (std::size_t r = 0; r < receptors.size(); ++r)
    for (int k = kGrAMPA; k < kRecordKinds; ++k)
      if (static_cast<int>(record_receptor_kind(k)) == static_cast<int>(receptors[r][kKind]))
        names.push_back(kRecordPrefix[k] + std::to_string(r));
  std::sort(names.begin(), names.end());
  return names;
}

bool recordable_code(const std::vector<double>& flat, const std::string& name, int& code) {
  if (flat.size() < 2) return false;
  const auto nc = static_cast<long>(flat[0]), nr = static_cast<long>(flat[1]);
  // Longest prefix first: "g_r_AN_AMPA_" must not be read as a shorter one.
  int best = -1;
  std::size_t best_len = 0;
  for (int k = 0; k < kRecordKinds; ++k) {
    const std::string prefix = kRecordPrefix[k];
    if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 && prefix.size() > best_len) {
      best = k;
      best_len = prefix.size();
    }
  }
  if (best < 0) return false;
  const std::string digits = name.substr(best_len);
  if (digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
  if (digits.size() > 1 && digits[0] == '0') return false;  // NEST's names have no leading zeros
  const long idx = std::stol(digits);
  if (best <= kNK) {
    if (idx >= nc) return false;
  } else {
    if (idx >= nr) return false;
    const double kind = flat[2 + kCompSlots * nc + kRecSlots * idx + kKind];
    if (kind != static_cast<double>(record_receptor_kind(best))) return false;
  }
  code = best * kCodeStride + static_cast<int>(idx);
  return true;
}

}  // namespace nestkit::cm
