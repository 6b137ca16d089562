// The position tree's fast paths against Mask::inside point by point: the inline
// cell tests and packed leaf tests of balls and upright boxes (Mask::Plain), and the
// columns and rows a grid leaf skips.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/cpu_features.hpp"
#include "nestkit/spatial.hpp"
#include "spatial/plain_leaf.hpp"
#include "spatial/position_tree.hpp"

namespace nestkit::spatial {
namespace {

using V = std::vector<double>;

struct Lcg {
  uint64_t s = 12345;
  double operator()() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(s >> 11) * 0x1p-53;
  }
};

// Masks a target-centred query meets (mirrored) and their unmirrored forms.
std::vector<std::shared_ptr<const Mask>> plain_masks(int dim) {
  if (dim == 2) {
    auto circle = Mask::make("circular", {{"radius", 0.17}});
    auto off = Mask::make("circular", {{"radius", 0.12}, {"anchor", V{0.05, -0.03}}});
    auto box = Mask::make("rectangular", {{"lower_left", V{-0.1, -0.05}}, {"upper_right", V{0.15, 0.2}}});
    return {circle,
            Mask::converse(circle),
            off,
            Mask::converse(off),
            box,
            Mask::converse(box),
            Mask::converse(Mask::converse(box))};
  }
  auto ball = Mask::make("spherical", {{"radius", 0.2}, {"anchor", V{0.02, 0.0, -0.04}}});
  auto box = Mask::make("box", {{"lower_left", V{-0.1, -0.2, -0.05}}, {"upper_right", V{0.15, 0.1, 0.2}}});
  return {ball, Mask::converse(ball), box, Mask::converse(box)};
}

TEST(SpatialPlainMask, OnlyBallsAndUprightBoxesThroughMirrors) {
  for (int dim : {2, 3})
    for (const auto& m : plain_masks(dim)) EXPECT_TRUE(m->plain().has_value()) << m->description();
  auto circle = Mask::make("circular", {{"radius", 0.2}});
  EXPECT_FALSE(Mask::anchored(circle, {0.1, 0.0})->plain().has_value());  // a shift rounds differently
  EXPECT_FALSE(
      Mask::make("rectangular", {{"lower_left", V{-0.1, -0.1}}, {"upper_right", V{0.1, 0.1}}, {"azimuth_angle", 10.0}})
          ->plain()
          .has_value());
  EXPECT_FALSE(Mask::make("doughnut", {{"inner_radius", 0.1}, {"outer_radius", 0.2}})->plain().has_value());
  EXPECT_FALSE(Mask::combine('|', circle, circle)->plain().has_value());
}

TEST(SpatialPlainMask, PackedLeafTestIsInsidePointByPoint) {
  if (!use_avx2()) return;  // the packed test exists only for AVX2 (the others take inside_batch)
  Lcg u;
  // Half the coordinates on a grid of 0.01, which puts many points exactly on the edges.
  auto coordinate = [&] { return u() < 0.5 ? std::round((u() - 0.5) * 60) * 0.01 : u() - 0.5; };
  long tested = 0, inside = 0;
  for (int dim : {2, 3})
    for (const auto& mask : plain_masks(dim))
      for (std::size_t n : {std::size_t{1}, std::size_t{4}, std::size_t{7}, std::size_t{130}})
        for (int rep = 0; rep < 40; ++rep) {
          std::vector<double> xs[3];
          std::vector<uint32_t> k(n);
          for (auto& x : xs)
            for (std::size_t m = 0; m < n; ++m) x.push_back(coordinate());
          for (std::size_t m = 0; m < n; ++m) k[m] = static_cast<uint32_t>(1000 + 3 * m);
          Point anchor{std::round(coordinate() * 10) * 0.01, coordinate() * 0.1, coordinate() * 0.1};
          if (rep % 4 == 0) {
            // Anchor at the origin and every fifth point on the shape's edge along one
            // axis (its other coordinates at the centre): the comparisons' equal cases.
            anchor = Point{};
            const PlainShape sh = unmirrored(*mask->plain());
            for (std::size_t m = 0; m < n; m += 5) {
              const int axis = static_cast<int>(m / 5) % dim;
              for (int i = 0; i < dim; ++i) xs[i][m] = sh.ball ? sh.center[i] : 0.5 * (sh.a[i] + sh.b[i]);
              const bool up = (m / 5 / dim) % 2 == 0;
              xs[axis][m] = sh.ball ? (up ? sh.radius : -sh.radius) + sh.center[axis] : (up ? sh.b[axis] : sh.a[axis]);
            }
          }
          const double* ptr[3] = {xs[0].data(), xs[1].data(), dim == 3 ? xs[2].data() : nullptr};
          std::vector<uint32_t> got(n + 3);
          got.resize(plain_leaf_avx2(unmirrored(*mask->plain()), dim, anchor, ptr, k.data(), n, got.data()));
          std::vector<uint32_t> want;
          for (std::size_t m = 0; m < n; ++m) {
            Point d{};
            for (int i = 0; i < dim; ++i) d[i] = xs[i][m] - anchor[i];
            if (mask->inside(d)) want.push_back(k[m]);
          }
          ASSERT_EQ(got, want) << mask->description() << " n=" << n;
          tested += static_cast<long>(n);
          inside += static_cast<long>(want.size());
        }
  EXPECT_GT(inside, tested / 20);  // both verdicts occur often
  EXPECT_LT(inside, tested * 19 / 20);
}

// masked_candidates on layers whose leaves are grid cells (columns and rows skipped)
// and on free layers, against inside() for every point; anchors fall anywhere.
TEST(SpatialPositionTree, MaskedCandidatesAreThePointsInside) {
  Lcg u;
  for (int dim : {2, 3}) {
    const Layer grid = dim == 2 ? Layer::grid({41, 37}, V{1.0, 0.9}, std::nullopt, false)
                                : Layer::grid({13, 12, 11}, V{1.0, 0.9, 0.8}, std::nullopt, false);
    std::vector<std::vector<double>> free_pos;
    for (int p = 0; p < 1500; ++p) {
      std::vector<double> x;
      for (int i = 0; i < dim; ++i) x.push_back(u() - 0.5);
      free_pos.push_back(x);
    }
    const Layer free = Layer::free(free_pos, std::nullopt, false);
    for (const Layer* layer : {&grid, &free}) {
      std::vector<uint32_t> ids(layer->size());
      std::iota(ids.begin(), ids.end(), 1u);
      const NodeCollection nodes(ids);
      const PositionTree tree(*layer, 1, nodes, layer->lower_left(), layer->extent(), false);
      std::vector<std::shared_ptr<const Mask>> masks = plain_masks(dim);
      masks.push_back(Mask::anchored(masks[0], std::vector<double>(dim, 0.03)));  // the general path
      for (const auto& mask : masks)
        for (int rep = 0; rep < 60; ++rep) {
          Point anchor{};
          for (int i = 0; i < dim; ++i) anchor[i] = layer->lower_left()[i] + layer->extent()[i] * (1.2 * u() - 0.1);
          std::vector<uint32_t> got;
          masked_candidates(tree, *mask, anchor, got);
          std::vector<uint32_t> want;
          for (uint32_t k = 0; k < layer->size(); ++k) {
            Point d = layer->position(k);
            for (int i = 0; i < dim; ++i) d[i] -= anchor[i];
            if (mask->inside(d)) want.push_back(k);
          }
          ASSERT_EQ(got, want) << mask->description() << (layer == &grid ? " grid" : " free");
          // Connect's unsorted candidates: the same points.
          std::vector<uint32_t> unsorted;
          masked_candidates_in_tree_order(tree, *mask, anchor, unsorted);
          std::sort(unsorted.begin(), unsorted.end());
          ASSERT_EQ(unsorted, want) << mask->description();
        }
    }
  }
}

}  // namespace
}  // namespace nestkit::spatial
