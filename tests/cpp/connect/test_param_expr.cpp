// Parameter expressions (Distribution trees): evaluation order, operators and validation.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "connect/param_program.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"
#include "nestkit/spatial.hpp"

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

// Random expression trees over every node type, spatial leaves and kernels included,
// with operands that validate (a small deterministic generator: the test is reproducible).
class TreeGen {
 public:
  // pair_only: no random leaves and no redraw (the pair functions of eval_pairs).
  explicit TreeGen(uint64_t seed, bool pair_only = false) : s_(seed), pair_only_(pair_only) {}
  Distribution tree(int depth, int dim) {
    const int leaves = 10;
    int k = pick(depth <= 0 ? leaves : leaves + 24);
    if (pair_only_ && ((k >= 1 && k <= 5) || k == leaves + 18)) k = 6 + pick(4);
    switch (k) {
      case 0:
        return constant(4 * u() - 2);
      case 1:
        return Distribution{"uniform", -1.0, 2.0 + u(), {}};
      case 2:
        return Distribution{"normal", u(), 0.5 + u(), {}};
      case 3:
        return Distribution{"lognormal", 0.1, 0.3, {}};
      case 4:
        return Distribution{"exponential", 1.0 + u(), 1.0, {}};
      case 5:
        return Distribution{"uniform_int", double(1 + pick(9)), 1.0, {}};
      case 6:
        return Distribution{"distance", 0.0, 1.0, {}};
      case 7:
        return Distribution{"distance", double(1 + pick(dim)), 1.0, {}};
      case 8:
        return Distribution{"source_pos", double(pick(dim)), 1.0, {}};
      case 9:
        return Distribution{"target_pos", double(pick(dim)), 1.0, {}};
      default:
        break;
    }
    k -= leaves;
    auto sub = [&] { return tree(depth - 1, dim); };
    static const char* binary[] = {"add", "sub", "mul", "div", "lt", "le", "eq", "ne", "ge", "gt"};
    static const char* unary[] = {"neg", "exp", "sin", "cos", "pow", "min", "max"};
    if (k < 10) return op(binary[k], {sub(), sub()});
    if (k < 17) return op(unary[k - 10], {sub()}, k == 14 ? 2.0 : u());
    if (k == 17) return op("conditional", {sub(), sub(), sub()});
    if (k == 18) return op("redraw", {sub()}, -1e6, 1e6);
    if (k == 19) return op("spatial_gaussian", {sub()}, u(), 0.2 + u());
    if (k == 20) return op("spatial_exponential", {sub()}, 0.3 + u());
    if (k == 21) return op("spatial_gamma", {sub()}, 1.0 + u(), 0.5 + u());
    if (k == 22)
      return op("spatial_gaussian2d",
                {sub(), sub(), constant(0.1), constant(-0.2), constant(0.4), constant(0.7), constant(0.3)});
    return op("spatial_gabor",
              {sub(), sub(), constant(30.0), constant(1.5), constant(0.4), constant(0.6), constant(20.0)});
  }
  double u() { return static_cast<double>(next() & 0xFFFFFF) / 16777216.0; }

 private:
  uint64_t s_;
  bool pair_only_;
  uint64_t next() {
    s_ = s_ * 6364136223846793005ull + 1442695040888963407ull;
    return s_ >> 33;
  }
  int pick(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
};

bool same(double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); }

// A draw's value, or the error it raised (with its message).
struct Outcome {
  double value = 0.0;
  std::string error;
};
template <class F>
Outcome outcome(F&& f) {
  try {
    return {f(), {}};
  } catch (const std::exception& e) {
    return {0.0, e.what()};
  }
}

TEST(ParamProgram, SpatialExpressionsDrawWhatTheTreeDraws) {
  // The compiled program with a spatial context must equal Distribution::draw reading the
  // same pair through current_context() (as spatial Connect sets it), value for value and
  // draw for draw, on random trees mixing random leaves, operators, spatial leaves and kernels.
  using spatial::Layer;
  using spatial::SpatialContext;
  const Layer grid = Layer::grid({7, 5}, std::vector<double>{1.0, 1.2}, std::nullopt, true);  // periodic 2-D
  const Layer free3 = Layer::free({{0.1, 0.2, 0.3}, {0.4, -0.3, 0.1}, {0.35, 1.2, -0.2}}, std::nullopt, false);
  TreeGen gen(12345);
  int values = 0;
  for (int t = 0; t < 1500; ++t) {
    const Layer& layer = t % 2 ? grid : free3;
    const Distribution d = gen.tree(1 + t % 4, layer.dim());
    const ParamProgram program(d);
    ASSERT_NO_THROW(program.check_dims(layer.dim()));
    SpatialContext ctx;
    ctx.layer = &layer;
    spatial::current_context() = &ctx;
    RandomStream a(3, Purpose::kConnect, t, 9), b(3, Purpose::kConnect, t, 9);
    for (int j = 0; j < 10; ++j) {  // several pairs from one stream: both must leave it alike
      for (int i = 0; i < 3; ++i) {
        ctx.source[i] = 2 * gen.u() - 1;
        ctx.target[i] = 2 * gen.u() - 1;
      }
      const Outcome x = outcome([&] { return d.draw(a); }), y = outcome([&] { return program.eval(ctx, b); });
      ASSERT_EQ(x.error, y.error) << "tree " << t;
      if (!x.error.empty()) break;
      ASSERT_TRUE(same(x.value, y.value)) << "tree " << t << " pair " << j << ": " << x.value << " vs " << y.value;
      ++values;
    }
    spatial::current_context() = nullptr;
  }
  EXPECT_GT(values, 14000);  // errors (a redraw that never lands) are rare
}

TEST(ParamProgram, PairBatchesGiveEachPairsValue) {
  // eval_pairs (op by op over a batch, or fused for distance kernels; AVX2 or baseline
  // loops, the vector exp) must give eval()'s value for every pair, bit for bit: random
  // pair-function trees and Gaussian/exponential distance kernels, the owner as
  // source and as target, periodic and open layers, batches across the chunk size, and
  // periodic displacements of exactly half an extent (the ties of the wrap's rounding).
  using spatial::Layer;
  using spatial::SpatialContext;
  const Layer grid = Layer::grid({7, 5}, std::vector<double>{1.0, 1.2}, std::nullopt, true);
  const Layer free3 = Layer::free({{0.1, 0.2, 0.3}, {0.4, -0.3, 0.1}, {0.35, 1.2, -0.2}}, std::nullopt, false);
  const Layer wrap3 = Layer::free({{0.1, 0.2, 0.3}, {0.4, -0.3, 0.1}}, std::vector<double>{2.0, 3.0, 1.5}, true);
  const Layer* layers[] = {&grid, &free3, &wrap3};
  TreeGen gen(777, true);
  long values = 0;
  for (int t = 0; t < 600; ++t) {
    const Layer& layer = *layers[t % 3];
    // Every fourth tree a Gaussian or exponential of the distance (the fused path).
    const Distribution dist{"distance", 0.0, 1.0, {}};
    const Distribution d = t % 4 != 3   ? gen.tree(1 + t % 4, layer.dim())
                           : t % 8 == 3 ? op("spatial_gaussian", {dist}, gen.u(), 0.2 + gen.u())
                                        : op("spatial_exponential", {dist}, 0.3 + gen.u());
    const ParamProgram program(d);
    ASSERT_TRUE(program.pair_function()) << "tree " << t;
    const std::size_t n = 1 + static_cast<std::size_t>(gen.u() * 600);
    std::vector<double> other[3];
    ParamProgram::Pairs pairs;
    pairs.layer = &layer;
    pairs.owner_is_source = t % 2;
    pairs.n = n;
    for (int i = 0; i < 3; ++i) {
      pairs.owner[i] = 2 * gen.u() - 1;
      other[i].resize(n);
      for (std::size_t m = 0; m < n; ++m) {
        // Every fifth pair lies k + 1/2 extents away: the wrap rounds a tie.
        const double half = (static_cast<double>(m % 3) - 1.5) * layer.extent()[i];
        other[i][m] = m % 5 == 0 ? pairs.owner[i] + half : 2 * gen.u() - 1;
      }
      pairs.other[i] = other[i].data();
    }
    std::vector<double> batch(n);
    program.eval_pairs(pairs, batch.data());
    SpatialContext ctx;
    ctx.layer = &layer;
    RandomStream rng(1, Purpose::kConnect, 0, 0);
    for (std::size_t m = 0; m < n; ++m) {
      for (int i = 0; i < 3; ++i) {
        (pairs.owner_is_source ? ctx.source : ctx.target)[i] = pairs.owner[i];
        (pairs.owner_is_source ? ctx.target : ctx.source)[i] = other[i][m];
      }
      const double one = program.eval(ctx, rng);
      ASSERT_TRUE(std::memcmp(&one, &batch[m], sizeof one) == 0 || (std::isnan(one) && std::isnan(batch[m])))
          << "tree " << t << " pair " << m << ": " << one << " vs " << batch[m];
      ++values;
    }
  }
  EXPECT_GT(values, 100000);
  // Trees that draw are not pair functions.
  EXPECT_FALSE(ParamProgram(op("add", {Distribution{"distance", 0.0, 1.0, {}}, Distribution{"normal", 0, 1, {}}}))
                   .pair_function());
  EXPECT_FALSE(ParamProgram(op("redraw", {Distribution{"distance", 0.0, 1.0, {}}}, 0.0, 1.0)).pair_function());
}

TEST(ParamProgram, WithoutContextKernelsEvaluateAndSpatialLeavesFail) {
  // Connect without layers (draw): kernels of random operands give the tree's values, a
  // spatial leaf fails with the tree's error.
  TreeGen gen(777);
  int values = 0, failures = 0;
  for (int t = 0; t < 1500; ++t) {
    const Distribution d = gen.tree(1 + t % 4, 2);
    const ParamProgram program(d);
    RandomStream a(5, Purpose::kWeight, t, 1), b(5, Purpose::kWeight, t, 1);
    for (int j = 0; j < 5; ++j) {
      const Outcome x = outcome([&] { return d.draw(a); }), y = outcome([&] { return program.draw(b); });
      ASSERT_EQ(x.error, y.error) << "tree " << t;
      if (!x.error.empty()) {
        ++failures;
        break;
      }
      ASSERT_TRUE(same(x.value, y.value)) << "tree " << t << ": " << x.value << " vs " << y.value;
      ++values;
    }
  }
  EXPECT_GT(values, 1000);  // both outcomes are exercised
  EXPECT_GT(failures, 100);
}

TEST(ParamProgram, GaborDrawsItsXOperandFirst) {
  // NEST's GaborParameter::value evaluates px_ before py_ (nestkernel/parameter.cpp).
  const Distribution u{"uniform", -1.0, 1.0, {}};
  const Distribution g =
      op("spatial_gabor", {u, u, constant(30.0), constant(1.5), constant(0.4), constant(0.6), constant(20.0)});
  for (uint64_t k = 0; k < 50; ++k) {
    RandomStream ref(9, Purpose::kConnect, 0, k), a(9, Purpose::kConnect, 0, k), b(9, Purpose::kConnect, 0, k);
    const double dx = u.draw(ref), dy = u.draw(ref);
    const double expected = spatial::gabor(dx, dy, std::cos(30.0 * M_PI / 180.), std::sin(30.0 * M_PI / 180.), 1.5,
                                           1.0 / (2 * 0.4 * 0.4), 0.6, 20.0);
    EXPECT_EQ(g.draw(a), expected);
    EXPECT_EQ(ParamProgram(g).draw(b), expected);
  }
}

TEST(ParamProgram, CheckDimsGivesNestsMessage) {
  const ParamProgram z(op("add", {constant(1.0), op("redraw", {Distribution{"distance", 3.0, 1.0, {}}}, -1.0, 1.0)}));
  EXPECT_NO_THROW(z.check_dims(3));
  try {
    z.check_dims(2);
    FAIL();
  } catch (const KernelException& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "KernelException: Spatial distance dimension must be within the defined number of dimensions for the nodes "
        "(distance.z on 2-D layers).");
  }
  const ParamProgram pos(op("spatial_gaussian", {Distribution{"target_pos", 2.0, 1.0, {}}}, 0.0, 1.0));
  EXPECT_NO_THROW(pos.check_dims(3));
  try {
    pos.check_dims(2);
    FAIL();
  } catch (const KernelException& e) {
    EXPECT_EQ(std::string(e.what()),
              "KernelException: Position dimension must be within the defined number of dimensions for the nodes (z on "
              "2-D layers).");
  }
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
