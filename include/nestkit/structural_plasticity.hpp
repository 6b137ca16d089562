#pragma once
// NEST 3.10's structural plasticity: every neuron's calcium trace and synaptic
// elements (NEST's StructuralPlasticityNode), and the kernel's rules that pair
// vacant elements into synapses and delete synapses of retracted elements
// (NEST's SPManager). The kernel calls this through Simulator; models know nothing
// of it.
//
// Node status goes through flat keys, since the core's Dict holds no nested
// dictionaries: "Ca", "tau_Ca", "beta_Ca"; "synaptic_elements" (the element names)
// with "synaptic_elements.<name>.<key>" per element value; the same for
// "synaptic_elements_param" when setting. The Python bindings nest them again.
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nestkit/value.hpp"

namespace nestkit {

// How the number of elements z grows with the calcium concentration.
struct GrowthCurve {
  enum Kind : uint8_t { kLinear, kGaussian, kSigmoid } kind = kLinear;
  double eps = 0.7;                                // target calcium (all curves)
  double eta = 0.1;                                // gaussian: calcium where growth turns positive
  double psi = 0.1;                                // sigmoid: width
  static const std::vector<std::string>& names();  // sorted, as NEST's growth_curves
  const char* name() const;
  // z at t, given z_minus and the calcium Ca_minus at t_minus (decaying with tau_Ca).
  // linear: closed form; gaussian and sigmoid: NEST's forward Euler with step h.
  double integrate(double t, double t_minus, double ca_minus, double z_minus, double tau_ca, double growth_rate,
                   double h) const;
};

struct SynapticElement {
  double z = 0.0, z_t = 0.0;
  long z_connected = 0;
  bool continuous = true;
  double growth_rate = 1.0;
  double tau_vacant = 0.1;
  GrowthCurve curve;
  long vacant() const { return static_cast<long>(std::floor(z)) - z_connected; }
  // What the connection rules see (NEST's get_synaptic_elements): z, floored unless continuous.
  double amount() const { return continuous ? z : std::floor(z); }
  void connect(long n) {
    z_connected += n;
    if (z_connected > std::floor(z)) z = static_cast<double>(z_connected) + (z - std::floor(z));
  }
  void decay_vacant() {
    if (vacant() > 0) z -= static_cast<double>(vacant()) * tau_vacant;
  }
};

// The calcium traces and synaptic elements of one neuron population, by column.
// The calcium is `ca` at `ca_t` (its last spike or connectivity update); `sync_t` is when
// NEST last brought the node up to date (also at the end of each Simulate), where the
// elements were integrated to. Keeping the calcium's anchor at events makes its value
// independent of how a run is split; the elements restart their integration at sync_t
// from the calcium there, as NEST's.
struct SPColumns {
  std::vector<double> ca, ca_t, sync_t, tau_ca, beta_ca;
  struct Element {
    std::vector<uint8_t> has;
    std::vector<SynapticElement> e;
  };
  std::map<std::string, Element> elements;  // by name, sorted as NEST's map
  void resize(std::size_t n);
  // Node i's elements and calcium up to t (NEST's update_synaptic_elements at a spike or a
  // connectivity update). Returns false when an element was last updated at another time
  // than the node (NEST's error for elements replaced after a simulation).
  bool advance(std::size_t i, double t, double h);
  // The same at the end of a run: the elements only, the calcium keeps its anchor.
  bool sync(std::size_t i, double t, double h);
  double calcium_at(std::size_t i, double t) const {
    return t == ca_t[i] ? ca[i] : ca[i] * std::exp((ca_t[i] - t) / tau_ca[i]);
  }
};

// One rule of structural_plasticity_synapses.
struct SPSynapseRule {
  std::string name, synapse_model, pre_element, post_element;
  bool allow_autapses = true, allow_multapses = true;
  Dict syn_params;  // weight, delay, further synapse parameters given with the rule
};

class ModelInfo;
// Whether a model's nodes have NEST's structural plasticity state (NEST's
// StructuralPlasticityNode: neurons, except those NEST derives from Node directly).
bool has_structural_state(const ModelInfo& info);
// Whether a model's spike offset is the precise spike time (NEST passes it to
// set_spiketime), not a payload.
bool spike_offset_is_time(const ModelInfo& info);

// Keys of a node's status that structural plasticity owns.
bool is_structural_node_key(const std::string& key);
// Reads/writes one node's keys; `set` validates everything before changing the node,
// naming `where` (model and node) in errors.
void sp_get(const SPColumns& c, std::size_t i, const std::string& key, Dict& out);
std::vector<std::string> sp_node_keys();
void sp_set(SPColumns& c, std::size_t i, const Dict& params, const std::string& where);
// Defaults of a fresh node (NEST's StructuralPlasticityNode constructor).
void sp_init_node(SPColumns& c, std::size_t i);

}  // namespace nestkit
