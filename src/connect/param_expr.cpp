// Parameter expressions: evaluation and validation of Distribution trees.
#include <cmath>
#include <map>

#include "nestkit/errors.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"
#include "nestkit/spatial.hpp"

namespace nestkit {

namespace {

constexpr std::size_t kMaxRedraws = 1000;

// Operand count of each non-spatial node type.
const std::map<std::string, std::size_t>& base_arity() {
  static const std::map<std::string, std::size_t> table = {
      {"constant", 0},    {"uniform", 0}, {"normal", 0}, {"lognormal", 0},   {"exponential", 0},
      {"uniform_int", 0}, {"add", 2},     {"sub", 2},    {"mul", 2},         {"div", 2},
      {"neg", 1},         {"exp", 1},     {"sin", 1},    {"cos", 1},         {"pow", 1},
      {"min", 1},         {"max", 1},     {"lt", 2},     {"le", 2},          {"eq", 2},
      {"ne", 2},          {"ge", 2},      {"gt", 2},     {"conditional", 3}, {"redraw", 1}};
  return table;
}

// ... and of the spatial leaves and kernels (evaluated in src/spatial/spatial_param.cpp).
const std::map<std::string, std::size_t>& arity() {
  static const std::map<std::string, std::size_t> table = [] {
    std::map<std::string, std::size_t> t = base_arity();
    t.insert({{"distance", 0},
              {"source_pos", 0},
              {"target_pos", 0},
              {"spatial_gaussian", 1},
              {"spatial_exponential", 1},
              {"spatial_gamma", 1},
              {"spatial_gaussian2d", 7},
              {"spatial_gabor", 7},
              {"node_pos", 0}});
    return t;
  }();
  return table;
}

}  // namespace

void Distribution::validate(const std::string& what) const {
  const auto it = arity().find(type);
  if (it == arity().end()) {
    std::vector<std::string> names;
    for (const auto& [name, n] : arity()) names.push_back(name);
    throw BadProperty(what + ": unknown parameter type '" + type + "'." + did_you_mean(type, names));
  }
  if (args.size() != it->second)
    throw BadProperty(what + ": '" + type + "' takes " + std::to_string(it->second) + " operand(s), got " +
                      std::to_string(args.size()));
  if ((type == "normal" || type == "lognormal") && b < 0)
    throw BadProperty(what + ": the standard deviation must be >= 0");
  if (type == "uniform" && b < a) throw BadProperty(what + ": uniform needs min <= max");
  if (type == "exponential" && a <= 0) throw BadProperty(what + ": exponential needs beta > 0");
  if (type == "uniform_int" && a < 1) throw BadProperty(what + ": uniform_int needs max >= 1");
  if (type == "redraw" && a > b) throw BadProperty(what + ": redraw needs min <= max");
  spatial::validate_spatial(*this, what);
  for (const Distribution& d : args) d.validate(what);
}

double Distribution::draw(RandomStream& rng) const {
  if (type == "constant") return a;
  if (type == "uniform") return a + (b - a) * rng.uniform();
  if (type == "normal") return a + b * rng.normal();
  if (type == "lognormal") return std::exp(a + b * rng.normal());
  if (type == "exponential") return a * rng.exponential(1.0);
  if (type == "uniform_int") return static_cast<double>(rng.uniform_int(static_cast<uint64_t>(a)));
  if (spatial::is_spatial_node(type)) return spatial::draw_spatial(*this, rng);
  if (args.size() == 1) {
    if (type == "redraw") {
      for (std::size_t tries = 0; tries < kMaxRedraws; ++tries) {
        const double v = args[0].draw(rng);
        if (v >= a && v <= b) return v;
      }
      throw KernelException("Number of redraws exceeded limit of " + std::to_string(kMaxRedraws));
    }
    const double x = args[0].draw(rng);
    if (type == "neg") return -x;
    if (type == "exp") return std::exp(x);
    if (type == "sin") return std::sin(x);
    if (type == "cos") return std::cos(x);
    if (type == "pow") return std::pow(x, a);
    if (type == "min") return std::min(x, a);
    if (type == "max") return std::max(x, a);
  } else if (args.size() == 2) {
    const double x = args[0].draw(rng);
    const double y = args[1].draw(rng);
    if (type == "add") return x + y;
    if (type == "sub") return x - y;
    if (type == "mul") return x * y;
    if (type == "div") return x / y;
    if (type == "lt") return x < y;
    if (type == "le") return x <= y;
    if (type == "eq") return x == y;
    if (type == "ne") return x != y;
    if (type == "ge") return x >= y;
    if (type == "gt") return x > y;
  } else if (args.size() == 3 && type == "conditional") {
    // Only the chosen branch is evaluated (and draws numbers), as in NEST.
    return args[0].draw(rng) != 0.0 ? args[1].draw(rng) : args[2].draw(rng);
  }
  validate("parameter");  // reports the unknown type or the wrong operand count
  throw BadProperty("parameter: cannot evaluate '" + type + "'");
}

}  // namespace nestkit
