#pragma once
// A parameter expression (Distribution tree) compiled once per Connect call into a
// flat program of opcodes, so that a value per synapse or per candidate pair
// compares no strings; the spatial kernels' constants are computed once.
//
// One program serves both connection paths:
//  - draw(rng): Connect without layers (hot: one call per synapse). Spatial leaves
//    (distance, source_pos, target_pos) have no context there and are evaluated by
//    Distribution::draw, which reports NEST's error or reads current_context().
//  - eval(ctx, rng): spatial Connect; spatial leaves read the candidate pair in `ctx`.
// Both visit nodes in the order Distribution::draw does and take the same numbers
// from the stream, so program and tree give bit-identical values for the same stream.
// It lives in connect/ because Connect uses it; the spatial types it needs are only
// named here, and src/spatial/ uses it as it is.
#include <array>
#include <cstdint>
#include <vector>

#include "nestkit/simulator.hpp"

namespace nestkit {

namespace spatial {
struct SpatialContext;
class Layer;
// NEST's rectified Gabor kernel of a displacement (dx, dy) (spatial_distributions.gabor);
// shared by the program and Distribution::draw (src/spatial/spatial_param.cpp).
double gabor(double dx, double dy, double cos_theta, double sin_theta, double gamma, double inv_two_std2, double lambda,
             double psi_deg);
}  // namespace spatial

class ParamProgram {
 public:
  // Validates the tree (BadProperty naming "parameter"); the program points into `d`,
  // which must outlive it.
  explicit ParamProgram(const Distribution& d);
  double draw(RandomStream& rng) const { return run(0, rng); }
  double eval(const spatial::SpatialContext& ctx, RandomStream& rng) const {
    WithContext env{ctx, rng};
    return run(0, env);
  }
  // Whether the value depends on the candidate pair only (no random leaf, no node
  // values): then eval_pairs gives eval()'s values for many pairs at once and takes
  // nothing from the stream.
  bool pair_function() const;
  // Pairs of one owner node with many others, for eval_pairs: the owner's position, and
  // the others' coordinates per axis; `layer` is the one whose periodicity applies.
  struct Pairs {
    const spatial::Layer* layer = nullptr;
    std::array<double, 3> owner{};
    bool owner_is_source = false;
    const double* other[3] = {nullptr, nullptr, nullptr};
    std::size_t n = 0;
  };
  // out[m] = eval() of pair m (pair_function() must hold): the same operations in the
  // same order per pair, op by op over the batch (exp with the C library's bits,
  // four lanes at a time where that is proven: integrators/exp_array.hpp).
  void eval_pairs(const Pairs& pairs, double* out) const;
  // Throws KernelException (NEST's message) if a distance or position axis lies beyond
  // the layers' `dim` dimensions.
  void check_dims(int dim) const;

 private:
  // Grouped, in contiguous values, by what run() evaluates before it looks at the opcode:
  // nothing (leaves, control), one operand (unary), two operands (binary). Each group is one
  // switch, one jump table: the per-synapse draw costs what it did before spatial ops joined.
  enum class Op : uint8_t {
    // leaves
    kConstant,
    kUniform,
    kNormal,
    kLognormal,
    kExponential,
    kUniformInt,
    kDistance,  // spatial leaves
    kDistanceAxis,
    kSourcePos,
    kTargetPos,
    kTree,  // node_pos: only Distribution::draw knows its context (node values)
    // control: operands evaluated as the operator needs them
    kRedraw,
    kConditional,
    // unary: args[0], constant a; the one-operand kernels with constants precomputed
    kNeg,
    kExp,
    kSin,
    kCos,
    kPow,
    kMin,
    kMax,
    kGauss,
    kExpo,
    kGamma,
    // binary: args[0], then args[1]; the two-operand kernels
    kAdd,
    kSub,
    kMul,
    kDiv,
    kLt,
    kLe,
    kEq,
    kNe,
    kGe,
    kGt,
    kGauss2d,
    kGabor,
  };
  struct Node {
    Op op = Op::kConstant;
    int axis = 0;  // spatial leaves: 0-based
    int args[3] = {-1, -1, -1};
    double a = 0.0, b = 1.0;             // distribution parameters, operator constants
    double c = 0, d = 0, e = 0, f = 0;   // kernels' precomputed terms
    const Distribution* tree = nullptr;  // the source node, for evaluation by Distribution::draw
  };
  int add(const Distribution& d);
  struct WithContext {
    const spatial::SpatialContext& ctx;
    RandomStream& rng;
  };
  // Env: RandomStream (no context: spatial leaves go to Distribution::draw, and the
  // per-synapse path passes and tests nothing more than the stream) or WithContext.
  template <class Env>
  double run(int n, Env& env) const;
  // eval_pairs for pairs [m0, m0 + len), each node's values in scratch + node * stride;
  // one body, compiled for the baseline and for AVX2 (param_pairs.cpp).
  void eval_chunk(const Pairs& pairs, std::size_t m0, std::size_t len, double* scratch) const;
  void eval_chunk_avx2(const Pairs& pairs, std::size_t m0, std::size_t len, double* scratch) const;
  // Whether the program is a Gaussian or exponential of the distance (the usual spatial
  // kernels): eval_pairs then takes distance_kernel_chunk, the same operations fused.
  bool distance_kernel() const;
  void distance_kernel_chunk(const Pairs& pairs, std::size_t m0, std::size_t len, double* out) const;
  void distance_kernel_chunk_avx2(const Pairs& pairs, std::size_t m0, std::size_t len, double* out) const;
  std::vector<Node> nodes_;
};

extern template double ParamProgram::run(int, RandomStream&) const;
extern template double ParamProgram::run(int, ParamProgram::WithContext&) const;

}  // namespace nestkit
