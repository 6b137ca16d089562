#include "convert.hpp"

#include "nestkit/coerce.hpp"
#include "nestkit/units.hpp"

#include <nanobind/ndarray.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

namespace nestkit::py {

namespace {
bool is_quantity(nb::handle h) { return nb::hasattr(h, "_nestkit_dim"); }

Quantity to_quantity(nb::handle h) {
  Quantity q;
  nb::tuple dim = nb::cast<nb::tuple>(h.attr("_nestkit_dim"));
  for (std::size_t i = 0; i < 4; ++i) q.dim[i] = static_cast<int8_t>(nb::cast<int>(dim[i]));
  nb::object si = h.attr("_nestkit_si")();
  q.is_array = nb::cast<bool>(h.attr("_nestkit_is_array"));
  if (q.is_array)
    q.si = nb::cast<std::vector<double>>(si);
  else
    q.si = {nb::cast<double>(si)};
  return q;
}

bool is_sequence(nb::handle h) {
  return nb::isinstance<nb::list>(h) || nb::isinstance<nb::tuple>(h) || nb::hasattr(h, "__array__");
}
}  // namespace

Value to_value(nb::handle h) {
  if (h.is_none()) return std::monostate{};
  if (is_quantity(h)) return to_quantity(h);
  if (nb::isinstance<nb::bool_>(h)) return nb::cast<bool>(h);
  if (nb::isinstance<nb::int_>(h)) return nb::cast<long>(h);
  if (nb::isinstance<nb::float_>(h)) return nb::cast<double>(h);
  if (nb::isinstance<nb::str>(h)) return nb::cast<std::string>(h);
  // numpy scalars
  if (nb::hasattr(h, "dtype") && nb::hasattr(h, "item") && nb::cast<int>(h.attr("ndim")) == 0)
    return to_value(h.attr("item")());
  if (is_sequence(h)) {
    nb::list items = nb::hasattr(h, "tolist") ? nb::cast<nb::list>(h.attr("tolist")()) : nb::list(h);
    bool all_int = true, all_str = true, all_num = true;
    for (nb::handle x : items) {
      const bool isb = nb::isinstance<nb::bool_>(x);
      const bool isi = nb::isinstance<nb::int_>(x) && !isb;
      const bool isf = nb::isinstance<nb::float_>(x);
      all_int &= isi;
      all_str &= nb::isinstance<nb::str>(x);
      all_num &= isi || isf;
    }
    if (items.size() > 0 && all_str) return nb::cast<std::vector<std::string>>(items);
    if (all_int && items.size() > 0) return nb::cast<std::vector<long>>(items);
    if (all_num) return nb::cast<std::vector<double>>(items);
    throw TypeMismatch("lists must hold only numbers or only strings");
  }
  throw TypeMismatch("unsupported value of Python type " + nb::cast<std::string>(nb::str(h.type())));
}

nb::object from_value(const Value& v) {
  return std::visit(
      [](const auto& x) -> nb::object {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>)
          return nb::none();
        else if constexpr (std::is_same_v<T, Quantity>)
          return nb::cast(x.si);
        else
          return nb::cast(x);
      },
      v);
}

Dict to_dict(nb::handle h) {
  Dict d;
  if (h.is_none()) return d;
  for (auto [k, v] : nb::cast<nb::dict>(h)) d[nb::cast<std::string>(k)] = to_value(v);
  return d;
}

nb::dict from_dict(const Dict& d) {
  nb::dict out;
  for (auto& [k, v] : d) out[k.c_str()] = from_value(v);
  return out;
}

Distribution to_distribution(nb::handle h) {
  if (!nb::isinstance<nb::tuple>(h) || nb::len(h) == 0) throw BadProperty("a parameter expression must be a tuple");
  nb::tuple t = nb::borrow<nb::tuple>(h);
  Distribution d;
  d.type = nb::cast<std::string>(t[0]);
  std::size_t nums = 0;
  for (std::size_t i = 1; i < nb::len(t); ++i) {
    nb::handle x = t[i];
    if (nb::isinstance<nb::tuple>(x)) {
      d.args.push_back(to_distribution(x));
    } else {
      if (nums == 2) throw BadProperty("parameter '" + d.type + "': too many numeric arguments");
      (nums++ == 0 ? d.a : d.b) = nb::cast<double>(x);
    }
  }
  return d;
}

ParamSource to_param_source(nb::handle h, const char* what, const std::string& unit) {
  if (h.is_none()) return {};
  // A random parameter from nestkit.nest.random / nestkit.random.
  if (nb::hasattr(h, "_nestkit_distribution")) {
    return ParamSource::of(to_distribution(h.attr("_nestkit_distribution")));
  }
  Value v = to_value(h);
  if (auto q = std::get_if<Quantity>(&v)) {
    auto vals = convert_quantity(*q, unit, what);
    return q->is_array ? ParamSource::of(vals) : ParamSource::of(vals[0]);
  }
  if (auto vd = std::get_if<std::vector<double>>(&v)) return ParamSource::of(*vd);
  if (auto vl = std::get_if<std::vector<long>>(&v)) return ParamSource::of(std::vector<double>(vl->begin(), vl->end()));
  return ParamSource::of(coerce_number(v, unit, what));
}

NodeCollection to_nodes(nb::handle h) { return nb::cast<NodeCollection>(h); }

}  // namespace nestkit::py
