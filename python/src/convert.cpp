#include "convert.hpp"

#include "nestkit/coerce.hpp"
#include "nestkit/units.hpp"

#include <cmath>

#include <nanobind/ndarray.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

namespace nestkit::py {

using namespace nb::literals;

namespace {
// Quantities come from the unit libraries researchers already use: pint (which
// nestkit.units is built on), quantities (Neo's) and brainunit (brainpy's). Each is
// read here as its SI magnitude and its exponents of (m, kg, s, A); the core then
// checks the dimension against the parameter's unit and converts (core/units.cpp).
enum class UnitLibrary { kNone, kPint, kQuantities, kBrainunit };

std::string module_of(nb::handle h) {
  nb::object mod = nb::getattr(h.type(), "__module__", nb::none());
  return mod.is_none() ? std::string() : nb::cast<std::string>(nb::str(mod));
}

UnitLibrary unit_library(nb::handle h) {
  if (nb::isinstance<nb::float_>(h) || nb::isinstance<nb::int_>(h) || nb::isinstance<nb::str>(h))
    return UnitLibrary::kNone;
  const std::string mod = module_of(h);
  if (mod.rfind("pint", 0) == 0 && nb::hasattr(h, "magnitude") && nb::hasattr(h, "dimensionality"))
    return UnitLibrary::kPint;
  if (mod.rfind("quantities", 0) == 0 && nb::hasattr(h, "simplified")) return UnitLibrary::kQuantities;
  if ((mod.rfind("saiunit", 0) == 0 || mod.rfind("brainunit", 0) == 0) && nb::hasattr(h, "mantissa"))
    return UnitLibrary::kBrainunit;
  return UnitLibrary::kNone;
}

bool is_quantity(nb::handle h) { return unit_library(h) != UnitLibrary::kNone; }

// Index of a base dimension in nestkit's (m, kg, s, A); -1 for the others.
int base_index(const std::string& name) {
  static const char* names[4][3] = {
      {"[length]", "m", "metre"}, {"[mass]", "kg", "kilogram"}, {"[time]", "s", "second"}, {"[current]", "A", "amp"}};
  for (int i = 0; i < 4; ++i)
    for (const char* n : names[i])
      if (name == n) return i;
  return -1;
}

void set_exponent(Quantity& q, const std::string& base, long exponent, nb::handle h) {
  if (exponent == 0) return;
  const int i = base_index(base);
  if (i < 0)
    throw UnitError("quantity " + nb::cast<std::string>(nb::str(h)) + " has the base dimension '" + base +
                    "', which no NEST parameter uses (only length, mass, time and current)");
  q.dim[i] = static_cast<int8_t>(exponent);
}

void set_magnitude(Quantity& q, nb::handle magnitude, double scale) {
  nb::module_ np = nb::module_::import_("numpy");
  nb::object arr = np.attr("asarray")(magnitude, "dtype"_a = "float64");
  q.is_array = nb::cast<int>(arr.attr("ndim")) > 0;
  if (q.is_array)
    q.si = nb::cast<std::vector<double>>(arr.attr("ravel")().attr("tolist")());
  else
    q.si = {nb::cast<double>(arr.attr("item")())};
  if (scale != 1.0)
    for (double& x : q.si) x *= scale;
}

// A mapping (pint's UnitsContainer, quantities' Dimensionality) as a dict.
nb::dict as_dict(nb::handle mapping) {
  return nb::borrow<nb::dict>(nb::module_::import_("builtins").attr("dict")(mapping));
}

Quantity to_quantity(nb::handle h) {
  Quantity q;
  switch (unit_library(h)) {
    case UnitLibrary::kPint: {
      // Expressed explicitly in SI base units, whatever default system the user's registry has.
      std::string si;
      for (auto [k, v] : as_dict(h.attr("dimensionality"))) {
        const std::string base = nb::cast<std::string>(k);
        const long e = nb::cast<long>(v);
        set_exponent(q, base, e, h);
        static const char* unit_of[] = {"meter", "kilogram", "second", "ampere"};
        si += (si.empty() ? "" : " * ") + std::string(unit_of[base_index(base)]) + " ** " + std::to_string(e);
      }
      set_magnitude(q, h.attr("to")(si.empty() ? "dimensionless" : si).attr("magnitude"), 1.0);
      break;
    }
    case UnitLibrary::kQuantities: {
      nb::object simple = h.attr("simplified");  // SI base units
      for (auto [k, v] : as_dict(simple.attr("dimensionality")))
        set_exponent(q, nb::cast<std::string>(k.attr("symbol")), nb::cast<long>(v), h);
      set_magnitude(q, simple.attr("magnitude"), 1.0);
      break;
    }
    case UnitLibrary::kBrainunit: {
      nb::object dim = h.attr("dim"), unit = h.attr("unit");
      for (const char* base : {"m", "kg", "s", "A", "K", "mol", "cd"})
        set_exponent(q, base, nb::cast<long>(dim.attr("get_dimension")(base)), h);
      // A brainunit value is mantissa * factor * 10^scale in SI.
      const double scale = nb::cast<double>(unit.attr("factor")) * std::pow(10.0, nb::cast<double>(unit.attr("scale")));
      set_magnitude(q, h.attr("mantissa"), scale);
      break;
    }
    case UnitLibrary::kNone:
      throw TypeMismatch("not a quantity");
  }
  return q;
}

}  // namespace

bool is_unit_quantity(nb::handle h) { return is_quantity(h); }

namespace {
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
