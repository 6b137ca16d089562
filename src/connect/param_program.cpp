#include "connect/param_program.hpp"

#include <cmath>
#include <map>
#include <string>

#include "nestkit/errors.hpp"
#include "nestkit/rng.hpp"

namespace nestkit {

namespace {
constexpr std::size_t kMaxRedraws = 1000;  // as Distribution::draw and NEST's redraw
}

ParamProgram::ParamProgram(const Distribution& d) {
  d.validate("parameter");
  add(d);
}

int ParamProgram::add(const Distribution& d) {
  static const std::map<std::string, Op> ops = {
      {"constant", Op::kConstant},
      {"uniform", Op::kUniform},
      {"normal", Op::kNormal},
      {"lognormal", Op::kLognormal},
      {"exponential", Op::kExponential},
      {"uniform_int", Op::kUniformInt},
      {"add", Op::kAdd},
      {"sub", Op::kSub},
      {"mul", Op::kMul},
      {"div", Op::kDiv},
      {"lt", Op::kLt},
      {"le", Op::kLe},
      {"eq", Op::kEq},
      {"ne", Op::kNe},
      {"ge", Op::kGe},
      {"gt", Op::kGt},
      {"neg", Op::kNeg},
      {"exp", Op::kExp},
      {"sin", Op::kSin},
      {"cos", Op::kCos},
      {"pow", Op::kPow},
      {"min", Op::kMin},
      {"max", Op::kMax},
      {"redraw", Op::kRedraw},
      {"conditional", Op::kConditional},
  };
  const int id = static_cast<int>(nodes_.size());
  nodes_.emplace_back();
  const auto it = ops.find(d.type);
  Node node;
  node.a = d.a;
  node.b = d.b;
  if (it == ops.end()) {  // spatial nodes (validated): their own evaluation, whole subtree
    node.op = Op::kOther;
    node.other = &d;
  } else {
    node.op = it->second;
    for (std::size_t k = 0; k < d.args.size() && k < 3; ++k) node.args[k] = add(d.args[k]);
  }
  nodes_[id] = node;
  return id;
}

double ParamProgram::eval(int n, RandomStream& rng) const {
  const Node& nd = nodes_[n];
  switch (nd.op) {
    case Op::kConstant:
      return nd.a;
    case Op::kUniform:
      return nd.a + (nd.b - nd.a) * rng.uniform();
    case Op::kNormal:
      return nd.a + nd.b * rng.normal();
    case Op::kLognormal:
      return std::exp(nd.a + nd.b * rng.normal());
    case Op::kExponential:
      return nd.a * rng.exponential(1.0);
    case Op::kUniformInt:
      return static_cast<double>(rng.uniform_int(static_cast<uint64_t>(nd.a)));
    case Op::kRedraw:
      for (std::size_t tries = 0; tries < kMaxRedraws; ++tries) {
        const double v = eval(nd.args[0], rng);
        if (v >= nd.a && v <= nd.b) return v;
      }
      throw KernelException("Number of redraws exceeded limit of " + std::to_string(kMaxRedraws));
    case Op::kConditional:
      return eval(nd.args[0], rng) != 0.0 ? eval(nd.args[1], rng) : eval(nd.args[2], rng);
    case Op::kOther:
      return nd.other->draw(rng);
    default:
      break;
  }
  const double x = eval(nd.args[0], rng);
  switch (nd.op) {
    case Op::kNeg:
      return -x;
    case Op::kExp:
      return std::exp(x);
    case Op::kSin:
      return std::sin(x);
    case Op::kCos:
      return std::cos(x);
    case Op::kPow:
      return std::pow(x, nd.a);
    case Op::kMin:
      return std::min(x, nd.a);
    case Op::kMax:
      return std::max(x, nd.a);
    default:
      break;
  }
  const double y = eval(nd.args[1], rng);  // both operands drawn in order, as Distribution::draw
  switch (nd.op) {
    case Op::kAdd:
      return x + y;
    case Op::kSub:
      return x - y;
    case Op::kMul:
      return x * y;
    case Op::kDiv:
      return x / y;
    case Op::kLt:
      return x < y;
    case Op::kLe:
      return x <= y;
    case Op::kEq:
      return x == y;
    case Op::kNe:
      return x != y;
    case Op::kGe:
      return x >= y;
    default:
      return x > y;
  }
}

}  // namespace nestkit
