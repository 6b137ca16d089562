// Compiled parameter expressions for spatial connections (see kernel_expr.hpp).
#include "spatial/kernel_expr.hpp"

#include <cmath>
#include <map>
#include <string>

#include "nestkit/errors.hpp"

namespace nestkit::spatial {

KernelExpr::KernelExpr(const Distribution& d) {
  nodes_.reserve(8);
  add(d);
}

int KernelExpr::add(const Distribution& d) {
  static const std::map<std::string, Op> ops = {{"constant", Op::kConst},
                                                {"spatial_gaussian", Op::kGauss},
                                                {"spatial_exponential", Op::kExpo},
                                                {"spatial_gamma", Op::kGamma},
                                                {"spatial_gaussian2d", Op::kGauss2d},
                                                {"spatial_gabor", Op::kGabor},
                                                {"add", Op::kAdd},
                                                {"sub", Op::kSub},
                                                {"mul", Op::kMul},
                                                {"div", Op::kDiv},
                                                {"neg", Op::kNeg},
                                                {"exp", Op::kExp},
                                                {"sin", Op::kSin},
                                                {"cos", Op::kCos},
                                                {"pow", Op::kPow},
                                                {"min", Op::kMin},
                                                {"max", Op::kMax},
                                                {"lt", Op::kLt},
                                                {"le", Op::kLe},
                                                {"eq", Op::kEq},
                                                {"ne", Op::kNe},
                                                {"ge", Op::kGe},
                                                {"gt", Op::kGt},
                                                {"conditional", Op::kCond},
                                                {"source_pos", Op::kSource},
                                                {"target_pos", Op::kTarget},
                                                {"distance", Op::kDistance}};
  const int me = static_cast<int>(nodes_.size());
  nodes_.push_back(Node{});
  Node n;
  auto it = ops.find(d.type);
  n.op = it == ops.end() ? Op::kOther : it->second;
  n.a = d.a;
  n.b = d.b;
  n.axis = static_cast<int>(d.a);
  if (n.op == Op::kDistance && n.axis > 0) {
    n.op = Op::kDistanceAxis;
    n.axis -= 1;
  }
  if (n.op == Op::kOther) {
    n.other = &d;
  } else if (n.op == Op::kGauss) {
    n.c = 1.0 / (2 * d.b * d.b);  // NEST's inv_two_std2
  } else if (n.op == Op::kExpo) {
    n.c = 1.0 / d.a;  // inv_beta
  } else if (n.op == Op::kGamma) {
    n.c = 1.0 / d.b;                              // inv_theta
    n.d = std::pow(n.c, d.a) / std::tgamma(d.a);  // delta
  } else if (n.op == Op::kGauss2d) {
    const double mx = d.args[2].a, my = d.args[3].a, sx = d.args[4].a, sy = d.args[5].a, rho = d.args[6].a;
    n.a = mx;
    n.b = my;
    n.c = 1. / (2. * (1. - rho * rho) * sx * sx);
    n.d = 1. / (2. * (1. - rho * rho) * sy * sy);
    n.e = rho / ((1. - rho * rho) * sx * sy);
  } else if (n.op == Op::kGabor) {
    const double theta = d.args[2].a, gamma = d.args[3].a, std = d.args[4].a;
    n.a = std::cos(theta * M_PI / 180.);
    n.b = std::sin(theta * M_PI / 180.);
    n.c = gamma;
    n.d = 1.0 / (2 * std * std);  // inv_two_std2
    n.e = d.args[5].a;            // lambda
    n.f = d.args[6].a;            // psi (degrees)
  }
  if (n.op != Op::kOther) {
    const std::size_t nargs = n.op == Op::kGauss2d || n.op == Op::kGabor ? 2 : d.args.size();
    for (std::size_t k = 0; k < nargs && k < 3; ++k) n.args[k] = add(d.args[k]);
  }
  nodes_[me] = n;
  return me;
}

void KernelExpr::check_dims(int dim) const {
  for (const Node& n : nodes_) {
    if (n.op == Op::kDistanceAxis && n.axis >= dim)
      throw KernelException(
          "Spatial distance dimension must be within the defined number of dimensions for the nodes (distance." +
          std::string(1, "xyz"[n.axis]) + " on " + std::to_string(dim) + "-D layers).");
    if ((n.op == Op::kSource || n.op == Op::kTarget) && n.axis >= dim)
      throw KernelException("Position dimension must be within the defined number of dimensions for the nodes (" +
                            std::string(1, "xyz"[n.axis]) + " on " + std::to_string(dim) + "-D layers).");
  }
}

double KernelExpr::eval(int i, const SpatialContext& ctx, RandomStream& rng) const {
  const Node& n = nodes_[i];
  switch (n.op) {
    case Op::kConst:
      return n.a;
    case Op::kDistance:
      return ctx.layer->distance(ctx.source, ctx.target);
    case Op::kDistanceAxis:
      return std::abs(ctx.layer->displacement_axis(ctx.source, ctx.target, n.axis));
    case Op::kSource:
      return ctx.source[n.axis];
    case Op::kTarget:
      return ctx.target[n.axis];
    case Op::kGauss: {
      const double dx = eval(n.args[0], ctx, rng) - n.a;
      return std::exp(-dx * dx * n.c);
    }
    case Op::kExpo:
      return std::exp(-eval(n.args[0], ctx, rng) * n.c);
    case Op::kGamma: {
      const double x = eval(n.args[0], ctx, rng);
      return std::pow(x, n.a - 1.) * std::exp(-1. * n.c * x) * n.d;
    }
    case Op::kGauss2d: {
      const double dx = eval(n.args[0], ctx, rng) - n.a;
      const double dy = eval(n.args[1], ctx, rng) - n.b;
      return std::exp(-dx * dx * n.c - dy * dy * n.d + dx * dy * n.e);
    }
    case Op::kGabor:
      return spatial::gabor(eval(n.args[0], ctx, rng), eval(n.args[1], ctx, rng), n.a, n.b, n.c, n.d, n.e, n.f);
    case Op::kNeg:
      return -eval(n.args[0], ctx, rng);
    case Op::kExp:
      return std::exp(eval(n.args[0], ctx, rng));
    case Op::kSin:
      return std::sin(eval(n.args[0], ctx, rng));
    case Op::kCos:
      return std::cos(eval(n.args[0], ctx, rng));
    case Op::kPow:
      return std::pow(eval(n.args[0], ctx, rng), n.a);
    case Op::kMin:
      return std::min(eval(n.args[0], ctx, rng), n.a);
    case Op::kMax:
      return std::max(eval(n.args[0], ctx, rng), n.a);
    case Op::kCond:
      return eval(n.args[0], ctx, rng) != 0.0 ? eval(n.args[1], ctx, rng) : eval(n.args[2], ctx, rng);
    case Op::kOther:
      return n.other->draw(rng);
    default:
      break;
  }
  const double x = eval(n.args[0], ctx, rng);
  const double y = eval(n.args[1], ctx, rng);
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
    default:
      return x > y;
  }
}

}  // namespace nestkit::spatial
