// The spatial nodes of parameter expressions: distances and positions of the
// connection being made, and NEST's kernels (nestkernel/parameter.cpp formulas).
#include <algorithm>
#include <cmath>

#include "connect/param_program.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/spatial.hpp"

namespace nestkit::spatial {

const SpatialContext*& current_context() {
  thread_local const SpatialContext* ctx = nullptr;
  return ctx;
}

bool is_spatial_node(const std::string& type) {
  return type == "distance" || type == "source_pos" || type == "target_pos" || type == "node_pos" ||
         type == "spatial_gaussian" || type == "spatial_exponential" || type == "spatial_gamma" ||
         type == "spatial_gaussian2d" || type == "spatial_gabor";
}

bool is_spatial(const Distribution& d) {
  if (d.type == "distance" || d.type == "source_pos" || d.type == "target_pos" || d.type == "node_pos") return true;
  for (const Distribution& a : d.args)
    if (is_spatial(a)) return true;
  return false;
}

namespace {
double constant_arg(const Distribution& d, std::size_t k, const char* name, const std::string& what) {
  const Distribution& a = d.args[k];
  if (a.type != "constant") throw BadProperty(what + ": " + d.type + " needs a number for '" + name + "'");
  if (!std::isfinite(a.a)) throw BadProperty(what + ": " + d.type + " '" + name + "' must be finite");
  return a.a;
}
}  // namespace

void validate_spatial(const Distribution& d, const std::string& what) {
  auto finite = [&](double v, const char* name) {
    if (!std::isfinite(v)) throw BadProperty(what + ": " + d.type + " '" + name + "' must be finite");
  };
  if (d.type == "distance" && !(d.a >= 0 && d.a <= 3))
    throw BadProperty(what + ": distance dimension must be 0 (all) or 1-3 (x-z), got " + std::to_string(d.a));
  if ((d.type == "source_pos" || d.type == "target_pos" || d.type == "node_pos") && !(d.a >= 0 && d.a <= 2))
    throw BadProperty(what + ": position dimension must be 0-2 (x-z), got " + std::to_string(d.a));
  if (d.type == "spatial_gaussian") {
    finite(d.a, "mean");
    if (!(d.b > 0)) throw BadProperty(what + ": gaussian needs std > 0, got std=" + std::to_string(d.b));
  }
  if (d.type == "spatial_exponential" && !(d.a > 0 && std::isfinite(d.a)))
    throw BadProperty(what + ": exponential needs beta > 0, got beta=" + std::to_string(d.a));
  if (d.type == "spatial_gamma") {
    if (!(d.a > 0 && std::isfinite(d.a)))
      throw BadProperty(what + ": gamma needs kappa > 0, got kappa=" + std::to_string(d.a));
    if (!(d.b > 0 && std::isfinite(d.b)))
      throw BadProperty(what + ": gamma needs theta > 0, got theta=" + std::to_string(d.b));
  }
  if (d.type == "spatial_gaussian2d") {
    constant_arg(d, 2, "mean_x", what);
    constant_arg(d, 3, "mean_y", what);
    if (!(constant_arg(d, 4, "std_x", what) > 0) || !(constant_arg(d, 5, "std_y", what) > 0))
      throw BadProperty(what + ": gaussian2D needs std_x > 0 and std_y > 0");
    const double rho = constant_arg(d, 6, "rho", what);
    if (!(rho > -1 && rho < 1))
      throw BadProperty(what + ": gaussian2D needs -1 < rho < 1, got rho=" + std::to_string(rho));
  }
  if (d.type == "spatial_gabor") {
    constant_arg(d, 2, "theta", what);
    constant_arg(d, 5, "lam", what);
    constant_arg(d, 6, "psi", what);
    const double std = constant_arg(d, 4, "std", what), gamma = constant_arg(d, 3, "gamma", what);
    if (!(std > 0))
      throw BadProperty(what + ": std > 0 required for gabor function parameter, got std=" + std::to_string(std));
    if (!(gamma > 0))
      throw BadProperty(what + ": gamma > 0 required for gabor function parameter, got gamma=" + std::to_string(gamma));
  }
}

double gabor(double dx, double dy, double cos_theta, double sin_theta, double gamma, double inv_two_std2, double lambda,
             double psi_deg) {
  // NEST's rectified Gabor function, term by term in its order (nestkernel/parameter.cpp).
  const double dx_prime = dx * cos_theta + dy * sin_theta;
  const double dy_prime = -dx * sin_theta + dy * cos_theta;
  const double envelope =
      std::exp(-gamma * gamma * dx_prime * dx_prime * inv_two_std2 - dy_prime * dy_prime * inv_two_std2);
  const double carrier = std::max(std::cos(2 * M_PI * dy_prime / lambda + psi_deg * M_PI / 180.), 0.);
  return envelope * carrier;
}

double draw_spatial(const Distribution& d, RandomStream& rng) {
  if (d.type == "spatial_gaussian") {
    const double inv_two_std2 = 1.0 / (2 * d.b * d.b);
    const double dx = d.args[0].draw(rng) - d.a;
    return std::exp(-dx * dx * inv_two_std2);
  }
  if (d.type == "spatial_exponential") return std::exp(-d.args[0].draw(rng) * (1.0 / d.a));
  if (d.type == "spatial_gamma") {
    const double kappa = d.a, inv_theta = 1.0 / d.b;
    const double delta = std::pow(inv_theta, kappa) / std::tgamma(kappa);
    const double x = d.args[0].draw(rng);
    return std::pow(x, kappa - 1.) * std::exp(-1. * inv_theta * x) * delta;
  }
  if (d.type == "spatial_gaussian2d") {
    const double mx = d.args[2].a, my = d.args[3].a, sx = d.args[4].a, sy = d.args[5].a, rho = d.args[6].a;
    const double xt = 1. / (2. * (1. - rho * rho) * sx * sx);
    const double yt = 1. / (2. * (1. - rho * rho) * sy * sy);
    const double xyt = rho / ((1. - rho * rho) * sx * sy);
    const double dx = d.args[0].draw(rng) - mx;
    const double dy = d.args[1].draw(rng) - my;
    return std::exp(-dx * dx * xt - dy * dy * yt + dx * dy * xyt);
  }
  if (d.type == "spatial_gabor") {
    const double theta = d.args[2].a, std = d.args[4].a;
    const double dx = d.args[0].draw(rng);  // then dy: NEST's order of draws (not left to argument evaluation)
    const double dy = d.args[1].draw(rng);
    return gabor(dx, dy, std::cos(theta * M_PI / 180.), std::sin(theta * M_PI / 180.), d.args[3].a,
                 1.0 / (2 * std * std), d.args[5].a, d.args[6].a);
  }
  const SpatialContext* c = current_context();
  if (d.type == "node_pos") {
    if (!c || !c->node_values)
      throw BadProperty(
          "nest.spatial.pos gives node parameter values of nodes with spatial positions (Create with "
          "positions, or set on such nodes); in Connect use source_pos and target_pos");
    if (static_cast<int>(d.a) >= c->layer->dim())
      throw KernelException("Position dimension must be within the defined number of dimensions for the node.");
    return c->source[static_cast<int>(d.a)];
  }
  if (!c)
    throw BadProperty("the spatial parameter '" + d.type +
                      "' can only be used when connecting nodes with spatial positions (probability, weight or delay)");
  const int axis = static_cast<int>(d.a);
  if (d.type == "source_pos" || d.type == "target_pos") {
    if (axis >= c->layer->dim())
      throw KernelException("Position dimension must be within the defined number of dimensions for the node.");
    return d.type == "source_pos" ? c->source[axis] : c->target[axis];
  }
  // distance: the whole length (0) or one axis (1-3), displacement source -> target
  if (axis == 0) return c->layer->distance(c->source, c->target);
  if (axis > c->layer->dim())
    throw KernelException("Spatial distance dimension must be within the defined number of dimensions for the nodes.");
  return std::abs(c->layer->displacement_axis(c->source, c->target, axis - 1));
}

std::vector<double> node_values(const Layer& layer, uint32_t first, const std::vector<uint32_t>& nodes,
                                const Distribution& d, uint32_t seed, uint32_t call) {
  d.validate("parameter");
  SpatialContext ctx;
  ctx.layer = &layer;
  ctx.node_values = true;
  std::vector<double> out;
  out.reserve(nodes.size());
  const SpatialContext* before = current_context();
  current_context() = &ctx;
  try {
    for (const uint32_t node : nodes) {
      ctx.source = ctx.target = layer.position(node - first);
      RandomStream rng(seed, Purpose::kNodeParam, node, call);  // per node: any thread count draws alike
      out.push_back(d.draw(rng));
    }
  } catch (...) {
    current_context() = before;
    throw;
  }
  current_context() = before;
  return out;
}

}  // namespace nestkit::spatial
