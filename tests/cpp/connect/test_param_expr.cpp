// Parameter expressions (Distribution trees): evaluation order, operators and validation.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "connect/param_program.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

Distribution constant(double v) { return Distribution{"constant", v, 0.0, {}}; }
Distribution op(const std::string& type, std::vector<Distribution> args, double a = 0.0, double b = 1.0) {
  return Distribution{type, a, b, std::move(args)};
}

double eval(const Distribution& d) {
  d.validate("test");
  RandomStream rng(7, Purpose::kWeight, 1, 2);
  return d.draw(rng);
}

TEST(ParamExpr, ArithmeticOfConstants) {
  EXPECT_DOUBLE_EQ(eval(op("add", {constant(2), constant(3)})), 5.0);
  EXPECT_DOUBLE_EQ(eval(op("sub", {constant(2), constant(3)})), -1.0);
  EXPECT_DOUBLE_EQ(eval(op("div", {constant(3), constant(2)})), 1.5);
  EXPECT_DOUBLE_EQ(eval(op("neg", {constant(3)})), -3.0);
  EXPECT_DOUBLE_EQ(eval(op("pow", {constant(3)}, 2.0)), 9.0);
  EXPECT_DOUBLE_EQ(eval(op("exp", {constant(0)})), 1.0);
  EXPECT_DOUBLE_EQ(eval(op("min", {constant(5)}, 2.0)), 2.0);
  EXPECT_DOUBLE_EQ(eval(op("max", {constant(5)}, 2.0)), 5.0);
  EXPECT_DOUBLE_EQ(eval(op("lt", {constant(1), constant(2)})), 1.0);
  EXPECT_DOUBLE_EQ(eval(op("ge", {constant(1), constant(2)})), 0.0);
  EXPECT_DOUBLE_EQ(eval(op("conditional", {constant(0), constant(1), constant(2)})), 2.0);
}

TEST(ParamExpr, DrawsDepthFirstFromOneStream) {
  // uniform + uniform equals the sum of the stream's first two uniforms.
  const Distribution u{"uniform", 0.0, 1.0};
  RandomStream ref(7, Purpose::kWeight, 1, 2);
  const double x = u.draw(ref);
  const double y = u.draw(ref);
  EXPECT_DOUBLE_EQ(eval(op("add", {u, u})), x + y);
}

TEST(ParamExpr, RedrawStaysInBoundsOrFails) {
  const Distribution n{"normal", 0.0, 1.0};
  for (uint64_t k = 0; k < 200; ++k) {
    RandomStream rng(3, Purpose::kWeight, 0, k);
    const double v = op("redraw", {n}, -0.5, 0.5).draw(rng);
    EXPECT_GE(v, -0.5);
    EXPECT_LE(v, 0.5);
  }
  EXPECT_THROW(eval(op("redraw", {n}, 100.0, 101.0)), KernelException);
  EXPECT_THROW(op("redraw", {n}, 2.0, 1.0).validate("w"), BadProperty);
}

TEST(ParamProgram, DrawsWhatTheTreeDraws) {
  // The compiled program must take the same numbers from the stream in the same order as
  // Distribution::draw: every node type, nested, with redraws and both conditional branches.
  const Distribution n{"normal", 1.0, 2.0, {}}, u{"uniform", -1.0, 3.0, {}};
  const std::vector<Distribution> trees = {
      constant(4.5),
      u,
      n,
      Distribution{"lognormal", 0.1, 0.4, {}},
      Distribution{"exponential", 2.0, 1.0, {}},
      Distribution{"uniform_int", 7.0, 1.0, {}},
      op("redraw", {n}, 0.0, 2.5),
      op("add", {n, u}),
      op("sub", {u, n}),
      op("mul", {op("exp", {u}), op("neg", {n})}),
      op("div", {n, op("max", {u}, 0.5)}),
      op("pow", {op("min", {u}, 2.0)}, 3.0),
      op("sin", {op("cos", {n})}),
      op("conditional", {op("lt", {u, constant(1.0)}), n, op("redraw", {u}, 0.0, 1.0)}),
      op("add", {op("le", {u, n}),
                 op("add", {op("eq", {u, u}),
                            op("add", {op("ne", {n, u}), op("add", {op("ge", {u, n}), op("gt", {n, u})})})})}),
  };
  for (const Distribution& d : trees) {
    const ParamProgram program(d);
    for (uint64_t k = 0; k < 300; ++k) {
      RandomStream a(11, Purpose::kWeight, 5, k), b(11, Purpose::kWeight, 5, k);
      // Several draws from one stream: the programs must also leave the stream where the tree does.
      for (int j = 0; j < 3; ++j) {
        const double x = d.draw(a), y = program.draw(b);
        ASSERT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << d.type << " key " << k << ": " << x << " vs " << y;
      }
    }
  }
  EXPECT_THROW(ParamProgram(op("redraw", {n}, 2.0, 1.0)), BadProperty);
  EXPECT_THROW(ParamProgram(Distribution{"gaussian", 0.0, 1.0, {}}), BadProperty);
}

TEST(ParamExpr, ValidationNamesTheProblem) {
  try {
    op("add", {constant(1), Distribution{"unifrom", 0.0, 1.0}}).validate("weight");
    FAIL();
  } catch (const BadProperty& e) {
    EXPECT_NE(std::string(e.what()).find("unifrom"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("weight"), std::string::npos);
  }
  EXPECT_THROW(op("add", {constant(1)}).validate("w"), BadProperty);
  EXPECT_THROW(op("exp", {}).validate("w"), BadProperty);
  EXPECT_THROW(Distribution({"uniform", 2.0, 1.0}).validate("w"), BadProperty);
}

}  // namespace
}  // namespace nestkit
