// Spatial layers, masks and connections through the C++ API.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "nestkit/spatial.hpp"

namespace nestkit::spatial {
namespace {

TEST(SpatialLayer, GridPositionsAreNests) {
  // NEST 3.10.0 GetPosition of grid(shape=[4, 5], extent=[2.0, 2.5], center=[0.3, -0.1])
  // (../shared/parity/reference/spatial__grid_queries.json).
  const Layer l = Layer::grid({4, 5}, std::vector<double>{2.0, 2.5}, std::vector<double>{0.3, -0.1}, false);
  EXPECT_EQ(l.size(), 20u);
  EXPECT_EQ(l.position(0)[0], -0.44999999999999996);
  EXPECT_EQ(l.position(0)[1], 0.8999999999999999);
  EXPECT_EQ(l.position(2)[1], -0.10000000000000009);
  EXPECT_EQ(l.position(19)[0], 1.05);
  EXPECT_EQ(l.position(19)[1], -1.1);
}

TEST(SpatialLayer, FreeExtentIsTheRoundedBoundingBox) {
  const Layer l = Layer::free({{0.1, 0.2}, {0.4, -0.3}, {0.35, 1.2}}, std::nullopt, false);
  // NEST 3.10: center [0.25, 0.45], extent [1, 2] (live run of nest.spatial.free with these positions).
  EXPECT_DOUBLE_EQ(l.center()[0], 0.25);
  EXPECT_DOUBLE_EQ(l.center()[1], 0.45);
  EXPECT_EQ(l.extent()[0], 1.0);
  EXPECT_EQ(l.extent()[1], 2.0);
  EXPECT_THROW(Layer::free({{0.0, 0.0}, {2.0, 0.0}}, std::vector<double>{1.0, 1.0}, false), BadProperty);
  EXPECT_THROW(Layer::free({{0.0, NAN}, {1.0, 0.0}}, std::nullopt, false), BadProperty);
}

TEST(SpatialMask, RotatedRectangleMatchesRotation) {
  auto m = Mask::make("rectangular", {{"lower_left", std::vector<double>{-0.2, -0.1}},
                                      {"upper_right", std::vector<double>{0.2, 0.1}},
                                      {"azimuth_angle", 90.0}});
  EXPECT_TRUE(m->inside({0.0, 0.19, 0.0}));  // the long side now runs along y
  EXPECT_FALSE(m->inside({0.19, 0.0, 0.0}));
  EXPECT_THROW(Mask::make("circular", {{"radius", -1.0}}), BadProperty);
  EXPECT_THROW(Mask::make("circle", {{"radius", 1.0}}), BadProperty);
}

TEST(SpatialMask, InsideBatchIsInsidePointByPoint) {
  // The batched test (vector lanes for balls and upright boxes, inside() per point for the
  // rest) must give inside()'s verdict for every point: every mask kind, mirrored,
  // anchored and combined, in 2-D and 3-D, points on and near the boundaries included.
  using V = std::vector<double>;
  auto circle = Mask::make("circular", {{"radius", 0.3}});
  auto box = Mask::make("rectangular", {{"lower_left", V{-0.2, -0.1}}, {"upper_right", V{0.25, 0.3}}});
  const std::vector<std::shared_ptr<const Mask>> masks2 = {
      circle,
      Mask::converse(Mask::anchored(circle, {0.05, -0.1})),
      Mask::anchored(Mask::converse(Mask::make("circular", {{"radius", 0.25}, {"anchor", V{0.1, 0.0}}})), {0.0, 0.02}),
      box,
      Mask::converse(box),
      Mask::make("rectangular",
                 {{"lower_left", V{-0.2, -0.1}}, {"upper_right", V{0.25, 0.3}}, {"azimuth_angle", 30.0}}),
      Mask::make("elliptical", {{"major_axis", 0.6}, {"minor_axis", 0.3}, {"azimuth_angle", 20.0}}),
      Mask::make("doughnut", {{"inner_radius", 0.1}, {"outer_radius", 0.3}}),
      Mask::combine('|', circle, box),
      Mask::combine('&', circle, box),
      Mask::combine('-', box, circle),
  };
  auto ball = Mask::make("spherical", {{"radius", 0.3}});
  const std::vector<std::shared_ptr<const Mask>> masks3 = {
      ball,
      Mask::converse(Mask::anchored(ball, {0.1, 0.0, -0.05})),
      Mask::make("box", {{"lower_left", V{-0.2, -0.2, -0.1}}, {"upper_right", V{0.2, 0.1, 0.2}}}),
      Mask::make("box", {{"lower_left", V{-0.2, -0.2, -0.1}},
                         {"upper_right", V{0.2, 0.1, 0.2}},
                         {"azimuth_angle", 15.0},
                         {"polar_angle", 10.0}}),
      Mask::make("ellipsoidal", {{"major_axis", 0.5}, {"minor_axis", 0.3}, {"polar_axis", 0.2}}),
  };
  uint64_t s = 99;
  auto u = [&] {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(s >> 11) * 0x1p-53;
  };
  // Coordinates on a grid of 0.05 hit the masks' edges exactly; the others fall between.
  auto coordinate = [&] { return u() < 0.5 ? std::round((u() - 0.5) * 16) * 0.05 : u() - 0.5; };
  long tested = 0, inside_count = 0;
  for (int dim : {2, 3}) {
    for (const auto& mask : dim == 2 ? masks2 : masks3) {
      for (std::size_t n : {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{77}, std::size_t{300}}) {
        for (int rep = 0; rep < 20; ++rep) {
          std::vector<double> xs[3];
          for (auto& x : xs)
            for (std::size_t m = 0; m < n; ++m) x.push_back(coordinate());
          const Point anchor{coordinate() * 0.2, coordinate() * 0.2, coordinate() * 0.2};
          // Every fourth point 0.3 (the balls' radius) from the anchor: on the sphere, up to rounding.
          for (std::size_t m = 0; m < n; m += 4) {
            const double a = 6.283185307179586 * u(), b = 3.141592653589793 * u();
            const double unit[3] = {std::cos(a) * std::sin(b), std::sin(a) * std::sin(b), std::cos(b)};
            const double r = dim == 2 ? 0.3 / std::hypot(unit[0], unit[1]) : 0.3;
            for (int i = 0; i < 3; ++i) xs[i][m] = anchor[i] + r * unit[i];
          }
          const double* ptr[3] = {xs[0].data(), xs[1].data(), xs[2].data()};
          std::vector<uint32_t> idx(n, 0xffffffffu);
          const std::size_t count = mask->inside_batch(anchor, ptr, n, idx.data());
          std::size_t next = 0;  // the listed indices ascend, so each point is found in one pass
          for (std::size_t m = 0; m < n; ++m) {
            Point d{};
            for (int i = 0; i < dim; ++i) d[i] = xs[i][m] - anchor[i];
            const bool listed = next < count && idx[next] == m;
            ASSERT_EQ(listed, mask->inside(d)) << mask->description() << " point " << m;
            next += listed;
            inside_count += listed;
            ++tested;
          }
          ASSERT_EQ(next, count) << mask->description();  // nothing listed out of order or twice
        }
      }
    }
  }
  EXPECT_GT(inside_count, tested / 20);  // both verdicts occur often
  EXPECT_LT(inside_count, tested * 19 / 20);
}

TEST(SpatialConnect, MaskConnectionsMatchBruteForceAndThreads) {
  auto run = [](int threads) {
    Simulator sim;
    sim.set_kernel_status({{"local_num_threads", static_cast<long>(threads)}});
    const Layer l = Layer::grid({12, 12}, std::vector<double>{1.0, 1.0}, std::nullopt, true);
    const NodeCollection nodes = sim.create("iaf_psc_alpha", l.size());
    ConnectRequest req;
    req.rule = "pairwise_bernoulli";
    req.mask = Mask::make("circular", {{"radius", 0.2}});
    req.p = Distribution{"constant", 0.5, 0.0, {}};
    connect_layers(sim, l, nodes[0], nodes, l, nodes[0], nodes, req, SynSpec{}, 1);
    std::set<std::pair<long, long>> pairs;
    const auto c = sim.get_connections();
    const auto t = sim.connection_values(c, {"source", "target"});
    for (std::size_t k = 0; k < c.index.size(); ++k)
      pairs.emplace(std::get<long>(t.columns[0][k]), std::get<long>(t.columns[1][k]));
    // Every pair lies inside the mask (periodic distance <= 0.2).
    for (auto [s, g] : pairs) {
      const Point d = l.displacement(l.position(s - nodes[0]), l.position(g - nodes[0]));
      EXPECT_LE(std::hypot(d[0], d[1]), 0.2 + 1e-12);
    }
    return pairs;
  };
  const auto one = run(1), two = run(2);
  EXPECT_EQ(one, two);
  // 144 targets x 21 candidates within radius 0.2 (2.4 grid spacings: the 5 x 5 block
  // without its corners) on a 12 x 12 unit grid, p = 0.5.
  EXPECT_NEAR(static_cast<double>(one.size()), 144 * 21 * 0.5, 4 * std::sqrt(144 * 21 * 0.25));
}

TEST(SpatialConnect, ErrorsChangeNothing) {
  Simulator sim;
  const Layer l = Layer::grid({4, 4}, std::nullopt, std::nullopt, true);
  const NodeCollection nodes = sim.create("iaf_psc_alpha", l.size());
  ConnectRequest req;
  req.rule = "pairwise_bernoulli";
  req.mask = Mask::make("spherical", {{"radius", 0.2}});
  EXPECT_THROW(connect_layers(sim, l, nodes[0], nodes, l, nodes[0], nodes, req, SynSpec{}, 1), BadProperty);
  req.mask = Mask::make("circular", {{"radius", 0.9}});  // wider than the periodic layer
  EXPECT_THROW(connect_layers(sim, l, nodes[0], nodes, l, nodes[0], nodes, req, SynSpec{}, 1), BadProperty);
  EXPECT_EQ(sim.num_connections(), 0u);
}

}  // namespace
}  // namespace nestkit::spatial
