// Compiled parameter expressions (see param_program.hpp).
#include "connect/param_program.hpp"

#include <cmath>
#include <map>
#include <string>
#include <type_traits>

#include "nestkit/errors.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/spatial.hpp"

namespace nestkit {

namespace {
constexpr std::size_t kMaxRedraws = 1000;  // as Distribution::draw and NEST's redraw
}

ParamProgram::ParamProgram(const Distribution& d) {
  d.validate("parameter");
  nodes_.reserve(8);
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
      {"redraw", Op::kRedraw},
      {"conditional", Op::kConditional},
      {"neg", Op::kNeg},
      {"exp", Op::kExp},
      {"sin", Op::kSin},
      {"cos", Op::kCos},
      {"pow", Op::kPow},
      {"min", Op::kMin},
      {"max", Op::kMax},
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
      {"distance", Op::kDistance},
      {"source_pos", Op::kSourcePos},
      {"target_pos", Op::kTargetPos},
      {"spatial_gaussian", Op::kGauss},
      {"spatial_exponential", Op::kExpo},
      {"spatial_gamma", Op::kGamma},
      {"spatial_gaussian2d", Op::kGauss2d},
      {"spatial_gabor", Op::kGabor},
  };
  const int id = static_cast<int>(nodes_.size());
  nodes_.emplace_back();
  const auto it = ops.find(d.type);
  Node n;
  n.op = it == ops.end() ? Op::kTree : it->second;  // validated: only node_pos is left
  n.a = d.a;
  n.b = d.b;
  n.tree = &d;
  n.axis = static_cast<int>(d.a);
  std::size_t nargs = n.op == Op::kTree ? 0 : d.args.size();
  switch (n.op) {
    case Op::kDistance:  // 0: the whole length; 1-3: one axis
      if (n.axis > 0) {
        n.op = Op::kDistanceAxis;
        n.axis -= 1;
      }
      break;
    // The kernels' constants as NEST computes them once per parameter (nestkernel/parameter.h).
    case Op::kGauss:
      n.c = 1.0 / (2 * d.b * d.b);  // inv_two_std2
      break;
    case Op::kExpo:
      n.c = 1.0 / d.a;  // inv_beta
      break;
    case Op::kGamma:
      n.c = 1.0 / d.b;                              // inv_theta
      n.d = std::pow(n.c, d.a) / std::tgamma(d.a);  // delta
      break;
    case Op::kGauss2d: {  // operands 2-6 are validated constants
      const double mx = d.args[2].a, my = d.args[3].a, sx = d.args[4].a, sy = d.args[5].a, rho = d.args[6].a;
      n.a = mx;
      n.b = my;
      n.c = 1. / (2. * (1. - rho * rho) * sx * sx);
      n.d = 1. / (2. * (1. - rho * rho) * sy * sy);
      n.e = rho / ((1. - rho * rho) * sx * sy);
      nargs = 2;
      break;
    }
    case Op::kGabor: {
      const double theta = d.args[2].a, gamma = d.args[3].a, std = d.args[4].a;
      n.a = std::cos(theta * M_PI / 180.);
      n.b = std::sin(theta * M_PI / 180.);
      n.c = gamma;
      n.d = 1.0 / (2 * std * std);  // inv_two_std2
      n.e = d.args[5].a;            // lambda
      n.f = d.args[6].a;            // psi (degrees)
      nargs = 2;
      break;
    }
    default:
      break;
  }
  for (std::size_t k = 0; k < nargs && k < 3; ++k) n.args[k] = add(d.args[k]);
  nodes_[id] = n;
  return id;
}

void ParamProgram::check_dims(int dim) const {
  for (const Node& n : nodes_) {
    if (n.op == Op::kDistanceAxis && n.axis >= dim)
      throw KernelException(
          "Spatial distance dimension must be within the defined number of dimensions for the nodes (distance." +
          std::string(1, "xyz"[n.axis]) + " on " + std::to_string(dim) + "-D layers).");
    if ((n.op == Op::kSourcePos || n.op == Op::kTargetPos) && n.axis >= dim)
      throw KernelException("Position dimension must be within the defined number of dimensions for the nodes (" +
                            std::string(1, "xyz"[n.axis]) + " on " + std::to_string(dim) + "-D layers).");
  }
}

namespace {
RandomStream& stream(RandomStream& rng) { return rng; }
template <class Env>
RandomStream& stream(Env& env) {
  return env.rng;
}
}  // namespace

template <class Env>
double ParamProgram::run(int i, Env& env) const {
  constexpr bool kSpatial = !std::is_same_v<Env, RandomStream>;
  RandomStream& rng = stream(env);
  const Node& n = nodes_[i];
  switch (n.op) {
    case Op::kConstant:
      return n.a;
    case Op::kUniform:
      return n.a + (n.b - n.a) * rng.uniform();
    case Op::kNormal:
      return n.a + n.b * rng.normal();
    case Op::kLognormal:
      return std::exp(n.a + n.b * rng.normal());
    case Op::kExponential:
      return n.a * rng.exponential(1.0);
    case Op::kUniformInt:
      return static_cast<double>(rng.uniform_int(static_cast<uint64_t>(n.a)));
    case Op::kDistance:
      if constexpr (kSpatial) return env.ctx.layer->distance(env.ctx.source, env.ctx.target);
      return n.tree->draw(rng);
    case Op::kDistanceAxis:
      if constexpr (kSpatial) return std::abs(env.ctx.layer->displacement_axis(env.ctx.source, env.ctx.target, n.axis));
      return n.tree->draw(rng);
    case Op::kSourcePos:
      if constexpr (kSpatial) return env.ctx.source[n.axis];
      return n.tree->draw(rng);
    case Op::kTargetPos:
      if constexpr (kSpatial) return env.ctx.target[n.axis];
      return n.tree->draw(rng);
    case Op::kTree:
      return n.tree->draw(rng);
    case Op::kRedraw:
      for (std::size_t tries = 0; tries < kMaxRedraws; ++tries) {
        const double v = run(n.args[0], env);
        if (v >= n.a && v <= n.b) return v;
      }
      throw KernelException("Number of redraws exceeded limit of " + std::to_string(kMaxRedraws));
    case Op::kConditional:  // only the chosen branch draws, as in NEST
      return run(n.args[0], env) != 0.0 ? run(n.args[1], env) : run(n.args[2], env);
    default:
      break;
  }
  const double x = run(n.args[0], env);
  switch (n.op) {
    case Op::kNeg:
      return -x;
    case Op::kExp:
      return std::exp(x);
    case Op::kSin:
      return std::sin(x);
    case Op::kCos:
      return std::cos(x);
    case Op::kPow:
      return std::pow(x, n.a);
    case Op::kMin:
      return std::min(x, n.a);
    case Op::kMax:
      return std::max(x, n.a);
    case Op::kGauss: {
      const double dx = x - n.a;
      return std::exp(-dx * dx * n.c);
    }
    case Op::kExpo:
      return std::exp(-x * n.c);
    case Op::kGamma:
      return std::pow(x, n.a - 1.) * std::exp(-1. * n.c * x) * n.d;
    default:
      break;
  }
  const double y = run(n.args[1], env);  // operands drawn in order, as Distribution::draw
  switch (n.op) {
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
    case Op::kGt:
      return x > y;
    case Op::kGauss2d: {
      const double dx = x - n.a, dy = y - n.b;
      return std::exp(-dx * dx * n.c - dy * dy * n.d + dx * dy * n.e);
    }
    default:  // kGabor
      return spatial::gabor(x, y, n.a, n.b, n.c, n.d, n.e, n.f);
  }
}

template double ParamProgram::run(int, RandomStream&) const;
template double ParamProgram::run(int, ParamProgram::WithContext&) const;

}  // namespace nestkit
