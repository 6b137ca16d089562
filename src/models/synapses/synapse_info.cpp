// Declaration helpers of SynapseInfo and the list of built-in synapse models.
#include "nestkit/synapse_model.hpp"

#include <algorithm>
#include <deque>
#include <stdexcept>

#include "models/synapses/families.hpp"

namespace nestkit {

namespace {
SynapseInfo& add(SynapseInfo& s, SynapseParam p, int col) {
  if (s.find(p.name)) throw std::logic_error("duplicate declaration of " + p.name + " in " + s.name);
  int& size = p.common ? s.common_size : s.record_size;
  if (col != size) throw std::logic_error(s.name + ": column enum out of order at " + p.name);
  p.column = size;
  size += p.length;
  s.params.push_back(std::move(p));
  return s;
}
}  // namespace

SynapseInfo& SynapseInfo::param(int col, const std::string& n, double def, const std::string& unit, Constraint c,
                                const std::string& d) {
  return add(*this, {n, def, unit, c, d, false, false, false, false}, col);
}
SynapseInfo& SynapseInfo::state(int col, const std::string& n, double def, const std::string& unit, Constraint c,
                                const std::string& d) {
  return add(*this, {n, def, unit, c, d, false, true, false, false}, col);
}
SynapseInfo& SynapseInfo::hidden(int col, const std::string& n, double def) {
  return add(*this, {n, def, "ms", {}, "", false, true, false, true}, col);
}
SynapseInfo& SynapseInfo::common(int col, const std::string& n, double def, const std::string& unit, Constraint c,
                                 const std::string& d) {
  return add(*this, {n, def, unit, c, d, true, false, false, false}, col);
}
SynapseInfo& SynapseInfo::integer_state(int col, const std::string& n, long def, Constraint c, const std::string& d) {
  return add(*this, {n, static_cast<double>(def), "", c, d, false, true, true, false}, col);
}

SynapseInfo& SynapseInfo::boolean_state(int col, const std::string& n, bool def, const std::string& d) {
  SynapseParam p{n, def ? 1.0 : 0.0, "", {}, d, false, true, false, false};
  p.boolean = true;
  return add(*this, std::move(p), col);
}
SynapseInfo& SynapseInfo::integer_common(int col, const std::string& n, long def, Constraint c, const std::string& d) {
  return add(*this, {n, static_cast<double>(def), "", c, d, true, false, true, false}, col);
}
SynapseInfo& SynapseInfo::common_list(int col, const std::string& n, const std::vector<long>& def, Constraint c,
                                      const std::string& d) {
  SynapseParam p{n, def.empty() ? 0.0 : static_cast<double>(def[0]), "", c, d, true, false, true, false};
  p.length = static_cast<int>(def.size());
  p.default_list.assign(def.begin(), def.end());
  return add(*this, std::move(p), col);
}

const SynapseParam* SynapseInfo::find(const std::string& n) const {
  for (const auto& p : params)
    if (p.name == n) return &p;
  return nullptr;
}

std::vector<std::string> SynapseInfo::visible_names() const {
  std::vector<std::string> out = {"weight", "delay", "receptor_type"};
  for (const auto& p : params)
    if (!p.hidden) out.push_back(p.name);
  return out;
}

std::vector<double> SynapseInfo::default_record() const {
  std::vector<double> r(record_size);
  for (const auto& p : params)
    if (!p.common) r[p.column] = p.default_value;
  return r;
}

std::vector<double> SynapseInfo::default_common() const {
  std::vector<double> r(common_size);
  for (const auto& p : params) {
    if (!p.common) continue;
    if (p.length > 1)
      std::copy(p.default_list.begin(), p.default_list.end(), r.begin() + p.column);
    else
      r[p.column] = p.default_value;
  }
  return r;
}

const std::vector<const SynapseInfo*>& builtin_synapse_models() {
  // NEST registers an _hpc variant (a smaller target index; nestkit's is already
  // 4 bytes, so the variant is the same model) and an _lbl variant (a
  // synapse_label per connection, for GetConnections) of most models.
  static std::deque<SynapseInfo> variants;
  static const std::vector<const SynapseInfo*> models = [] {
    std::vector<const SynapseInfo*> base;
    synapses::register_static(base);
    synapses::register_stdp(base);
    synapses::register_short_term(base);
    synapses::register_stochastic(base);
    synapses::register_neuromodulated(base);
    synapses::register_facetshw(base);
    synapses::register_clopath(base);
    synapses::register_urbanczik(base);
    synapses::register_cont_delay(base);
    synapses::register_secondary(base);
    synapses::register_eprop(base);
    std::vector<const SynapseInfo*> m = base;
    for (const SynapseInfo* b : base) {
      if (b->supports_hpc) {
        variants.push_back(*b);
        variants.back().name += "_hpc";
        m.push_back(&variants.back());
      }
      if (b->supports_lbl) {
        variants.push_back(*b);
        SynapseInfo& l = variants.back();
        l.name += "_lbl";
        l.integer_state(l.record_size, "synapse_label", -1, {}, "Label of the connection, for GetConnections");
        m.push_back(&l);
      }
    }
    return m;
  }();
  return models;
}

}  // namespace nestkit
