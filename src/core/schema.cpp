#include "nestkit/schema.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nestkit/errors.hpp"

namespace nestkit {

std::string Constraint::violation(double v) const {
  // The usual case (no violation) builds no string: validation runs per node.
  switch (kind) {
    case kAny:
      return "";
    case kPositive:
      return v > 0.0 ? "" : "must be > 0";
    case kNonNegative:
      return v >= 0.0 ? "" : "must be >= 0";
    case kAtLeast:
      if (v >= lo) return "";
      break;
    case kRange:
      if (v >= lo && v <= hi) return "";
      break;
  }
  std::ostringstream s;
  if (kind == kAtLeast)
    s << "must be >= " << lo;
  else
    s << "must be in [" << lo << ", " << hi << "]";
  return s.str();
}

ModelInfo& ModelInfo::add(ParamSpec s, int col) {
  if (index_of(s.name) >= 0) throw std::logic_error("duplicate declaration of " + s.name + " in " + name);
  if (s.derived) {
    s.column = -1;
  } else if (s.numeric()) {
    if (col != num_columns) throw std::logic_error(name + ": column enum out of order at " + s.name);
    s.column = num_columns++;
  } else {
    s.column = obj_columns++;
  }
  specs.push_back(std::move(s));
  return *this;
}

ModelInfo& ModelInfo::archiving_params() {
  param(num_columns, "tau_minus", 20.0, "ms", {Constraint::kPositive}, "Time constant of the STDP post-synaptic trace");
  return param(num_columns, "tau_minus_triplet", 110.0, "ms", {Constraint::kPositive},
               "Triplet-STDP post-synaptic time constant");
}

ModelInfo& ModelInfo::param(int col, const std::string& n, double def, const std::string& unit, Constraint c,
                            const std::string& doc) {
  return add({n, PType::kDouble, def, unit, c, doc, Role::kParameter}, col);
}
ModelInfo& ModelInfo::state(int col, const std::string& n, double def, const std::string& unit,
                            const std::string& doc) {
  return add({n, PType::kDouble, def, unit, {}, doc, Role::kState}, col);
}
ModelInfo& ModelInfo::flag(int col, const std::string& n, bool def, const std::string& doc) {
  return add({n, PType::kBool, def, "", {}, doc, Role::kParameter}, col);
}
ModelInfo& ModelInfo::integer(int col, const std::string& n, long def, Constraint c, const std::string& doc,
                              Role role) {
  return add({n, PType::kLong, def, "", c, doc, role}, col);
}
ModelInfo& ModelInfo::derived_state(const std::string& n, double def, const std::string& unit, const std::string& doc) {
  ParamSpec s{n, PType::kDouble, def, unit, {}, doc, Role::kState};
  s.derived = true;
  return add(s, -1);
}
ModelInfo& ModelInfo::object(const std::string& n, PType type, Value def, const std::string& unit,
                             const std::string& doc, Role role) {
  return add({n, type, std::move(def), unit, {}, doc, role}, -1);
}
ModelInfo& ModelInfo::internal(int col, const std::string& n) {
  return add({n, PType::kDouble, 0.0, "", {}, "", Role::kInternal}, col);
}

int ModelInfo::index_of(const std::string& n) const {
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (specs[i].name == n) return static_cast<int>(i);
  return -1;
}

const ParamSpec& ModelInfo::spec(const std::string& n) const {
  const int i = index_of(n);
  if (i < 0 || specs[i].role == Role::kInternal)
    throw UnknownParameter("'" + n + "' is not a parameter of " + name + "." + did_you_mean(n, visible_names()));
  return specs[i];
}

std::vector<std::string> ModelInfo::visible_names() const {
  std::vector<std::string> out;
  for (const auto& s : specs)
    if (s.role != Role::kInternal) out.push_back(s.name);
  return out;
}

std::vector<Value> ModelInfo::default_row() const {
  std::vector<Value> row;
  for (const auto& s : specs) row.push_back(s.default_value);
  return row;
}

double ParamRow::num(const std::string& n) const {
  const Value& v = get(n);
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto l = std::get_if<long>(&v)) return static_cast<double>(*l);
  if (auto b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  throw TypeMismatch("'" + n + "' is not numeric");
}
const Value& ParamRow::get(const std::string& n) const { return values_.at(info_.index_of(n)); }
const Value* ParamRow::before(const std::string& n) const {
  return previous ? &previous->at(info_.index_of(n)) : nullptr;
}
Value& ParamRow::at(const std::string& n) { return values_.at(info_.index_of(n)); }
bool ParamRow::given(const std::string& n) const { return std::find(given_.begin(), given_.end(), n) != given_.end(); }
void ParamRow::mark_given(const std::string& n) { given_.push_back(n); }

}  // namespace nestkit
