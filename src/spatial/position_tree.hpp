#pragma once
// NEST's position tree (nestkernel/ntree*.h) rebuilt with the same geometry: leaves
// of at most 100 nodes, depth at most 10, points within one epsilon above a split
// line sorted to the lower half, periodic positions wrapped at insertion. Masks
// prune whole cells with their box tests, so a mask costs about its own candidates;
// and because NEST's pruning decides boundary cases (a point on a cell edge),
// mirroring it makes the same connections to the last bit.
//
// Each leaf's points are kept contiguous, with their coordinates in one array per
// axis, so a leaf that the mask cuts is tested in one batch (Mask::inside_batch, or
// for balls and upright boxes plain_leaf_avx2, only the nearby columns and rows of a
// grid leaf) and a leaf wholly inside is copied.
#include <cstdint>
#include <vector>

#include "nestkit/node_collection.hpp"
#include "nestkit/spatial.hpp"

namespace nestkit::spatial {

class PositionTree {
 public:
  static constexpr std::size_t kCapacity = 100;
  static constexpr int kMaxDepth = 10;
  static constexpr std::size_t kBatch = 128;  // points per Mask::inside_batch call (a stack buffer)

  // `ll`, `extent`: the tree's region; points of `layer` (first gid `first`) from `nodes`.
  PositionTree(const Layer& layer, uint32_t first, const NodeCollection& nodes, const Point& ll, const Point& extent,
               bool periodic);

  int dim() const { return dim_; }
  bool periodic() const { return periodic_; }
  const Point& lower_left() const { return cells_[0].ll; }
  const Point& extent() const { return cells_[0].ext; }
  // Point k (k: the node's index in `nodes`), wrapped into the region if periodic.
  const Point& pos(std::size_t k) const { return pos_[k]; }
  uint32_t gid(std::size_t k) const { return gid_[k]; }
  const Point* positions() const { return pos_.data(); }
  const uint32_t* gids() const { return gid_.data(); }

  // Appends the points inside `mask` at `anchor` as NEST's masked iterator yields
  // them: leaf by leaf, each leaf's points in ascending k. `runs` gets the start of
  // each leaf's points in `out` (for masked_candidates' merge).
  void query(const Mask& mask, const Point& anchor, std::vector<uint32_t>& out, std::vector<std::size_t>& runs) const;

 private:
  struct Cell {
    Point ll, ext;
    int depth;
    int child0;                   // index of the first of 2^dim children, -1 for a leaf
    uint32_t begin = 0, end = 0;  // the leaf's points in leaf_k_ / leaf_x_
    // A 2-D leaf whose points, in their order, are columns of `rows` points each, every
    // column one x, every column the same y's (a grid layer's cell): a query then tests
    // only the columns and rows near the mask. 0 otherwise.
    uint32_t rows = 0;
  };
  // Whether the leaf's points form such columns (flatten).
  uint32_t lattice_rows(const Cell& c) const;
  int subcell(const Cell& c, const Point& p) const;
  // Splits cell c while it holds more than kCapacity points (below kMaxDepth): its
  // points are ks[0, n) (ascending), partitioned stably among the children in place
  // (scratch: room for n), so every leaf ends as a contiguous ascending run of leaf_k_.
  // A cell splits exactly when more than kCapacity points fall in it, as when NEST
  // inserts them one by one, so the tree is NEST's.
  void build(int c, std::size_t first, std::size_t n, std::vector<uint32_t>& scratch, std::vector<uint8_t>& sub);
  void split(int c);
  void flatten();
  struct Query {
    const Mask& mask;
    const Point& anchor;
    double widest[3];  // a cell wider than this in an axis is never wholly inside the mask
    std::vector<uint32_t>& out;
    std::vector<std::size_t>& runs;
  };
  // Tests: the cell tests box_outside/box_inside (the mask's own, or Mask::Plain's inline).
  template <class Tests>
  void visit(int c, Query& q, const Tests& tests, bool all_in, bool& first_leaf) const;

  int dim_;
  bool periodic_;
  std::vector<Cell> cells_;
  std::vector<Point> pos_;
  std::vector<uint32_t> gid_;
  std::vector<uint32_t> leaf_k_;   // the points' k, leaf after leaf (depth first)
  std::vector<double> leaf_x_[3];  // their coordinates, per axis, in the same order
  double scale_[3] = {0, 0, 0};    // the largest |coordinate| per axis (rounding margins)
};

// The indices of the tree's points inside `mask` centred on `anchor`, with NEST's
// periodic images (ntree masked_iterator): the anchor is moved so the mask's lower
// corner lies in the tree's region, plus one image per wrapped dimension. Sorted
// ascending (a point reached through two images appears twice).
void masked_candidates(const PositionTree& tree, const Mask& mask, const Point& anchor, std::vector<uint32_t>& out);
// The same points in the order the query finds them (image after image, each image's
// leaves depth first, each leaf's points ascending), not sorted: Connect's candidates.
void masked_candidates_in_tree_order(const PositionTree& tree, const Mask& mask, const Point& anchor,
                                     std::vector<uint32_t>& out);

}  // namespace nestkit::spatial
