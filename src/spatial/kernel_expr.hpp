#pragma once
// A parameter expression compiled for fast evaluation per candidate pair: node
// types become opcodes once per Connect call (instead of string comparisons per
// draw), kernel constants are precomputed. Random leaves are drawn through
// Distribution::draw in the same depth-first order, so values equal the plain
// evaluation's.
#include <vector>

#include "nestkit/spatial.hpp"

namespace nestkit::spatial {

// NEST's rectified Gabor kernel of a displacement (dx, dy) (spatial_distributions.gabor).
double gabor(double dx, double dy, double cos_theta, double sin_theta, double gamma, double inv_two_std2, double lambda,
             double psi_deg);

class KernelExpr {
 public:
  explicit KernelExpr(const Distribution& d);
  double eval(const SpatialContext& ctx, RandomStream& rng) const { return eval(0, ctx, rng); }
  // Throws KernelException (NEST's message) if an axis lies beyond the layers' dimensions.
  void check_dims(int dim) const;

 private:
  enum class Op : uint8_t {
    kConst,
    kDistance,
    kDistanceAxis,
    kSource,
    kTarget,
    kGauss,
    kExpo,
    kGamma,
    kGauss2d,
    kGabor,
    kAdd,
    kSub,
    kMul,
    kDiv,
    kNeg,
    kExp,
    kSin,
    kCos,
    kPow,
    kMin,
    kMax,
    kLt,
    kLe,
    kEq,
    kNe,
    kGe,
    kGt,
    kCond,
    kOther
  };
  struct Node {
    Op op;
    double a = 0, b = 0, c = 0, d = 0, e = 0, f = 0;  // constants (kernel parameters, precomputed terms)
    int axis = 0;
    int args[3] = {-1, -1, -1};
    const Distribution* other = nullptr;  // kOther: evaluated by Distribution::draw
  };
  int add(const Distribution& d);
  double eval(int n, const SpatialContext& ctx, RandomStream& rng) const;
  std::vector<Node> nodes_;
};

}  // namespace nestkit::spatial
