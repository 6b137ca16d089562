// The nestkit._core extension: the Simulator, NodeCollection and errors.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "convert.hpp"
#include "nestkit/coerce.hpp"
#include "nestkit/communicator.hpp"
#include "nestkit/platform.hpp"
#include "nestkit/recorders.hpp"
#include "nestkit/registry.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/units.hpp"
#include "spatial_bindings.hpp"

namespace nb = nanobind;
using namespace nestkit;
using namespace nestkit::py;

namespace {

template <typename T>
nb::object to_numpy(const std::vector<T>& v) {
  T* data = new T[v.size() > 0 ? v.size() : 1];
  std::copy(v.begin(), v.end(), data);
  nb::capsule owner(data, [](void* p) noexcept { delete[] static_cast<T*>(p); });
  return nb::cast(nb::ndarray<nb::numpy, T, nb::ndim<1>>(data, {v.size()}, owner));
}

nb::dict events_dict(const Events& ev) {
  nb::dict d;
  d["senders"] = to_numpy(ev.senders);
  if (ev.in_steps) {
    d["times"] = to_numpy(ev.steps);
    d["offsets"] = to_numpy(ev.offsets);
  } else {
    d["times"] = to_numpy(ev.times);
  }
  for (auto& [name, values] : ev.values) d[name.c_str()] = to_numpy(values);
  for (auto& [name, values] : ev.int_values) d[name.c_str()] = to_numpy(values);
  return d;
}

// A syn_spec dictionary as the core's SynSpec; the core checks the keys against
// the synapse model's declaration.
SynSpec make_syn_spec(const Simulator& sim, nb::handle spec) {
  SynSpec s;
  if (spec.is_none()) return s;
  if (nb::isinstance<nb::str>(spec)) {
    s.synapse_model = nb::cast<std::string>(spec);
    return s;
  }
  nb::dict d = nb::cast<nb::dict>(spec);
  if (d.contains("synapse_model")) s.synapse_model = nb::cast<std::string>(d["synapse_model"]);
  for (auto [k, v] : d) {
    const std::string key = nb::cast<std::string>(k);
    if (key == "synapse_model") continue;
    if (key == "weight") {
      s.weight = to_param_source(v, "weight", "");
    } else if (key == "delay") {
      s.delay = to_param_source(v, "delay", "ms");
    } else if (key == "pre_synaptic_element" || key == "post_synaptic_element") {
      (key[1] == 'r' ? s.pre_element : s.post_element) = nb::cast<std::string>(v);
    } else if (key == "receptor_type") {
      // One port for the whole call, or one per connection (an array or a parameter
      // object such as nest.random.uniform_int(...) + 1); the core splits by port.
      if (v.is_none()) continue;
      if (nb::hasattr(v, "_nestkit_distribution") || (nb::hasattr(v, "__len__") && !nb::isinstance<nb::str>(v)))
        s.params["receptor_type"] = to_param_source(v, "receptor_type", "");
      else
        s.receptor_type = static_cast<long>(coerce_number(to_value(v), "", "receptor_type"));
    } else {
      s.params[key] = to_param_source(v, key.c_str(), sim.synapse_param_unit(s.synapse_model, key));
    }
  }
  return s;
}

nb::list model_schema(const std::string& name) {
  nb::list out;
  for (const ModelInfo* m : builtin_node_models()) {
    if (m->name != name) continue;
    for (const ParamSpec& s : m->specs) {
      if (s.role == Role::kInternal) continue;
      nb::dict d;
      d["name"] = s.name;
      d["default"] = from_value(s.default_value);
      d["unit"] = s.unit;
      d["doc"] = s.doc;
      d["role"] = s.role == Role::kState ? "state" : s.role == Role::kReadOnly ? "read-only" : "parameter";
      const char* ck[] = {"", "> 0", ">= 0", ">= lo", "in range"};
      std::string c = ck[s.constraint.kind];
      if (s.constraint.kind == Constraint::kAtLeast) c = ">= " + std::to_string(s.constraint.lo);
      if (s.constraint.kind == Constraint::kRange)
        c = "in [" + std::to_string(s.constraint.lo) + ", " + std::to_string(s.constraint.hi) + "]";
      d["constraint"] = c;
      out.append(d);
    }
  }
  return out;
}

}  // namespace

NB_MODULE(_core, m) {
  m.doc() = "nestkit C++ core";

  // NEST-like error classes; all derive from NESTError.
  static nb::object nest_error = nb::steal(PyErr_NewException("nestkit.NESTError", PyExc_Exception, nullptr));
  m.attr("NESTError") = nest_error;
  static std::map<std::string, nb::object> classes;
  // A class's parent, where it is not NESTError: UnknownReceptorType is also an
  // IllegalConnection (it is one, and PyNEST code catching either should work); the NEST
  // names nestkit raised as BadProperty before it had them stay BadProperty too.
  const std::map<std::string, std::string> parent = {{"UnknownReceptorType", "IllegalConnection"},
                                                     {"NotImplemented", "BadProperty"},
                                                     {"NewModelNameExists", "BadProperty"},
                                                     {"StepMultipleRequired", "BadProperty"}};
  for (const char* name :
       {"UnknownModelName", "UnknownParameter", "BadProperty", "BadParameterValue", "BadDelay", "KernelException",
        "IllegalConnection", "UnitError", "UnknownNode", "TypeMismatch", "UnknownReceptorType", "IOError",
        "NotImplemented", "NewModelNameExists", "StepMultipleRequired"}) {
    const auto up = parent.find(name);
    PyObject* base = up != parent.end() ? classes[up->second].ptr() : nest_error.ptr();
    PyObject* bases =
        PyTuple_Pack(2, base,
                     std::string(name) == "UnitError" || std::string(name) == "TypeMismatch" ? PyExc_TypeError
                     : std::string(name) == "IOError"                                        ? PyExc_OSError
                                                                                             : PyExc_ValueError);
    nb::object cls = nb::steal(PyErr_NewException((std::string("nestkit.") + name).c_str(), bases, nullptr));
    Py_DECREF(bases);
    m.attr(name) = cls;
    classes[name] = cls;
  }
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const Error& e) {
      auto it = classes.find(e.kind());
      PyErr_SetString((it != classes.end() ? it->second : nest_error).ptr(), e.what());
    }
  });

  nb::class_<NodeCollection>(m, "NodeIds")
      .def(nb::init<std::vector<uint32_t>>())
      .def("__len__", &NodeCollection::size)
      .def("at", [](const NodeCollection& c, long i) { return c[static_cast<std::size_t>(i)]; })
      .def("slice", &NodeCollection::slice)
      .def("__add__", &NodeCollection::operator+)
      .def("__eq__", &NodeCollection::operator==)
      .def("contains", &NodeCollection::contains)
      .def("index_of", &NodeCollection::index_of)
      .def("tolist", [](const NodeCollection& c) { return c.ids(); })
      .def("array", [](const NodeCollection& c) { return to_numpy(c.ids()); });

  nb::class_<SynapseCollection>(m, "SynapseIds")
      .def("__len__", [](const SynapseCollection& s) { return s.index.size(); })
      .def("subset",
           [](const SynapseCollection& s, const std::vector<std::size_t>& positions) {
             SynapseCollection out;
             out.generation = s.generation;
             for (std::size_t p : positions) {
               if (p >= s.index.size()) throw nb::index_error("connection index out of range");
               out.index.push_back(s.index[p]);
             }
             return out;
           })
      .def("__add__",
           [](const SynapseCollection& a, const SynapseCollection& b) {
             if (a.generation != b.generation)
               throw KernelException("cannot join SynapseCollections from different connection states");
             SynapseCollection out = a;
             out.index.insert(out.index.end(), b.index.begin(), b.index.end());
             return out;
           })
      .def("__eq__", [](const SynapseCollection& a,
                        const SynapseCollection& b) { return a.generation == b.generation && a.index == b.index; })
      .def("tolist", [](const SynapseCollection& s) { return s.index; });

  nb::class_<Simulator>(m, "Kernel")
      .def(nb::init<>())
      .def("reset", &Simulator::reset)
      .def("get_kernel_status", [](const Simulator& s) { return from_dict(s.kernel_status()); })
      .def("set_kernel_status", [](Simulator& s, nb::dict d) { s.set_kernel_status(to_dict(d)); })
      .def("node_models", &Simulator::node_models)
      .def("synapse_models", &Simulator::synapse_models)
      .def("get_defaults", [](const Simulator& s, const std::string& m) { return from_dict(s.get_defaults(m)); })
      .def("set_defaults", [](Simulator& s, const std::string& m, nb::handle d) { s.set_defaults(m, to_dict(d)); })
      .def("copy_model", [](Simulator& s, const std::string& a, const std::string& b,
                            nb::handle d) { s.copy_model(a, b, to_dict(d)); })
      .def(
          "create",
          [](Simulator& s, const std::string& model, std::size_t n, nb::handle params) {
            // A list of dictionaries (one per node), or a dictionary whose values may
            // be random parameters or per-node lists.
            Dict fixed;
            std::vector<Dict> per_node;
            std::map<std::string, Distribution> random;
            if (nb::isinstance<nb::list>(params) || nb::isinstance<nb::tuple>(params)) {
              for (nb::handle d : params) per_node.push_back(to_dict(d));
            } else if (!params.is_none()) {
              for (auto [k, v] : nb::cast<nb::dict>(params)) {
                const std::string key = nb::cast<std::string>(k);
                if (is_parameter(v)) {
                  random[key] = to_distribution(v.attr("_nestkit_distribution"));
                } else {
                  fixed[key] = to_value(v);
                }
              }
            }
            return s.create(model, n, fixed, per_node, random);
          },
          nb::arg("model"), nb::arg("n"), nb::arg("params").none())
      .def("get_status",
           [](const Simulator& s, const NodeCollection& nc, const std::vector<std::string>& keys) {
             nb::list out;
             for (const Dict& d : s.get_status(nc, keys)) out.append(from_dict(d));
             return out;
           })
      .def("set_status",
           [](Simulator& s, const NodeCollection& nc, nb::handle d) {
             Dict fixed;
             std::map<std::string, Distribution> random;
             for (auto [k, v] : nb::cast<nb::dict>(d)) {
               const std::string key = nb::cast<std::string>(k);
               if (is_parameter(v)) {
                 random[key] = to_distribution(v.attr("_nestkit_distribution"));
               } else {
                 fixed[key] = to_value(v);
               }
             }
             s.set_status(nc, fixed, random);
           })
      .def("set_status_each",
           [](Simulator& s, const NodeCollection& nc, nb::list ds) {
             std::vector<Dict> per;
             for (nb::handle d : ds) per.push_back(to_dict(d));
             s.set_status(nc, per);
           })
      .def("events", [](const Simulator& s, uint32_t gid) { return events_dict(s.events(gid)); })
      .def(
          "take_hdf5_batches",
          [](const Simulator& s) {
            nb::list out;
            for (const Hdf5Batch& b : take_hdf5_batches(s)) {
              nb::dict d;
              d["node_id"] = b.gid;
              d["model"] = b.model;
              d["label"] = b.label;
              d["path"] = b.path;
              d["new_file"] = b.new_file;
              d["double_names"] = b.double_names;
              d["long_names"] = b.long_names;
              d["events"] = events_dict(b.events);
              out.append(d);
            }
            return out;
          },
          "The rows every open hdf5 recorder buffered since the last call (nestkit._hdf5_writer appends them).")
      .def("model_of", &Simulator::model_of)
      .def(
          "connect",
          [](Simulator& s, const NodeCollection& pre, const NodeCollection& post, const std::string& rule,
             nb::handle conn_params, nb::handle syn_spec) {
            ConnSpec c{rule, to_dict(conn_params)};
            s.connect(pre, post, c, make_syn_spec(s, syn_spec));
          },
          nb::arg("pre"), nb::arg("post"), nb::arg("rule"), nb::arg("conn_params").none(), nb::arg("syn_spec").none())
      .def(
          "connect_collocated",
          [](Simulator& s, const NodeCollection& pre, const NodeCollection& post, const std::string& rule,
             nb::handle conn_params, nb::list syn_specs) {
            ConnSpec c{rule, to_dict(conn_params)};
            std::vector<SynSpec> specs;
            for (nb::handle spec : syn_specs) specs.push_back(make_syn_spec(s, spec));
            s.connect(pre, post, c, specs);
          },
          nb::arg("pre"), nb::arg("post"), nb::arg("rule"), nb::arg("conn_params").none(), nb::arg("syn_specs"))
      .def(
          "connect_tripartite",
          [](Simulator& s, const NodeCollection& pre, const NodeCollection& post, const NodeCollection& third,
             const std::string& rule, nb::handle conn_params, const std::string& third_rule, nb::handle third_params,
             nb::list primary, nb::list third_in, nb::list third_out) {
            auto specs = [&](nb::list l) {
              std::vector<SynSpec> v;
              for (nb::handle spec : l) v.push_back(make_syn_spec(s, spec));
              return v;
            };
            s.tripartite_connect(pre, post, third, ConnSpec{rule, to_dict(conn_params)},
                                 ConnSpec{third_rule, to_dict(third_params)}, specs(primary), specs(third_in),
                                 specs(third_out));
          },
          nb::arg("pre"), nb::arg("post"), nb::arg("third"), nb::arg("rule"), nb::arg("conn_params").none(),
          nb::arg("third_rule"), nb::arg("third_params").none(), nb::arg("primary"), nb::arg("third_in"),
          nb::arg("third_out"))
      .def(
          "connect_arrays",
          [](Simulator& s, const std::vector<uint32_t>& src, const std::vector<uint32_t>& tgt, nb::handle syn_spec) {
            s.connect_arrays(src, tgt, make_syn_spec(s, syn_spec));
          },
          nb::arg("sources"), nb::arg("targets"), nb::arg("syn_spec").none())
      .def(
          "get_connections",
          [](Simulator& s, std::optional<NodeCollection> src, std::optional<NodeCollection> tgt,
             std::optional<std::string> model, std::optional<long> label) {
            return s.get_connections(src ? &*src : nullptr, tgt ? &*tgt : nullptr, model ? &*model : nullptr,
                                     label ? &*label : nullptr);
          },
          nb::arg("source").none(), nb::arg("target").none(), nb::arg("synapse_model").none(),
          nb::arg("synapse_label").none() = nb::none())
      .def("connection_values",
           [](const Simulator& s, const SynapseCollection& c, const std::vector<std::string>& keys) {
             ConnectionTable t = s.connection_values(c, keys);
             nb::dict out;
             for (std::size_t j = 0; j < t.keys.size(); ++j) {
               nb::list col;
               for (const Value& v : t.columns[j]) col.append(from_value(v));
               out[t.keys[j].c_str()] = col;
             }
             return out;
           })
      .def("disconnect", &Simulator::disconnect)
      .def("set_connections",
           [](Simulator& s, const SynapseCollection& c, nb::dict d) { s.set_connections(c, to_dict(d)); })
      .def("simulate", &Simulator::simulate, nb::call_guard<nb::gil_scoped_release>())
      .def("enable_structural_plasticity", &Simulator::enable_structural_plasticity)
      .def("disable_structural_plasticity", &Simulator::disable_structural_plasticity)
      .def("structural_plasticity_enabled", &Simulator::structural_plasticity_enabled)
      .def("sync_structural_plasticity", &Simulator::sync_structural_plasticity)
      .def("sp_count_connected", &Simulator::sp_count_connected)
      .def("begin_session", &Simulator::begin_session)
      .def("end_session", &Simulator::end_session)
      .def_prop_ro("in_session", &Simulator::in_session)
      .def("bytes_per_synapse", &Simulator::bytes_per_synapse)
      .def_prop_ro("biological_time", &Simulator::biological_time)
      .def_prop_ro("resolution", &Simulator::resolution);

  bind_spatial(m, &make_syn_spec);
  m.def(
      "parameter_value",
      [](nb::handle expr, uint32_t seed, uint64_t draw) {
        const Distribution d = to_distribution(expr);
        d.validate("parameter");
        RandomStream rng(seed, Purpose::kNodeParam, 0, draw);
        return d.draw(rng);
      },
      "One value of a parameter expression (Parameter.GetValue), from the stream (seed, draw).");
  m.def(
      "quantity_in",
      [](nb::handle q, const std::string& unit, const std::string& what) {
        if (!is_unit_quantity(q))
          throw TypeMismatch(what + ": expected a quantity, got " + nb::cast<std::string>(nb::str(q.type())));
        const Value v = to_value(q);
        const auto vals = convert_quantity(std::get<Quantity>(v), unit, what);
        if (vals.size() != 1) throw TypeMismatch(what + ": expected a single value, got an array");
        return vals[0];
      },
      "The magnitude of a quantity (pint, quantities, brainunit) in `unit`; UnitError naming `what` on a dimension "
      "mismatch.");
  // Distributed runs (MPI): thin access to the process-wide communicator.
  m.def("mpi_rank", []() { return communicator().rank(); }, "This process's MPI rank (0 without MPI).");
  m.def("mpi_size", []() { return communicator().size(); }, "The number of MPI processes (1 without MPI).");
  m.def("built_with_mpi", &built_with_mpi, "Whether this build can run distributed (MPI).");
  m.def("mpi_barrier", []() { communicator().barrier(); }, "Waits until every MPI process has arrived.");
  m.def("mpi_finalize", []() { communicator().finalize(); }, "Ends MPI if nestkit started it.");
  m.def(
      "mpi_gather_bytes",
      [](nb::bytes b) {
        const std::vector<std::string> parts = communicator().gather_to_root(std::string(b.c_str(), b.size()));
        nb::list out;
        for (const std::string& p : parts) out.append(nb::bytes(p.data(), p.size()));
        return out;
      },
      "Collective: rank 0 receives every rank's bytes in rank order; other ranks an empty list.");
  m.def(
      "mpi_first_error", [](const std::string& local) { return communicator().first_error(local); },
      "Collective: the message of the lowest rank with a non-empty one ('' if none).");
  m.def("is_quantity", &is_unit_quantity, "Whether a value is a quantity of a unit library nestkit reads.");
  m.def("ode_lane_width", &ode_lane_width,
        "Neurons the ODE models' RKF45 stepper advances together (2, 4 or 8; NESTKIT_LANES caps it).");
  m.def("model_schema", &model_schema, "Parameter declarations of a built-in model (for generated docs).");
  m.def("builtin_synapse_models", []() {
    nb::list l;
    for (const SynapseInfo* si : builtin_synapse_models()) {
      nb::dict d;
      d["name"] = si->name;
      d["doc"] = si->doc;
      d["default_weight"] = si->default_weight;
      d["weight_common"] = si->weight_common;
      d["plastic"] = si->plastic;
      d["needs_archive"] = si->needs_archive;
      d["needs_clopath"] = si->needs_clopath;
      d["needs_urbanczik"] = si->needs_urbanczik;
      d["stochastic"] = si->stochastic;
      d["shares_pre_state"] = si->shares_pre_state;
      nb::list params;
      for (const SynapseParam& p : si->params) {
        if (p.hidden) continue;
        nb::dict q;
        q["name"] = p.name;
        if (p.length > 1)
          q["default"] = std::vector<long>(p.default_list.begin(), p.default_list.end());
        else if (p.boolean)
          q["default"] = p.default_value != 0.0;
        else
          q["default"] = p.integer ? nb::cast(static_cast<long>(p.default_value)) : nb::cast(p.default_value);
        q["unit"] = p.unit;
        q["doc"] = p.doc;
        q["kind"] = p.common ? "common" : p.state ? "state" : "parameter";
        const char* ck[] = {"", "> 0", ">= 0", ">= lo", "in range"};
        q["constraint"] = ck[p.constraint.kind];
        params.append(q);
      }
      d["params"] = params;
      l.append(d);
    }
    return l;
  });
  m.def("builtin_models", []() {
    std::vector<std::pair<std::string, std::string>> out;
    nb::list l;
    for (const ModelInfo* mi : builtin_node_models()) {
      nb::dict d;
      d["name"] = mi->name;
      d["family"] = mi->family;
      d["doc_url"] = mi->doc_url;
      d["recordables"] = mi->recordables;
      l.append(d);
    }
    return l;
  });
}
