#pragma once
// A parameter expression (Distribution tree) compiled once per Connect call into a
// flat program of opcodes, so that drawing a value per synapse compares no strings.
// Evaluation visits nodes in the order Distribution::draw does and draws the same
// numbers from the stream, so both give the same value for the same stream.
#include <cstdint>
#include <vector>

#include "nestkit/simulator.hpp"

namespace nestkit {

class ParamProgram {
 public:
  explicit ParamProgram(const Distribution& d);
  double draw(RandomStream& rng) const { return eval(0, rng); }

 private:
  enum class Op : uint8_t {
    kConstant,
    kUniform,
    kNormal,
    kLognormal,
    kExponential,
    kUniformInt,
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
    kNeg,
    kExp,
    kSin,
    kCos,
    kPow,
    kMin,
    kMax,
    kRedraw,
    kConditional,
    kOther,  // spatial leaves and kernels: evaluated by Distribution::draw
  };
  struct Node {
    Op op = Op::kConstant;
    double a = 0.0, b = 1.0;
    int args[3] = {-1, -1, -1};
    const Distribution* other = nullptr;
  };
  int add(const Distribution& d);
  double eval(int n, RandomStream& rng) const;
  std::vector<Node> nodes_;
};

}  // namespace nestkit
