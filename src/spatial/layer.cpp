// Layer geometry: grid and free positions, extents and (periodic) displacements,
// with NEST 3.10's formulas so positions and distances agree to the last bit.
#include <cmath>
#include <limits>

#include "nestkit/errors.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/spatial.hpp"

namespace nestkit::spatial {

namespace {

std::string list_str(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

void check_vector(const std::optional<std::vector<double>>& v, int dim, const char* what, bool positive) {
  if (!v) return;
  if (static_cast<int>(v->size()) != dim)
    throw BadProperty(std::string(what) + " " + list_str(*v) + " must have " + std::to_string(dim) +
                      " entries, one per dimension of the layer");
  for (double x : *v) {
    if (!std::isfinite(x)) throw BadProperty(std::string(what) + " " + list_str(*v) + " must be finite");
    if (positive && !(x > 0))
      throw BadProperty(std::string(what) + " " + list_str(*v) + " must be > 0 in every dimension");
  }
}

}  // namespace

Layer Layer::grid(const std::vector<long>& shape, const std::optional<std::vector<double>>& extent,
                  const std::optional<std::vector<double>>& center, bool edge_wrap) {
  if (shape.size() != 2 && shape.size() != 3)
    throw BadProperty("grid shape must have 2 or 3 entries, got " + std::to_string(shape.size()));
  Layer l;
  l.dim_ = static_cast<int>(shape.size());
  l.n_ = 1;
  for (long s : shape) {
    if (s <= 0) throw BadProperty("grid shape entries must be positive, got " + std::to_string(s));
    l.n_ *= static_cast<std::size_t>(s);
  }
  check_vector(extent, l.dim_, "extent", true);
  check_vector(center, l.dim_, "center", false);
  l.shape_ = shape;
  // NEST's order: a new extent keeps the default center (0); a center then
  // places the lower left corner half an extent below it.
  if (extent)
    for (int i = 0; i < l.dim_; ++i) {
      l.extent_[i] = (*extent)[i];
      l.lower_left_[i] = 0.0 - l.extent_[i] / 2;
    }
  if (center)
    for (int i = 0; i < l.dim_; ++i) {
      l.lower_left_[i] = (*center)[i];
      l.lower_left_[i] -= l.extent_[i] / 2;
    }
  l.periodic_ = edge_wrap;
  return l;
}

Layer Layer::free(const std::vector<std::vector<double>>& positions, const std::optional<std::vector<double>>& extent,
                  bool edge_wrap) {
  if (positions.empty()) throw BadProperty("free layer: the positions array is empty");
  const std::size_t d = positions[0].size();
  if (d != 2 && d != 3)
    throw BadProperty("free layer: positions must have 2 or 3 coordinates, got " + std::to_string(d));
  Layer l;
  l.dim_ = static_cast<int>(d);
  l.n_ = positions.size();
  l.pos_.reserve(l.n_ * d);
  for (std::size_t k = 0; k < positions.size(); ++k) {
    if (positions[k].size() != d)
      throw BadProperty("free layer: position " + std::to_string(k) + " has " + std::to_string(positions[k].size()) +
                        " coordinates, the first has " + std::to_string(d));
    for (double x : positions[k]) {
      if (!std::isfinite(x))
        throw BadProperty("free layer: position " + std::to_string(k) + " " + list_str(positions[k]) +
                          " is not finite");
      l.pos_.push_back(x);
    }
  }
  l.finish_free(extent, edge_wrap);
  return l;
}

Layer Layer::free_random(std::size_t n, const std::vector<Distribution>& dims,
                         const std::optional<std::vector<double>>& extent, bool edge_wrap, uint32_t seed,
                         uint32_t call) {
  if (dims.size() != 2 && dims.size() != 3)
    throw BadProperty("free layer: positions must have 2 or 3 coordinates, got " + std::to_string(dims.size()));
  if (n == 0) throw BadProperty("free layer: the number of nodes must be positive");
  for (const Distribution& d : dims) {
    d.validate("positions");
    if (is_spatial(d)) throw BadProperty("free layer: positions cannot depend on spatial parameters");
  }
  Layer l;
  l.dim_ = static_cast<int>(dims.size());
  l.n_ = n;
  l.pos_.resize(n * dims.size());
  // One stream for the whole layer, drawn node by node and x before y (before z), as NEST.
  RandomStream rng(seed, Purpose::kNodeParam, 0xFFFFFFFFu, (uint64_t{1} << 62) | call);
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t i = 0; i < dims.size(); ++i) {
      const double x = dims[i].draw(rng);
      if (!std::isfinite(x)) throw BadProperty("free layer: a drawn position is not finite");
      l.pos_[k * dims.size() + i] = x;
    }
  l.finish_free(extent, edge_wrap);
  return l;
}

void Layer::finish_free(const std::optional<std::vector<double>>& extent, bool edge_wrap) {
  check_vector(extent, dim_, "extent", true);
  Point lo, hi;
  for (int i = 0; i < dim_; ++i) {
    lo[i] = std::numeric_limits<double>::infinity();
    hi[i] = -std::numeric_limits<double>::infinity();
  }
  for (std::size_t k = 0; k < n_; ++k)
    for (int i = 0; i < dim_; ++i) {
      const double x = pos_[k * dim_ + i];
      if (x < lo[i]) lo[i] = x;
      if (x > hi[i]) hi[i] = x;
    }
  Point center;
  for (int i = 0; i < dim_; ++i) center[i] = (hi[i] + lo[i]) / 2;
  if (extent) {
    // NEST centres the given extent on the positions' bounding box.
    for (int i = 0; i < dim_; ++i) {
      extent_[i] = (*extent)[i];
      lower_left_[i] = center[i] - extent_[i] / 2;
    }
    for (int i = 0; i < dim_; ++i) {
      const double upper = center[i] + extent_[i] / 2;
      if (lo[i] < lower_left_[i] || hi[i] > upper)
        throw BadProperty("free layer: node positions span [" + std::to_string(lo[i]) + ", " + std::to_string(hi[i]) +
                          "] in dimension " + std::to_string(i) + ", outside the extent " + list_str(*extent) +
                          " centred on them");
    }
  } else {
    if (n_ <= 1) throw KernelException("If only one node is created, 'extent' must be specified.");
    // The bounding box rounded up to whole units, centred on the positions.
    for (int i = 0; i < dim_; ++i) {
      extent_[i] = std::ceil(hi[i] - lo[i]);
      lower_left_[i] = center[i] - extent_[i] / 2;
    }
  }
  if (edge_wrap)
    for (int i = 0; i < dim_; ++i)
      if (!(extent_[i] > 0))
        throw BadProperty("free layer: edge_wrap needs an extent > 0 in every dimension; dimension " +
                          std::to_string(i) + " has " + std::to_string(extent_[i]));
  periodic_ = edge_wrap;
}

Point Layer::center() const {
  Point c{};
  for (int i = 0; i < dim_; ++i) c[i] = lower_left_[i] + extent_[i] / 2;
  return c;
}

Point Layer::position(std::size_t lid) const {
  Point p{};
  if (shape_.empty()) {
    for (int i = 0; i < dim_; ++i) p[i] = pos_[lid * dim_ + i];
    return p;
  }
  // NEST's grid layers count the last axis fastest and use the matrix
  // convention: y runs downwards from the upper edge.
  std::array<long, 3> g{};
  for (int i = dim_ - 1; i > 0; --i) {
    g[i] = static_cast<long>(lid % static_cast<std::size_t>(shape_[i]));
    lid /= static_cast<std::size_t>(shape_[i]);
  }
  g[0] = static_cast<long>(lid);
  for (int i = 0; i < dim_; ++i) {
    double ext = extent_[i], start = lower_left_[i];
    if (i == 1) {
      start += ext;
      ext = -ext;
    }
    const double step = ext / static_cast<double>(shape_[i]);
    p[i] = start + step * static_cast<double>(g[i]) + step * 0.5;
  }
  return p;
}

Point Layer::displacement(const Point& from, const Point& to) const {
  Point d{};
  for (int i = 0; i < dim_; ++i) {
    d[i] = to[i];
    d[i] -= from[i];
    if (periodic_) {
      d[i] = -0.5 * extent_[i] + std::fmod(d[i] + 0.5 * extent_[i], extent_[i]);
      if (d[i] < -0.5 * extent_[i]) d[i] += extent_[i];
    }
  }
  return d;
}

}  // namespace nestkit::spatial
