// A neuron's side of structural plasticity: the calcium trace, the synaptic
// elements and their growth curves, and the status keys that expose them.
#include <algorithm>
#include <cmath>
#include <set>

#include "nestkit/coerce.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/schema.hpp"
#include "nestkit/structural_plasticity.hpp"

namespace nestkit {

namespace {
const double kSqrtLog2 = std::sqrt(std::log(2.0));  // computed as NEST does, to the last bit

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

bool as_bool(const Value& v, const std::string& what) {
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* l = std::get_if<long>(&v)) return *l != 0;
  throw TypeMismatch(what + " expects a bool, got " + type_name(v));
}

double finite_number(const Value& v, const std::string& what) {
  const double x = coerce_number(v, "", what);
  if (!std::isfinite(x)) throw BadProperty(what + " must be finite, got " + number_text(x));
  return x;
}

// The element dictionary's keys (read-back keys are accepted and ignored, so a
// status read can be written back, as in NEST).
const std::vector<std::string>& element_keys() {
  static const std::vector<std::string> k = {"growth_curve", "growth_rate", "tau_vacant", "continuous", "z",
                                             "eps",          "eta",         "psi",        "z_connected"};
  return k;
}

// NEST's SynapticElement::set on a copy: the growth curve first switches kind
// (fresh defaults), then takes its parameters.
void set_element(SynapticElement& el, const std::map<std::string, Value>& d, const std::string& where) {
  for (const auto& [key, v] : d)
    if (std::find(element_keys().begin(), element_keys().end(), key) == element_keys().end())
      throw UnknownParameter("'" + key + "' is not a property of a synaptic element (" + where + ")." +
                             did_you_mean(key, element_keys()));
  auto number = [&](const char* key, double& out) {
    if (auto it = d.find(key); it != d.end()) out = finite_number(it->second, where + "." + key);
  };
  number("growth_rate", el.growth_rate);
  double tau_vacant = el.tau_vacant;
  number("tau_vacant", tau_vacant);
  if (auto it = d.find("continuous"); it != d.end()) el.continuous = as_bool(it->second, where + ".continuous");
  number("z", el.z);
  if (auto it = d.find("growth_curve"); it != d.end()) {
    const auto* name = std::get_if<std::string>(&it->second);
    if (!name) throw TypeMismatch(where + ".growth_curve expects a string, got " + type_name(it->second));
    const auto& names = GrowthCurve::names();
    const auto found = std::find(names.begin(), names.end(), *name);
    if (found == names.end())
      throw BadProperty(where + ": unknown growth curve '" + *name + "'; valid: gaussian, linear, sigmoid." +
                        did_you_mean(*name, names));
    const GrowthCurve::Kind kind = *name == "linear"     ? GrowthCurve::kLinear
                                   : *name == "gaussian" ? GrowthCurve::kGaussian
                                                         : GrowthCurve::kSigmoid;
    if (kind != el.curve.kind) {
      el.curve = GrowthCurve{};
      el.curve.kind = kind;
    }
  }
  number("eps", el.curve.eps);
  number("eta", el.curve.eta);
  number("psi", el.curve.psi);
  if (el.z < 0.0) throw BadProperty(where + ".z: the number of elements cannot be negative, got " + number_text(el.z));
  if (!(el.curve.psi >= 0.0))
    throw BadProperty(where + ".psi: psi parameter must be greater than 0, got " + number_text(el.curve.psi));
  if (el.curve.kind == GrowthCurve::kGaussian && el.curve.eta == el.curve.eps)
    throw BadProperty(where + ": the gaussian growth curve needs eta != eps (both " + number_text(el.curve.eps) + ")");
  if (!(tau_vacant > 0.0))
    throw BadProperty(where + ".tau_vacant: All time constants must be strictly positive, got " +
                      number_text(tau_vacant));
  el.tau_vacant = tau_vacant;
}

// The flat keys "<key>.<element>.<param>" of one node's dictionary, by element.
std::map<std::string, std::map<std::string, Value>> gather(const Dict& params, const std::string& key,
                                                           const std::string& where) {
  std::map<std::string, std::map<std::string, Value>> out;
  if (auto it = params.find(key); it != params.end()) {
    if (const auto* names = std::get_if<std::vector<std::string>>(&it->second)) {
      for (const auto& n : *names) out[n];
    } else if (const auto* empty = std::get_if<std::vector<double>>(&it->second); !(empty && empty->empty())) {
      throw TypeMismatch(where + ": '" + key + "' expects a dictionary of synaptic elements");
    }
  }
  const std::string prefix = key + ".";
  for (const auto& [k, v] : params) {
    if (k.compare(0, prefix.size(), prefix) != 0) continue;
    const std::size_t dot = k.find('.', prefix.size());
    if (dot == std::string::npos) throw BadProperty(where + ": '" + k + "' must be a dictionary of element properties");
    out[k.substr(prefix.size(), dot - prefix.size())][k.substr(dot + 1)] = v;
  }
  return out;
}
}  // namespace

const std::vector<std::string>& GrowthCurve::names() {
  static const std::vector<std::string> n = {"gaussian", "linear", "sigmoid"};
  return n;
}

const char* GrowthCurve::name() const {
  return kind == kLinear ? "linear" : kind == kGaussian ? "gaussian" : "sigmoid";
}

double GrowthCurve::integrate(double t, double t_minus, double ca_minus, double z_minus, double tau_ca,
                              double growth_rate, double h) const {
  if (kind == kLinear) {
    // dz/dt = nu (1 - Ca/eps) with Ca = Ca_minus exp(-(t - t_minus)/tau): integrated exactly.
    const double ca = ca_minus * std::exp((t_minus - t) / tau_ca);
    const double z = growth_rate * tau_ca * (ca - ca_minus) / eps + growth_rate * (t - t_minus) + z_minus;
    return std::max(z, 0.0);
  }
  // NEST integrates the other curves with forward Euler on the grid, the calcium
  // decaying by Euler too, starting from the exact value at t_minus.
  double z = z_minus, ca = ca_minus;
  if (kind == kGaussian) {
    const double inv_tau = 1.0 / tau_ca;
    const double inv_zeta = 2.0 * kSqrtLog2 / (eta - eps);
    const double xi = (eta + eps) * 0.5;
    for (double lag = t_minus; lag < t - h * 0.5; lag += h) {
      ca = ca - ((ca * inv_tau) * h);
      z += h * growth_rate * (2.0 * std::exp(-std::pow((ca - xi) * inv_zeta, 2)) - 1.0);
    }
  } else {
    for (double lag = t_minus; lag < t - h / 2.0; lag += h) {
      ca = ca - ((ca / tau_ca) * h);
      z = z + h * growth_rate * ((2.0 / (1.0 + std::exp((ca - eps) / psi))) - 1.0);
    }
  }
  return std::max(z, 0.0);
}

void SPColumns::resize(std::size_t n) {
  const std::size_t old = ca.size();
  ca.resize(n);
  ca_t.resize(n);
  sync_t.resize(n);
  tau_ca.resize(n);
  beta_ca.resize(n);
  for (auto& [name, el] : elements) {
    el.has.resize(n, 0);
    el.e.resize(n);
  }
  for (std::size_t i = old; i < n; ++i) sp_init_node(*this, i);
}

bool SPColumns::sync(std::size_t i, double t, double h) {
  if (t == sync_t[i]) return true;
  bool consistent = true;
  const double ca_then = calcium_at(i, sync_t[i]);
  for (auto& [name, col] : elements) {
    if (!col.has[i]) continue;
    SynapticElement& el = col.e[i];
    consistent &= el.z_t == sync_t[i];
    el.z = el.curve.integrate(t, sync_t[i], ca_then, el.z, tau_ca[i], el.growth_rate, h);
    el.z_t = t;
  }
  sync_t[i] = t;
  return consistent;
}

bool SPColumns::advance(std::size_t i, double t, double h) {
  const bool consistent = sync(i, t, h);
  ca[i] = calcium_at(i, t);
  ca_t[i] = t;
  return consistent;
}

void sp_init_node(SPColumns& c, std::size_t i) {
  c.ca[i] = 0.0;
  c.ca_t[i] = 0.0;
  c.sync_t[i] = 0.0;
  c.tau_ca[i] = 10000.0;
  c.beta_ca[i] = 0.001;
  for (auto& [name, el] : c.elements) {
    el.has[i] = 0;
    el.e[i] = SynapticElement{};
  }
}

bool has_structural_state(const ModelInfo& info) {
  if (info.kind != NodeKind::kNeuron) return false;
  // Neuron models NEST derives from Node itself: no calcium, no synaptic elements.
  for (const char* n : {"astrocyte_lr_1994", "gif_pop_psc_exp", "spike_train_injector"})
    if (info.name == n) return false;
  return info.name.rfind("eprop_", 0) != 0;  // NEST's EpropArchivingNode is a Node
}

bool spike_offset_is_time(const ModelInfo& info) {
  // The precise models; others (iaf_tum_2000, iaf_bw_2001, ...) carry a payload there.
  const std::string& n = info.name;
  return n.size() > 3 && n.compare(n.size() - 3, 3, "_ps") == 0;
}

bool is_structural_node_key(const std::string& key) {
  for (const char* k : {"Ca", "tau_Ca", "beta_Ca", "synaptic_elements", "synaptic_elements_param"}) {
    const std::size_t n = std::char_traits<char>::length(k);
    if (key.compare(0, n, k) == 0 && (key.size() == n || key[n] == '.')) return true;
  }
  return false;
}

std::vector<std::string> sp_node_keys() { return {"Ca", "beta_Ca", "synaptic_elements", "tau_Ca"}; }

void sp_get(const SPColumns& c, std::size_t i, const std::string& key, Dict& out) {
  if (key == "Ca") {
    out[key] = c.ca[i];
  } else if (key == "tau_Ca") {
    out[key] = c.tau_ca[i];
  } else if (key == "beta_Ca") {
    out[key] = c.beta_ca[i];
  } else if (key == "synaptic_elements") {
    std::vector<std::string> names;
    for (const auto& [name, col] : c.elements) {
      if (!col.has[i]) continue;
      names.push_back(name);
      const SynapticElement& el = col.e[i];
      const std::string p = key + "." + name + ".";
      out[p + "growth_rate"] = el.growth_rate;
      out[p + "tau_vacant"] = el.tau_vacant;
      out[p + "continuous"] = el.continuous;
      out[p + "z"] = el.z;
      out[p + "z_connected"] = el.z_connected;
      out[p + "growth_curve"] = std::string(el.curve.name());
      out[p + "eps"] = el.curve.eps;
      if (el.curve.kind == GrowthCurve::kGaussian) out[p + "eta"] = el.curve.eta;
      if (el.curve.kind == GrowthCurve::kSigmoid) out[p + "psi"] = el.curve.psi;
    }
    out[key] = names;
  }
}

void sp_set(SPColumns& c, std::size_t i, const Dict& params, const std::string& where) {
  double ca = c.ca[i], tau = c.tau_ca[i], beta = c.beta_ca[i];
  for (const auto& [key, v] : params) {
    if (key == "Ca") ca = finite_number(v, where + ".Ca");
    if (key == "tau_Ca") tau = finite_number(v, where + ".tau_Ca");
    if (key == "beta_Ca") beta = finite_number(v, where + ".beta_Ca");
    if (!is_structural_node_key(key))
      throw UnknownParameter(where + ": '" + key + "' is not a structural plasticity property");
  }
  if (ca < 0.0) throw BadProperty(where + ".Ca: Calcium concentration cannot be negative, got " + number_text(ca));
  if (!(tau > 0.0))
    throw BadProperty(where + ".tau_Ca: All time constants must be strictly positive, got " + number_text(tau));
  if (!(beta > 0.0))
    throw BadProperty(where +
                      ".beta_Ca: For Ca to function as an integrator of the electrical activity, beta_Ca needs to be "
                      "greater than 0, got " +
                      number_text(beta));
  // synaptic_elements_param changes the node's existing elements; synaptic_elements
  // replaces them all with fresh ones (NEST's order: the former first).
  std::map<std::string, SynapticElement> current;
  for (const auto& [name, col] : c.elements)
    if (col.has[i]) current[name] = col.e[i];
  for (auto& [name, d] : gather(params, "synaptic_elements_param", where))
    if (auto it = current.find(name); it != current.end())
      set_element(it->second, d, where + ".synaptic_elements_param." + name);
  const bool replace = params.count("synaptic_elements") > 0 ||
                       std::any_of(params.begin(), params.end(),
                                   [](const auto& kv) { return kv.first.rfind("synaptic_elements.", 0) == 0; });
  if (replace) {
    current.clear();
    for (auto& [name, d] : gather(params, "synaptic_elements", where)) {
      SynapticElement el;
      set_element(el, d, where + ".synaptic_elements." + name);
      current[name] = el;
    }
  }
  // Everything is valid: write.
  c.ca[i] = ca;
  c.tau_ca[i] = tau;
  c.beta_ca[i] = beta;
  for (auto& [name, col] : c.elements) col.has[i] = 0;
  for (auto& [name, el] : current) {
    SPColumns::Element& col = c.elements[name];
    if (col.has.size() != c.ca.size()) {
      col.has.resize(c.ca.size(), 0);
      col.e.resize(c.ca.size());
    }
    col.has[i] = 1;
    col.e[i] = el;
  }
}

}  // namespace nestkit
