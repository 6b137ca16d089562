#include "nestkit/coerce.hpp"

#include <cmath>

#include "nestkit/errors.hpp"
#include "nestkit/units.hpp"

namespace nestkit {

std::string type_name(const Value& v) {
  static const char* names[] = {"None",          "bool",        "int",         "float",   "str",
                                "list of float", "list of int", "list of str", "quantity"};
  return names[v.index()];
}

namespace {
[[noreturn]] void mismatch(const ParamSpec& s, const Value& v, const std::string& owner, const char* want) {
  throw TypeMismatch(owner + ": parameter '" + s.name + "' expects " + want + ", got " + type_name(v));
}

bool integral(double d) { return std::isfinite(d) && std::floor(d) == d; }

// NaN and infinities are rejected unless the value has a meaning: a parameter
// whose default is itself non-finite (stop = inf, V_min = -inf, unset = nan)
// takes that same value, and V_th = +inf gives a neuron that never fires.
// NEST accepts them silently; here they raise BadProperty before anything changes.
void check_finite(const ParamSpec& s, double d, const std::string& owner) {
  if (std::isfinite(d)) return;
  if (auto def = std::get_if<double>(&s.default_value); def && !std::isfinite(*def)) {
    if (std::isnan(d) && std::isnan(*def)) return;
    if (!std::isnan(d) && d == *def) return;
  }
  if (s.name == "V_th" && d > 0) return;
  const char* txt = std::isnan(d) ? "nan" : (d > 0 ? "inf" : "-inf");
  throw BadProperty(owner + ": " + s.name + " = " + txt + " is not allowed; '" + s.name + "' must be a finite number.");
}
}  // namespace

double coerce_number(const Value& v, const std::string& unit, const std::string& what) {
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto l = std::get_if<long>(&v)) return static_cast<double>(*l);
  if (auto q = std::get_if<Quantity>(&v)) {
    if (q->is_array || q->si.size() != 1) throw TypeMismatch(what + " expects a single value, got an array quantity");
    return convert_quantity(*q, unit, what)[0];
  }
  throw TypeMismatch(what + " expects a number, got " + type_name(v));
}

Value coerce(const ParamSpec& s, const Value& v, const std::string& owner) {
  switch (s.type) {
    case PType::kDouble:
      if (auto b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
      if (std::holds_alternative<double>(v) || std::holds_alternative<long>(v) || std::holds_alternative<Quantity>(v)) {
        const double d = coerce_number(v, s.unit, owner + ": parameter '" + s.name + "'");
        check_finite(s, d, owner);
        return d;
      }
      mismatch(s, v, owner, "a number");
    case PType::kLong:
      if (auto l = std::get_if<long>(&v)) return *l;
      if (auto d = std::get_if<double>(&v); d && integral(*d)) return static_cast<long>(*d);
      if (auto b = std::get_if<bool>(&v)) return static_cast<long>(*b);
      mismatch(s, v, owner, "an integer");
    case PType::kBool:
      if (auto b = std::get_if<bool>(&v)) return *b;
      if (auto l = std::get_if<long>(&v); l && (*l == 0 || *l == 1)) return *l == 1;
      mismatch(s, v, owner, "a boolean");
    case PType::kString:
      if (std::holds_alternative<std::string>(v)) return v;
      mismatch(s, v, owner, "a string");
    case PType::kDoubleVec:
      if (auto dv = std::get_if<std::vector<double>>(&v)) {
        for (double x : *dv)
          if (!std::isfinite(x))
            throw BadProperty(owner + ": " + s.name + " contains " + (std::isnan(x) ? "nan" : "an infinity") +
                              "; every element must be a finite number.");
        return v;
      }
      if (auto l = std::get_if<std::vector<long>>(&v)) return std::vector<double>(l->begin(), l->end());
      if (auto q = std::get_if<Quantity>(&v)) {
        Value out = convert_quantity(*q, s.unit, owner + ": parameter '" + s.name + "'");
        return coerce(s, out, owner);
      }
      if (std::holds_alternative<std::monostate>(v)) return std::vector<double>{};
      mismatch(s, v, owner, "a list of numbers");
    case PType::kLongVec:
      if (std::holds_alternative<std::vector<long>>(v)) return v;
      if (auto d = std::get_if<std::vector<double>>(&v)) {
        std::vector<long> out;
        for (double x : *d) {
          if (!integral(x)) mismatch(s, v, owner, "a list of integers");
          out.push_back(static_cast<long>(x));
        }
        return out;
      }
      if (std::holds_alternative<std::monostate>(v)) return std::vector<long>{};
      mismatch(s, v, owner, "a list of integers");
    case PType::kStringVec:
      if (std::holds_alternative<std::vector<std::string>>(v)) return v;
      if (auto str = std::get_if<std::string>(&v)) return std::vector<std::string>{*str};
      if (std::holds_alternative<std::monostate>(v)) return std::vector<std::string>{};
      mismatch(s, v, owner, "a list of strings");
  }
  return v;
}

}  // namespace nestkit
