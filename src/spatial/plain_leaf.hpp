#pragma once
// The points of a position-tree leaf that lie inside a ball or an upright box
// (Mask::Plain), four at a time in AVX2 registers, each verdict turned into packed
// indices by one table shuffle instead of a branch or a store per point. The same
// arithmetic as Mask::inside, so the same points are chosen.
#include <cstddef>
#include <cstdint>

#include "nestkit/spatial.hpp"

namespace nestkit::spatial {

// A Mask::Plain with its mirror folded in: a mirrored ball is the ball about -center
// (-(u) - c and u + c differ only in sign, exactly), a mirrored box [a, b] is [-b, -a].
struct PlainShape {
  bool ball = false;
  Point center{}, a{}, b{};
  double radius = 0.0, radius_sq = 0.0;
};
PlainShape unmirrored(const Mask::Plain& m);

// Writes k[m] for each of the n points (coordinates xs[axis][m], `dim` axes) whose
// displacement from `anchor` lies in `s` to dst, in ascending m, and returns their
// number; dst needs room for n + 3 values. Only where use_avx2() holds.
std::size_t plain_leaf_avx2(const PlainShape& s, int dim, const Point& anchor, const double* const xs[3],
                            const uint32_t* k, std::size_t n, uint32_t* dst);

}  // namespace nestkit::spatial
