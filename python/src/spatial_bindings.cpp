// Python access to layers, masks, spatial connections and mask selection.
#include "spatial_bindings.hpp"

#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "convert.hpp"
#include "nestkit/spatial.hpp"

namespace nestkit::py {

namespace {
using spatial::Layer;
using spatial::Mask;
using spatial::Point;

Point to_point(const std::vector<double>& v, int dim, const char* what) {
  if (static_cast<int>(v.size()) != dim)
    throw BadProperty(std::string(what) + " has " + std::to_string(v.size()) + " coordinates, the layer is " +
                      std::to_string(dim) + "-dimensional");
  Point p{};
  for (int i = 0; i < dim; ++i) {
    if (!std::isfinite(v[i])) throw BadProperty(std::string(what) + " must be finite");
    p[i] = v[i];
  }
  return p;
}

std::vector<double> from_point(const Point& p, int dim) { return std::vector<double>(p.begin(), p.begin() + dim); }
}  // namespace

void bind_spatial(nb::module_& m, SynSpec (*make_syn)(const Simulator&, nb::handle)) {
  nb::class_<Layer>(m, "SpatialLayer")
      .def_static("grid", &Layer::grid, nb::arg("shape"), nb::arg("extent").none(), nb::arg("center").none(),
                  nb::arg("edge_wrap"))
      .def_static("free", &Layer::free, nb::arg("positions"), nb::arg("extent").none(), nb::arg("edge_wrap"))
      .def_static(
          "free_random",
          [](std::size_t n, nb::list dims, std::optional<std::vector<double>> extent, bool edge_wrap, uint32_t seed,
             uint32_t call) {
            std::vector<Distribution> d;
            for (nb::handle h : dims) d.push_back(to_distribution(h));
            return Layer::free_random(n, d, extent, edge_wrap, seed, call);
          },
          nb::arg("n"), nb::arg("dims"), nb::arg("extent").none(), nb::arg("edge_wrap"), nb::arg("seed"),
          nb::arg("call"))
      .def_prop_ro("dim", &Layer::dim)
      .def_prop_ro("size", &Layer::size)
      .def_prop_ro("is_grid", &Layer::is_grid)
      .def_prop_ro("periodic", &Layer::periodic)
      .def_prop_ro("shape", &Layer::shape)
      .def_prop_ro("extent", [](const Layer& l) { return from_point(l.extent(), l.dim()); })
      .def_prop_ro("lower_left", [](const Layer& l) { return from_point(l.lower_left(), l.dim()); })
      .def_prop_ro("center", [](const Layer& l) { return from_point(l.center(), l.dim()); })
      .def(
          "positions",
          [](const Layer& l, const std::vector<long>& lids) {
            std::vector<std::vector<double>> out;
            out.reserve(lids.size());
            for (long k : lids) {
              if (k < 0 || static_cast<std::size_t>(k) >= l.size()) throw UnknownNode("node is not in this layer");
              out.push_back(from_point(l.position(static_cast<std::size_t>(k)), l.dim()));
            }
            return out;
          },
          "Positions of local indices.")
      .def(
          "displacement",
          [](const Layer& l, const std::vector<double>& from, const std::vector<double>& to) {
            return from_point(l.displacement(to_point(from, l.dim(), "position"), to_point(to, l.dim(), "position")),
                              l.dim());
          },
          "to - from, wrapped in periodic layers (NEST's Layer::compute_displacement).")
      .def(
          "distance",
          [](const Layer& l, const std::vector<double>& from, const std::vector<double>& to) {
            const Point d = l.displacement(to_point(from, l.dim(), "position"), to_point(to, l.dim(), "position"));
            double s = 0;
            for (int i = 0; i < l.dim(); ++i) s += d[i] * d[i];
            return std::sqrt(s);
          },
          "Length of displacement(from, to).");

  nb::class_<Mask>(m, "SpatialMask")
      .def_static(
          "make", [](const std::string& type, nb::handle spec) { return Mask::make(type, to_dict(spec)); },
          nb::arg("type"), nb::arg("spec"))
      .def_static(
          "combine",
          [](const std::string& op, std::shared_ptr<const Mask> a, std::shared_ptr<const Mask> b) {
            if (op.size() != 1 || std::string("&|-").find(op[0]) == std::string::npos)
              throw BadProperty("mask operator must be '&', '|' or '-'");
            return Mask::combine(op[0], std::move(a), std::move(b));
          },
          nb::arg("op"), nb::arg("a"), nb::arg("b"))
      .def_static("anchored", &Mask::anchored, nb::arg("mask"), nb::arg("anchor"))
      .def_prop_ro("dim", &Mask::dim)
      .def_prop_ro("description", &Mask::description)
      .def("inside",
           [](const Mask& mk, const std::vector<double>& p) { return mk.inside(to_point(p, mk.dim(), "point")); })
      .def("bbox", [](const Mask& mk) {
        const auto [lo, hi] = mk.bbox();
        return std::make_pair(from_point(lo, mk.dim()), from_point(hi, mk.dim()));
      });

  m.def(
      "spatial_connect",
      [make_syn](Simulator& sim, const Layer& src, uint32_t src_first, const NodeCollection& pre, const Layer& tgt,
                 uint32_t tgt_first, const NodeCollection& post, const std::string& rule, nb::handle p, long number,
                 std::shared_ptr<const Mask> mask, bool use_on_source, bool allow_autapses, bool allow_multapses,
                 bool allow_oversized, nb::handle syn_spec, uint32_t call) {
        spatial::ConnectRequest req;
        req.rule = rule;
        if (!p.is_none()) {
          if (is_parameter(p))
            req.p = to_distribution(p.attr("_nestkit_distribution"));
          else
            req.p = Distribution{"constant", nb::cast<double>(p), 0.0, {}};
        }
        req.number = number;
        req.mask = std::move(mask);
        req.use_on_source = use_on_source;
        req.allow_autapses = allow_autapses;
        req.allow_multapses = allow_multapses;
        req.allow_oversized = allow_oversized;
        spatial::connect_layers(sim, src, src_first, pre, tgt, tgt_first, post, req, make_syn(sim, syn_spec), call);
      },
      nb::arg("kernel"), nb::arg("src_layer"), nb::arg("src_first"), nb::arg("pre"), nb::arg("tgt_layer"),
      nb::arg("tgt_first"), nb::arg("post"), nb::arg("rule"), nb::arg("p").none(), nb::arg("number"),
      nb::arg("mask").none(), nb::arg("use_on_source"), nb::arg("allow_autapses"), nb::arg("allow_multapses"),
      nb::arg("allow_oversized"), nb::arg("syn_spec").none(), nb::arg("call"));

  m.def(
      "spatial_values",
      [](const Layer& layer, const std::vector<double>& source, const std::vector<std::vector<double>>& targets,
         nb::handle expr, uint32_t seed, uint32_t call) {
        const Distribution d = to_distribution(expr);
        d.validate("parameter");
        spatial::SpatialContext ctx;
        ctx.layer = &layer;
        ctx.source = to_point(source, layer.dim(), "source position");
        std::vector<double> out;
        out.reserve(targets.size());
        spatial::current_context() = &ctx;
        try {
          RandomStream rng(seed, Purpose::kNodeParam, 0xFFFFFFFEu, call);
          for (const auto& t : targets) {
            ctx.target = to_point(t, layer.dim(), "target position");
            out.push_back(d.draw(rng));
          }
        } catch (...) {
          spatial::current_context() = nullptr;
          throw;
        }
        spatial::current_context() = nullptr;
        return out;
      },
      "Values of a parameter for connections from `source` to each target position, in `layer` (Parameter.apply).");
  m.def(
      "spatial_node_values",
      [](const Layer& layer, uint32_t first, const std::vector<uint32_t>& nodes, nb::handle expr, uint32_t seed,
         uint32_t call) { return spatial::node_values(layer, first, nodes, to_distribution(expr), seed, call); },
      "A parameter's value for each node of `layer` (nest.spatial.pos reads the node's position).");
  m.def(
      "select_by_mask",
      [](const Layer& layer, uint32_t first, const NodeCollection& nodes, const Mask& mask,
         const std::vector<double>& anchor) {
        return spatial::select_by_mask(layer, first, nodes, mask, to_point(anchor, layer.dim(), "anchor"));
      },
      "Indices into `nodes` of the nodes inside `mask` anchored at `anchor` (ascending).");
}

}  // namespace nestkit::py
