#pragma once
// Spatially structured networks (NEST's layers): node positions, masks, spatial
// parameters and the spatial connection rules. A Layer holds the positions of the
// nodes of one Create call; masks select positions relative to an anchor; the
// connection rules find the candidates inside a mask through a cell list, so the
// work grows with the candidate pairs, not with the square of the layer size.
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nestkit/node_collection.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"
#include "nestkit/value.hpp"

namespace nestkit::spatial {

using Point = std::array<double, 3>;

// The positions of the nodes of one Create call, with NEST's layer geometry:
// lower_left + extent is the region, periodic (edge_wrap) in all dimensions or none.
class Layer {
 public:
  // A grid layer (NEST's GridLayer): shape of 2 or 3 entries; extent and center
  // optional (defaults: extent 1 per dimension, center 0).
  static Layer grid(const std::vector<long>& shape, const std::optional<std::vector<double>>& extent,
                    const std::optional<std::vector<double>>& center, bool edge_wrap);
  // A free layer from explicit positions (n x dim, dim 2 or 3).
  static Layer free(const std::vector<std::vector<double>>& positions, const std::optional<std::vector<double>>& extent,
                    bool edge_wrap);
  // A free layer of n nodes with positions drawn per dimension from `dims`
  // (one expression per dimension), from streams keyed by (seed, call).
  static Layer free_random(std::size_t n, const std::vector<Distribution>& dims,
                           const std::optional<std::vector<double>>& extent, bool edge_wrap, uint32_t seed,
                           uint32_t call);

  int dim() const { return dim_; }
  std::size_t size() const { return n_; }
  bool is_grid() const { return !shape_.empty(); }
  bool periodic() const { return periodic_; }
  const std::vector<long>& shape() const { return shape_; }
  const Point& lower_left() const { return lower_left_; }
  const Point& extent() const { return extent_; }
  Point center() const;
  // Position of local index `lid` (0 = the first node of the Create call).
  Point position(std::size_t lid) const;
  // to - from, wrapped into [-extent/2, extent/2) in periodic layers, as NEST's
  // Layer::compute_displacement(Position, Position) (queries and masks).
  Point displacement(const Point& from, const Point& to) const;
  // One axis of to - from, wrapped with round() (NEST's per-dimension form,
  // used by spatial parameters).
  double displacement_axis(const Point& from, const Point& to, int axis) const {
    double d = to[axis] - from[axis];
    if (periodic_) d -= extent_[axis] * std::round(d * (1 / extent_[axis]));
    return d;
  }
  // Length of the per-axis displacement (NEST's compute_distance(vector, vector)).
  double distance(const Point& from, const Point& to) const {
    double sq = 0;
    for (int i = 0; i < dim_; ++i) {
      const double d = displacement_axis(from, to, i);
      sq += d * d;
    }
    return std::sqrt(sq);
  }

 private:
  int dim_ = 2;
  std::size_t n_ = 0;
  std::vector<long> shape_;  // grid layers
  std::vector<double> pos_;  // free layers: n * dim
  Point lower_left_{-0.5, -0.5, -0.5}, extent_{1.0, 1.0, 1.0};
  bool periodic_ = false;
  void finish_free(const std::optional<std::vector<double>>& extent, bool edge_wrap);
};

// A mask (NEST's Mask<D>): a region in displacement space. Built from NEST's mask
// names and keys; combined with & | -; `anchored` shifts it.
class Mask {
 public:
  // type: circular, rectangular, elliptical, doughnut (2-D); spherical, box,
  // ellipsoidal (3-D). Keys as NEST's: radius, lower_left, upper_right,
  // major_axis, minor_axis, polar_axis, inner_radius, outer_radius, anchor,
  // azimuth_angle, polar_angle. Throws BadProperty naming the bad key or value.
  static std::shared_ptr<const Mask> make(const std::string& type, const Dict& spec);
  static std::shared_ptr<const Mask> combine(char op, std::shared_ptr<const Mask> a, std::shared_ptr<const Mask> b);
  static std::shared_ptr<const Mask> anchored(std::shared_ptr<const Mask> m, const std::vector<double>& anchor);
  static std::shared_ptr<const Mask> converse(std::shared_ptr<const Mask> m);
  // NEST's grid masks ({"grid": {"shape": [columns, rows(, layers)]}}, an integer anchor) count
  // grid cells; on a grid layer they become the box of those cells (for_layer, as NEST's
  // MaskedLayer); other masks are returned unchanged. BadProperty for a layer that is not a grid.
  static std::shared_ptr<const Mask> for_layer(std::shared_ptr<const Mask> m, const Layer& layer, bool allow_oversized);
  bool is_grid() const { return kind_ == Kind::kGrid; }

  int dim() const { return dim_; }
  bool inside(const Point& p) const;
  // The indices m (ascending) of the n points x_m, with coordinates xs[axis][m], for which
  // inside(x_m - anchor) holds, written to idx; returns their number. The same arithmetic
  // as inside(), with the mask's mirrors and shifts resolved once for the batch (balls
  // and upright boxes four points at a time, without a branch per point).
  std::size_t inside_batch(const Point& anchor, const double* const xs[3], std::size_t n, uint32_t* idx) const;
  // NEST's tests for a whole box [lo, hi]: surely inside / surely outside (used to
  // prune the position tree exactly as NEST does, boundary cases included).
  bool box_inside(const Point& lo, const Point& hi) const;
  bool box_outside(const Point& lo, const Point& hi) const;
  // Bounding box of the region: lower_left, upper_right.
  std::pair<Point, Point> bbox() const;
  // A ball or an upright box reached through mirrors only (a target-centred query's
  // converse of a circular or rectangular mask), as plain numbers, so that the position
  // tree asks box_inside/box_outside inline with the same comparisons; nullopt otherwise.
  struct Plain {
    bool ball = false;
    bool mirrored = false;  // an odd number of mirrors: [lo, hi] is tested as [-hi, -lo]
    Point center{}, a{}, b{};
    double radius = 0.0, radius_sq = 0.0;
    Point bb_lo{}, bb_hi{};
  };
  std::optional<Plain> plain() const;
  std::string description() const { return desc_; }

  enum class Kind { kBox, kBall, kEllipse, kAnd, kOr, kMinus, kConverse, kAnchored, kGrid };

 private:
  Kind kind_ = Kind::kBox;
  int dim_ = 2;
  std::string desc_;
  // Box: lower_left/upper_right, rotation. Ball: center, radius. Ellipse: center, axes, rotation.
  // Grid: a_ and b_ hold NEST's upper_left and lower_right cell offsets.
  Point a_{}, b_{}, center_{};
  double radius_ = 0.0;
  double radius_sq_ = 0.0;  // balls: the largest square whose sqrt is <= radius_
  double x_scale_ = 0.0, y_scale_ = 0.0, z_scale_ = 0.0;
  double az_cos_ = 1.0, az_sin_ = 0.0, pol_cos_ = 1.0, pol_sin_ = 0.0;
  bool rotated_ = false;
  Point bb_lo_{}, bb_hi_{};
  std::shared_ptr<const Mask> m1_, m2_;
  bool inside_rect(const Point& p) const;
  bool inside_ellipse(const Point& p) const;
  bool corners_inside(const Point& lo, const Point& hi) const;
  void box_bounds();
  static std::shared_ptr<const Mask> make_grid(const Dict& spec);
};

// The source and target of the connection being evaluated, for the spatial
// leaves of parameter expressions ("distance", "source_pos", "target_pos").
struct SpatialContext {
  Point source{}, target{};
  const Layer* layer = nullptr;  // whose periodicity applies to displacements
  bool node_values = false;      // node_values(): `source` is the node's own position (nest.spatial.pos)
};
// A parameter's value for each node of a layer (nest.spatial.pos leaves read the node's
// position; random leaves draw from the node's own stream for this call).
std::vector<double> node_values(const Layer& layer, uint32_t first, const std::vector<uint32_t>& nodes,
                                const Distribution& d, uint32_t seed, uint32_t call);
// Set while spatial connections are generated (one per thread); nullptr otherwise.
const SpatialContext*& current_context();
// Whether an expression contains a spatial leaf.
bool is_spatial(const Distribution& d);
// For param_expr.cpp: whether `type` is a spatial node, its value, and its checks.
bool is_spatial_node(const std::string& type);
double draw_spatial(const Distribution& d, RandomStream& rng);
void validate_spatial(const Distribution& d, const std::string& what);

struct ConnectRequest {
  std::string rule;  // pairwise_bernoulli, fixed_indegree, fixed_outdegree
  std::optional<Distribution> p;
  long number = -1;  // indegree / outdegree
  std::shared_ptr<const Mask> mask;
  bool use_on_source = false, allow_autapses = true, allow_multapses = true, allow_oversized = false;
};

// Generates the connections of a spatial Connect call and makes them through
// Simulator::connect_arrays; nothing is made if any check fails.
void connect_layers(Simulator& sim, const Layer& src, uint32_t src_first, const NodeCollection& pre, const Layer& tgt,
                    uint32_t tgt_first, const NodeCollection& post, const ConnectRequest& req, SynSpec syn,
                    uint32_t call);

// Local indices of the nodes of `nodes` (of `layer`, first gid `first`) inside
// `mask` anchored at `anchor` (NEST's SelectNodesByMask), ascending.
std::vector<uint32_t> select_by_mask(const Layer& layer, uint32_t first, const NodeCollection& nodes, const Mask& mask,
                                     const Point& anchor);

}  // namespace nestkit::spatial
