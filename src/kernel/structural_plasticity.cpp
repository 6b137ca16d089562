// The kernel's side of structural plasticity (NEST's SPManager): the rules
// (structural_plasticity_synapses), the calcium update at every spike, and the
// connectivity update every structural_plasticity_update_interval ms: synapses of
// elements that retracted below their connected count are deleted (partners chosen
// at random), then vacant pre- and postsynaptic elements are paired at random.
// Random choices come from one counter-based stream per (rule, update time), so
// results do not depend on the thread count or on how Simulate is chunked.
#include <algorithm>
#include <cmath>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "nestkit/coerce.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {

namespace {
constexpr const char* kRulesKey = "structural_plasticity_synapses";
constexpr const char* kIntervalKey = "structural_plasticity_update_interval";
const std::vector<std::string> kRuleKeys = {"synapse_model",  "pre_synaptic_element", "post_synaptic_element",
                                            "allow_autapses", "allow_multapses",      "weight",
                                            "delay"};

std::string rule_text(const Value& v, const std::string& what) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  throw TypeMismatch(what + " expects a string, got " + type_name(v));
}

// NEST's global_shuffle(v, n): n draws without replacement, in draw order.
std::vector<uint32_t> draw_without_replacement(std::vector<uint32_t> v, std::size_t n, RandomStream& rng) {
  std::vector<uint32_t> out;
  out.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t r = static_cast<std::size_t>(rng.uniform_int(v.size()));
    out.push_back(v[r]);
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(r));
  }
  return out;
}

SynapticElement* element_of(SPColumns* c, std::size_t i, const std::string& name) {
  if (!c) return nullptr;
  auto it = c->elements.find(name);
  return it != c->elements.end() && it->second.has[i] ? &it->second.e[i] : nullptr;
}
}  // namespace

SPColumns* Simulator::sp_columns(std::size_t pop) {
  if (sp_nodes_.size() < pops_.size()) sp_nodes_.resize(pops_.size());
  const Population& p = *pops_[pop];
  if (!has_structural_state(p.info())) return nullptr;
  SPColumns& c = sp_nodes_[pop];
  if (c.ca.size() != p.size()) c.resize(p.size());
  return &c;
}

void Simulator::sp_split(Dict& params, Dict& sp) {
  for (auto it = params.begin(); it != params.end();) {
    if (is_structural_node_key(it->first)) {
      sp.insert(*it);
      it = params.erase(it);
    } else {
      ++it;
    }
  }
}

// A one-node copy of node i, brought up to the current time (NEST brings every node
// up to the end of each run; reading lazily gives the same values and keeps runs
// independent of how Simulate is chunked).
static SPColumns sp_snapshot(const std::vector<SPColumns>& all, std::size_t pop, std::size_t i, double now, double h) {
  SPColumns one;
  one.resize(1);
  if (pop < all.size() && i < all[pop].ca.size()) {
    const SPColumns& c = all[pop];
    one.ca[0] = c.ca[i];
    one.ca_t[0] = c.ca_t[i];
    one.sync_t[0] = c.sync_t[i];
    one.tau_ca[0] = c.tau_ca[i];
    one.beta_ca[0] = c.beta_ca[i];
    for (const auto& [name, col] : c.elements)
      if (col.has[i]) one.elements[name] = SPColumns::Element{{1}, {col.e[i]}};
  }
  one.advance(0, now, h);
  return one;
}

bool Simulator::sp_status(std::size_t pop, std::size_t i, const std::string& key, Dict& out) const {
  if (!has_structural_state(pops_[pop]->info())) return false;
  const bool element_value = key.rfind("synaptic_elements.", 0) == 0;  // one flat key of an element
  if (key != "Ca" && key != "tau_Ca" && key != "beta_Ca" && key != "synaptic_elements" && !element_value) return false;
  const SPColumns one = sp_snapshot(sp_nodes_, pop, i, biological_time(), grid_.steps_to_ms(1));
  if (!element_value) {
    sp_get(one, 0, key, out);
    return true;
  }
  Dict all;
  sp_get(one, 0, "synaptic_elements", all);
  auto it = all.find(key);
  if (it == all.end()) return false;  // the caller names the valid keys
  out[key] = it->second;
  return true;
}

SPColumns Simulator::sp_validated(std::size_t pop, std::size_t i, const Dict& sp) const {
  const Population& p = *pops_[pop];
  const std::string where = p.model_name() + " (node " + std::to_string(p.first_gid() + i) + ")";
  if (!has_structural_state(p.info()))
    throw UnknownParameter(
        "'" + sp.begin()->first + "' is not a property of " + where +
        ": only neurons NEST derives from its StructuralPlasticityNode have a calcium trace and synaptic elements");
  SPColumns one = sp_snapshot(sp_nodes_, pop, i, biological_time(), grid_.steps_to_ms(1));
  sp_set(one, 0, sp, where);
  return one;
}

void Simulator::sp_apply(std::size_t pop, std::size_t i, const SPColumns& one) {
  SPColumns& c = *sp_columns(pop);
  c.ca[i] = one.ca[0];
  c.ca_t[i] = one.ca_t[0];
  c.sync_t[i] = one.sync_t[0];
  c.tau_ca[i] = one.tau_ca[0];
  c.beta_ca[i] = one.beta_ca[0];
  for (auto& [name, col] : c.elements) col.has[i] = 0;
  for (const auto& [name, col] : one.elements) {
    if (!col.has[0]) continue;
    SPColumns::Element& dst = c.elements[name];
    dst.has.resize(c.ca.size(), 0);
    dst.e.resize(c.ca.size());
    dst.has[i] = 1;
    dst.e[i] = col.e[0];
  }
}

void Simulator::sp_kernel_status(Dict& d) const {
  std::vector<std::string> names;
  for (const SPSynapseRule& r : sp_rules_) {
    names.push_back(r.name);
    const std::string p = std::string(kRulesKey) + "." + r.name + ".";
    d[p + "synapse_model"] = r.synapse_model;
    d[p + "pre_synaptic_element"] = r.pre_element;
    d[p + "post_synaptic_element"] = r.post_element;
    d[p + "allow_autapses"] = r.allow_autapses;
    d[p + "allow_multapses"] = r.allow_multapses;
  }
  d[kRulesKey] = names;
  d[kIntervalKey] = sp_interval_;
  d["growth_curves"] = GrowthCurve::names();
}

void Simulator::sp_take_kernel_status(Dict& d, std::vector<SPSynapseRule>& out, double& interval) const {
  if (auto it = d.find(kIntervalKey); it != d.end()) {
    interval = coerce_number(it->second, "ms", kIntervalKey);
    if (!(interval > 0.0) || !std::isfinite(interval))
      throw BadProperty(std::string(kIntervalKey) + " must be a finite time > 0 ms, got " + std::to_string(interval));
    d.erase(it);
  }
  const std::string prefix = std::string(kRulesKey) + ".";
  bool given = false;
  std::map<std::string, Dict> specs;
  for (auto it = d.begin(); it != d.end();) {
    if (it->first == kRulesKey) {
      given = true;
      if (const auto* names = std::get_if<std::vector<std::string>>(&it->second))
        for (const auto& n : *names) specs[n];
      else if (const auto* v = std::get_if<std::vector<double>>(&it->second); !(v && v->empty()))
        throw TypeMismatch(std::string(kRulesKey) + " expects a dictionary of synapse specifications");
    } else if (it->first.compare(0, prefix.size(), prefix) == 0) {
      given = true;
      const std::size_t dot = it->first.find('.', prefix.size());
      if (dot == std::string::npos)
        throw BadProperty(std::string(kRulesKey) + ": '" + it->first.substr(prefix.size()) +
                          "' must be a dictionary (synapse_model, pre_synaptic_element, post_synaptic_element, ...)");
      specs[it->first.substr(prefix.size(), dot - prefix.size())][it->first.substr(dot + 1)] = it->second;
    } else {
      ++it;
      continue;
    }
    it = d.erase(it);
  }
  std::vector<SPSynapseRule> rules;
  for (const auto& [name, spec] : specs) {
    const std::string where = std::string(kRulesKey) + " '" + name + "'";
    SPSynapseRule r;
    r.name = name;
    for (const auto& [key, v] : spec) {
      if (std::find(kRuleKeys.begin(), kRuleKeys.end(), key) == kRuleKeys.end())
        throw UnknownParameter(where + ": '" + key + "' is not a key of a structural plasticity synapse." +
                               did_you_mean(key, kRuleKeys));
      if (key == "synapse_model") r.synapse_model = rule_text(v, where + ".synapse_model");
      if (key == "pre_synaptic_element") r.pre_element = rule_text(v, where + ".pre_synaptic_element");
      if (key == "post_synaptic_element") r.post_element = rule_text(v, where + ".post_synaptic_element");
      if (key == "allow_autapses" || key == "allow_multapses") {
        const auto* b = std::get_if<bool>(&v);
        if (!b) throw TypeMismatch(where + "." + key + " expects a bool, got " + type_name(v));
        (key == "allow_autapses" ? r.allow_autapses : r.allow_multapses) = *b;
      }
      if (key == "weight" || key == "delay") {
        const double x = coerce_number(v, key == "delay" ? "ms" : "", where + "." + key);
        if (!std::isfinite(x)) throw BadProperty(where + "." + key + " must be finite");
        if (key == "delay" && grid_.delay_to_steps(x) < 1)
          throw BadDelay(where + ": the delay " + std::to_string(x) + " ms is below the resolution");
        r.syn_params[key] = x;
      }
    }
    if (r.pre_element.empty() || r.post_element.empty())
      throw BadProperty(where + ": pre_synaptic_element and/or post_synaptic_element is missing.");
    if (r.synapse_model.empty()) r.synapse_model = "static_synapse";
    const SynapseProto& proto = synapse_protos_[synapse_id(r.synapse_model)];  // unknown names throw
    const SynapseInfo& info = *proto.info;
    if (info.secondary != Secondary::kNone || info.requires_symmetric || !info.weight_refusal.empty() ||
        (info.trigger && proto.volume_transmitter == 0))
      throw BadProperty(where + ": the synapse model '" + r.synapse_model +
                        "' cannot be used for structural plasticity (it carries no spikes between neurons, needs "
                        "symmetric connections or a volume transmitter)");
    rules.push_back(std::move(r));
  }
  if (given) out = std::move(rules);
}

void Simulator::enable_structural_plasticity() { sp_enabled_ = true; }

void Simulator::sp_check_run() {
  if (sp_enabled_ && ranks_ > 1)
    throw KernelException("structural plasticity is not supported in distributed runs yet (" + std::to_string(ranks_) +
                          " MPI processes); use threads in one process");
  // Elements given after a run start at time 0 while the node is later: NEST fails at the
  // node's next update; here the run does not start.
  for (const SPColumns& c : sp_nodes_)
    for (const auto& [name, col] : c.elements)
      for (std::size_t i = 0; i < col.has.size(); ++i)
        if (col.has[i] && col.e[i].z_t != c.sync_t[i])
          throw KernelException(
              "Last update of the calcium concentration does not match the last update of the "
              "synaptic element '" +
              name + "' (synaptic_elements were replaced after a simulation; NEST fails here too)");
  for (const SPSynapseRule& r : sp_rules_) {
    for (const std::string* name : {&r.pre_element, &r.post_element}) {
      if (!sp_enabled_) break;
      bool found = false;
      for (std::size_t p = 0; p < pops_.size() && !found; ++p) {
        const SPColumns* c = p < sp_nodes_.size() ? &sp_nodes_[p] : nullptr;
        if (!c || !has_structural_state(pops_[p]->info())) continue;
        if (auto it = c->elements.find(*name); it != c->elements.end())
          found = std::any_of(it->second.has.begin(), it->second.has.end(), [](uint8_t h) { return h != 0; });
      }
      if (!found)
        throw BadProperty(std::string(kRulesKey) + " '" + r.name + "': no neuron has a synaptic element '" + *name +
                          "' (set it with the neurons' synaptic_elements)");
    }
    // The rules' delays count toward the kernel's delay extrema, as NEST's builders do
    // (enabled or not).
    const SynapseProto& proto = synapse_protos_[synapse_id(r.synapse_model)];
    auto it = r.syn_params.find("delay");
    const long d = grid_.delay_to_steps(it != r.syn_params.end() ? std::get<double>(it->second) : proto.delay);
    if (!simulated_) {
      if (conn_min_delay_ < 0 || d < conn_min_delay_) conn_min_delay_ = d;
      conn_max_delay_ = std::max(conn_max_delay_, d);
    } else if (d < min_delay_ || d > max_delay_) {
      throw BadDelay(std::string(kRulesKey) + " '" + r.name +
                     "': its delay lies outside the kernel's min_delay/max_delay, which cannot change after "
                     "Simulate has been called");
    }
  }
}

void Simulator::sp_on_spikes(std::size_t first_new) {
  const std::size_t end = slice_spikes_.size();
  if (first_new == end) return;
  for (std::size_t p = 0; p < pops_.size(); ++p) sp_columns(p);  // sized before the threads share them
  const double h = grid_.steps_to_ms(1);
  bool consistent = true;
  // Without synaptic elements a spike costs one exp(): not worth waking the threads.
  const bool any_elements =
      std::any_of(sp_nodes_.begin(), sp_nodes_.end(), [](const SPColumns& c) { return !c.elements.empty(); });
  // Each node's spikes in order, each node by one thread (gid modulo the threads).
#pragma omp parallel num_threads(any_elements ? threads_ : 1) reduction(&& : consistent)
  {
#ifdef _OPENMP
    const int tid = omp_get_thread_num(), nt = omp_get_num_threads();
#else
    const int tid = 0, nt = 1;
#endif
    for (std::size_t k = first_new; k < end; ++k) {
      const EmittedSpike& sp = slice_spikes_[k];
      if (EmittedSpike::is_marker(sp.multiplicity, sp.offset)) continue;  // not a spike
      if (static_cast<int>(sp.gid % static_cast<uint32_t>(nt)) != tid) continue;
      const std::size_t pop = pop_index(sp.gid);
      const ModelInfo& info = pops_[pop]->info();
      if (!has_structural_state(info)) continue;
      SPColumns& c = sp_nodes_[pop];
      const std::size_t i = sp.gid - pops_[pop]->first_gid();
      // NEST's set_spiketime: elements and calcium up to the spike, then the increment.
      const double t = grid_.steps_to_ms(sp.stamp) - (spike_offset_is_time(info) ? sp.offset : 0.0);
      consistent = c.advance(i, t, h) && consistent;
      c.ca[i] += c.beta_ca[i];
    }
  }
  if (!consistent)
    throw KernelException(
        "Last update of the calcium concentration does not match the last update of the synaptic element "
        "(synaptic_elements were replaced after a simulation)");
}

void Simulator::sync_structural_plasticity() {
  const double t = grid_.steps_to_ms(now_steps()), h = grid_.steps_to_ms(1);
  bool consistent = true;
  for (std::size_t p = 0; p < pops_.size(); ++p)
    if (SPColumns* c = sp_columns(p))
      for (std::size_t i = 0; i < c->ca.size(); ++i) consistent = c->sync(i, t, h) && consistent;
  if (!consistent)
    throw KernelException(
        "Last update of the calcium concentration does not match the last update of the synaptic element "
        "(synaptic_elements were replaced after a simulation)");
}

void Simulator::sp_update_connectivity() {
  const double t = grid_.steps_to_ms(now_steps()), h = grid_.steps_to_ms(1);
  if (!sp_enabled_ || std::fmod(t, sp_interval_) != 0.0) return;
  bool consistent = true;  // NEST updates every node's elements and calcium first
  for (std::size_t p = 0; p < pops_.size(); ++p)
    if (SPColumns* c = sp_columns(p))
      for (std::size_t i = 0; i < c->ca.size(); ++i) consistent = c->advance(i, t, h) && consistent;
  if (!consistent)
    throw KernelException(
        "Last update of the calcium concentration does not match the last update of the synaptic element "
        "(synaptic_elements were replaced after a simulation)");
  // Element of a node by gid (null when it has none).
  auto element = [&](uint32_t gid, const std::string& name) -> SynapticElement* {
    const std::size_t pop = pop_index(gid);
    return element_of(sp_columns(pop), gid - pops_[pop]->first_gid(), name);
  };
  // Nodes with vacant (n > 0) or missing (n < 0) elements of `name`, in id order.
  auto census = [&](const std::string& name, std::vector<uint32_t>& ids, std::vector<long>& n, bool vacant) {
    ids.clear();
    n.clear();
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      SPColumns* c = sp_columns(p);
      if (!c) continue;
      auto it = c->elements.find(name);
      if (it == c->elements.end()) continue;
      for (std::size_t i = 0; i < c->ca.size(); ++i) {
        if (!it->second.has[i]) continue;
        const long v = it->second.e[i].vacant();
        if (vacant ? v > 0 : v < 0) {
          ids.push_back(pops_[p]->first_gid() + static_cast<uint32_t>(i));
          n.push_back(v);
        }
      }
    }
  };
  bool changed = false;
  finalize_store();
  for (std::size_t rule = 0; rule < sp_rules_.size(); ++rule) {
    const SPSynapseRule& r = sp_rules_[rule];
    const int sid = synapse_id(r.synapse_model);
    RandomStream rng(seed_, Purpose::kStructural, static_cast<uint32_t>(rule), static_cast<uint64_t>(now_steps()));
    // This model's connections: (source, target, synapse index), by source.
    struct Edge {
      uint32_t source, target;
      uint64_t index;
      bool removed;
    };
    std::vector<Edge> edges;
    for (uint32_t s = 1; s < next_gid_; ++s) {
      const auto [a, b] = store_.row(s);
      for (uint32_t j = a; j < b; ++j) {
        const Segment& sg = store_.segments()[j];
        if (sg.synapse_model != sid) continue;
        for (uint32_t k = 0; k < sg.count; ++k)
          edges.push_back({s, store_.target(sg, sg.begin + k), sg.begin + k, false});
      }
    }
    auto remove_one = [&](uint32_t s, uint32_t tgt) {
      for (Edge& e : edges)
        if (!e.removed && e.source == s && e.target == tgt) {
          e.removed = true;
          changed = true;
          return;
        }
    };
    auto delete_synapse = [&](uint32_t s, uint32_t tgt) {
      if (SynapticElement* e = element(s, r.pre_element)) e->connect(-1);
      remove_one(s, tgt);
      if (SynapticElement* e = element(tgt, r.post_element)) e->connect(-1);
    };
    std::vector<uint32_t> ids;
    std::vector<long> n;
    // Presynaptic elements lost: delete synapses to targets that have the postsynaptic element.
    census(r.pre_element, ids, n, false);
    for (std::size_t q = 0; q < ids.size(); ++q) {
      std::vector<uint32_t> targets;
      for (const Edge& e : edges) {
        if (e.removed || e.source != ids[q]) continue;
        const SynapticElement* pe = element(e.target, r.post_element);
        if (pe && pe->amount() != 0.0) targets.push_back(e.target);
      }
      const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(-n[q]), targets.size());
      for (uint32_t tgt : draw_without_replacement(targets, k, rng)) delete_synapse(ids[q], tgt);
    }
    // Postsynaptic elements lost: delete synapses from their sources.
    census(r.post_element, ids, n, false);
    for (std::size_t q = 0; q < ids.size(); ++q) {
      std::vector<uint32_t> sources;
      for (const Edge& e : edges)
        if (!e.removed && e.target == ids[q]) sources.push_back(e.source);
      const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(-n[q]), sources.size());
      for (uint32_t s : draw_without_replacement(sources, k, rng)) delete_synapse(s, ids[q]);
    }
    std::vector<uint64_t> removed;
    for (const Edge& e : edges)
      if (e.removed) removed.push_back(e.index);
    if (!removed.empty()) {
      store_.remove(std::move(removed));
      finalize_store();
    }
    // Vacant elements, one entry per element, paired at random: the longer list is
    // drawn without replacement to the length of the shorter one.
    std::vector<uint32_t> pre, post;
    census(r.pre_element, ids, n, true);
    for (std::size_t q = 0; q < ids.size(); ++q) pre.insert(pre.end(), static_cast<std::size_t>(n[q]), ids[q]);
    census(r.post_element, ids, n, true);
    for (std::size_t q = 0; q < ids.size(); ++q) post.insert(post.end(), static_cast<std::size_t>(n[q]), ids[q]);
    if (pre.empty() || post.empty()) continue;
    if (pre.size() > post.size())
      pre = draw_without_replacement(pre, post.size(), rng);
    else
      post = draw_without_replacement(post, pre.size(), rng);
    std::vector<uint32_t> sources, targets;
    for (std::size_t q = 0; q < pre.size(); ++q) {
      if (pre[q] == post[q] && !r.allow_autapses) continue;  // the elements stay vacant
      element(pre[q], r.pre_element)->connect(1);
      element(post[q], r.post_element)->connect(1);
      sources.push_back(pre[q]);
      targets.push_back(post[q]);
    }
    if (sources.empty()) continue;
    SynSpec syn;
    syn.synapse_model = r.synapse_model;
    if (auto it = r.syn_params.find("weight"); it != r.syn_params.end())
      syn.weight = ParamSource::of(std::get<double>(it->second));
    if (auto it = r.syn_params.find("delay"); it != r.syn_params.end())
      syn.delay = ParamSource::of(std::get<double>(it->second));
    connect_arrays(sources, targets, syn);
    finalize_store();
    changed = true;
  }
  // Vacant elements decay (NEST removes tau_vacant of them per update).
  for (auto& c : sp_nodes_)
    for (auto& [name, col] : c.elements)
      for (std::size_t i = 0; i < col.has.size(); ++i)
        if (col.has[i]) col.e[i].decay_vacant();
  if (changed) index_special_synapses();
}

}  // namespace nestkit

namespace nestkit {

void Simulator::sp_count_connected(const std::vector<uint32_t>& sources, const std::vector<uint32_t>& targets,
                                   const std::string& pre, const std::string& post, long n) {
  auto count = [&](uint32_t gid, const std::string& name) {
    const std::size_t pop = pop_index(gid);
    SPColumns* c = sp_columns(pop);
    if (!c) return;
    const auto it = c->elements.find(name);
    const std::size_t i = gid - pops_[pop]->first_gid();
    if (it == c->elements.end() || !it->second.has[i]) return;
    SynapticElement& e = it->second.e[i];
    if (n >= 0) {
      e.connect(n);
    } else {
      e.z_connected = std::max(0L, e.z_connected + n);
    }
  };
  for (std::size_t k = 0; k < sources.size() && k < targets.size(); ++k) {
    count(sources[k], pre);
    count(targets[k], post);
  }
}

}  // namespace nestkit
