// cm_default: NEST's compartmental neuron. A node is a tree of passive
// compartments (optionally with Na and K channels) with AMPA, GABA, NMDA and
// AMPA+NMDA receptors, built at run time through the status keys `compartments`,
// `add_compartments`, `receptors` and `add_receptors`. Each step solves the
// implicit (Crank-Nicolson) system of the tree in NEST's order; the node spikes
// when the root's voltage crosses V_th from below (no reset, no refractoriness).
//
// The structure keys carry lists of dictionaries, which the core's values cannot
// hold: they travel as JSON text (the Python APIs convert PyNEST's lists of dicts).
#include <sstream>
#include <string>

#include "models/neurons/compartmental/cm_blueprint.hpp"
#include "models/neurons/compartmental/cm_population.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {
namespace {

using cm::Blueprint;

// The parameters a compartment's or receptor's `params` may hold, for the docs.
std::string nested_doc(const std::vector<cm::NestedParam>& params) {
  std::string s;
  for (const auto& p : params) {
    std::ostringstream d;
    d << p.default_value;
    if (*p.unit) d << " " << p.unit;
    if (p.constraint.kind == Constraint::kPositive) d << ", > 0";
    if (p.constraint.kind == Constraint::kNonNegative) d << ", >= 0";
    s += std::string(s.empty() ? "" : "; ") + p.name + " (" + d.str() + ")";
  }
  return s;
}

// Applies the structure keys of a status dictionary (in NEST's order) to the
// node's blueprint and refreshes the entries derived from it. Runs on the row
// being validated, so a failing entry changes nothing.
void apply_structure(const ParamRow& row) {
  const bool any = row.given("compartments") || row.given("add_compartments") || row.given("receptors") ||
                   row.given("add_receptors");
  if (!any) return;
  auto& r = const_cast<ParamRow&>(row);
  Blueprint bp = Blueprint::decode(std::get<std::vector<double>>(row.get("cm_blueprint")));
  auto request = [&](const std::string& key) {
    return cm::parse_json(std::get<std::string>(row.get(key)), "cm_default: " + key);
  };
  if (row.given("compartments")) {
    if (!bp.compartments.empty())
      throw BadProperty("cm_default: 'compartments' is already defined for this model (use 'add_compartments')");
    bp.add_compartments(request("compartments"), "compartments");
  }
  if (row.given("add_compartments")) bp.add_compartments(request("add_compartments"), "add_compartments");
  if (row.given("receptors")) {
    if (!bp.receptors.empty())
      throw BadProperty("cm_default: 'receptors' is already defined for this model (use 'add_receptors')");
    bp.add_receptors(request("receptors"), "receptors");
  }
  if (row.given("add_receptors")) bp.add_receptors(request("add_receptors"), "add_receptors");
  r.at("cm_blueprint") = bp.encode();
  r.at("compartments") = bp.compartments_status();
  r.at("receptors") = bp.receptors_status();
  r.at("recordables") = bp.recordables();
  r.at("add_compartments") = std::string();
  r.at("add_receptors") = std::string();
}

ModelInfo make_info() {
  ModelInfo m("cm_default", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/cm_default.html");
  m.family = "compartmental";
  m.param(cm::V_th, "V_th", -55.0, "mV", {}, "Spike threshold of the root compartment")
      .param(cm::tau_minus, "tau_minus", 20.0, "ms", positive(), "Time constant of the STDP post-synaptic trace")
      .param(cm::tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", positive(),
             "Triplet-STDP post-synaptic time constant");
  std::string receptor_doc;
  for (int k = 0; k < cm::kReceptorKinds; ++k) {
    const auto kind = static_cast<cm::ReceptorKind>(k);
    receptor_doc += std::string(k ? "; " : "") + cm::kind_name(kind) + ": " + nested_doc(cm::receptor_params(kind));
  }
  m.object("compartments", PType::kString, std::string("[]"), "",
           "Set once: a dictionary or list of dictionaries {parent_idx (-1: root), params}; reads back as "
           "[{comp_idx, parent_idx}]. params: " +
               nested_doc(cm::compartment_params()))
      .object("receptors", PType::kString, std::string("[]"), "",
              "Set once: {comp_idx, receptor_type, params}, receptor indices in the order added; reads back as "
              "[{comp_idx, receptor_idx, receptor_type}]. Kinds and params: " +
                  receptor_doc)
      .object("add_compartments", PType::kString, std::string(), "", "Adds compartments (as 'compartments')")
      .object("add_receptors", PType::kString, std::string(), "", "Adds receptors (as 'receptors')")
      .object("recordables", PType::kStringVec, std::vector<std::string>{}, "",
              "The node's recordables: v_comp{i}, m_Na_{i}, h_Na_{i}, n_K_{i} per compartment i and the "
              "receptors' conductances (g_r_AMPA_{r}, ..., g_d_AN_NMDA_{r}) per receptor r",
              Role::kReadOnly)
      .object("cm_blueprint", PType::kDoubleVec, std::vector<double>{0.0, 0.0}, "", "", Role::kInternal);
  m.own_recordables = true;
  m.shows = [](const ParamRow&, const std::string& key) { return key != "add_compartments" && key != "add_receptors"; };
  m.validate = apply_structure;
  m.make = [](const ModelInfo& info) { return std::make_unique<cm::CmDefaultPopulation>(info); };
  return m;
}

}  // namespace

void register_compartmental_family(std::vector<const ModelInfo*>& out) {
  static const ModelInfo info = make_info();
  out.push_back(&info);
}

}  // namespace nestkit
