// Masks with NEST 3.10's membership tests (nestkernel/mask*.h): the same
// arithmetic in the same order, so points on a boundary fall on the same side.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/cpu_features.hpp"
#include "nestkit/coerce.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/spatial.hpp"

namespace nestkit::spatial {

namespace {

constexpr double kBoxEps = 1e-12;  // NEST's tolerance for rotated boxes

const std::vector<std::string>& mask_types() {
  static const std::vector<std::string> t = {"circular",  "rectangular", "elliptical", "doughnut",
                                             "spherical", "box",         "ellipsoidal"};
  return t;
}

std::vector<std::string> allowed_keys(const std::string& type) {
  if (type == "circular" || type == "spherical") return {"radius", "anchor"};
  if (type == "rectangular") return {"lower_left", "upper_right", "azimuth_angle"};
  if (type == "box") return {"lower_left", "upper_right", "azimuth_angle", "polar_angle"};
  if (type == "elliptical") return {"major_axis", "minor_axis", "anchor", "azimuth_angle"};
  if (type == "ellipsoidal")
    return {"major_axis", "minor_axis", "polar_axis", "anchor", "azimuth_angle", "polar_angle"};
  return {"inner_radius", "outer_radius", "anchor"};  // doughnut
}

class Spec {
 public:
  Spec(const std::string& type, const Dict& d) : type_(type), d_(d) {}
  bool has(const std::string& k) const { return d_.count(k) > 0; }
  double number(const std::string& k) const {
    auto it = d_.find(k);
    if (it == d_.end()) throw BadProperty(type_ + " mask: '" + k + "' is required");
    const double v = coerce_number(it->second, "", type_ + " mask '" + k + "'");
    if (!std::isfinite(v)) throw BadProperty(type_ + " mask: '" + k + "' must be finite, got " + std::to_string(v));
    return v;
  }
  double number_or(const std::string& k, double def) const { return has(k) ? number(k) : def; }
  Point point(const std::string& k, int dim) const {
    auto it = d_.find(k);
    if (it == d_.end()) throw BadProperty(type_ + " mask: '" + k + "' is required");
    std::vector<double> v;
    if (auto vd = std::get_if<std::vector<double>>(&it->second))
      v = *vd;
    else if (auto vl = std::get_if<std::vector<long>>(&it->second))
      v.assign(vl->begin(), vl->end());
    else
      throw BadProperty(type_ + " mask: '" + k + "' must be a list of " + std::to_string(dim) + " numbers");
    if (static_cast<int>(v.size()) != dim)
      throw BadProperty(type_ + " mask: '" + k + "' has " + std::to_string(v.size()) + " entries, the mask is " +
                        std::to_string(dim) + "-dimensional");
    Point p{};
    for (int i = 0; i < dim; ++i) {
      if (!std::isfinite(v[i])) throw BadProperty(type_ + " mask: '" + k + "' must be finite");
      p[i] = v[i];
    }
    return p;
  }

 private:
  std::string type_;
  const Dict& d_;
};

// The largest square s with sqrt(s) <= r: sqrt rounds correctly, so it is monotonic and
// sqrt(s) <= r exactly when s <= square_limit(r) (the batched ball test needs no sqrt).
double square_limit(double r) {
  double t = r * r;
  while (std::sqrt(t) > r) t = std::nextafter(t, 0.0);
  while (std::sqrt(std::nextafter(t, INFINITY)) <= r) t = std::nextafter(t, INFINITY);
  return t;
}

// inside()'s ball tests for the offsets e from the centre, the length as the square
// against r_sq = square_limit(r): no axis beyond r, and inside the inscribed diamond or
// within the length. Shared by the cell-corner and the batched point tests.
bool ball_holds(const double* e, int dim, double r, double r_sq) {
  bool out = false;
  double sum = 0, sq = 0;
  for (int i = 0; i < dim; ++i) {
    const double ae = std::abs(e[i]);
    out |= ae > r;
    sum += ae;
    sq += e[i] * e[i];
  }
  return !out && (sum <= r || sq <= r_sq);
}

double length(const Point& p, int dim) {
  double s = 0;
  for (int i = 0; i < dim; ++i) s += p[i] * p[i];
  return std::sqrt(s);
}

}  // namespace

std::shared_ptr<const Mask> Mask::make_grid(const Dict& spec) {
  for (const auto& [k, v] : spec)
    if (k != "shape") throw BadProperty("'" + k + "' is not a parameter of grid masks." + did_you_mean(k, {"shape"}));
  auto it = spec.find("shape");
  if (it == spec.end()) throw BadProperty("grid mask: 'shape' is required");
  std::vector<double> shape;
  if (auto vd = std::get_if<std::vector<double>>(&it->second))
    shape = *vd;
  else if (auto vl = std::get_if<std::vector<long>>(&it->second))
    shape.assign(vl->begin(), vl->end());
  if (shape.size() != 2 && shape.size() != 3) throw BadProperty("Grid mask must be 2- or 3-dimensional.");
  auto m = std::make_shared<Mask>();
  m->kind_ = Kind::kGrid;
  m->dim_ = static_cast<int>(shape.size());
  m->desc_ = "grid";
  for (int i = 0; i < m->dim_; ++i) {
    if (!(std::floor(shape[i]) == shape[i] && shape[i] >= 1))
      throw BadProperty("grid mask: 'shape' must hold positive integers, got " + std::to_string(shape[i]));
    m->b_[i] = shape[i];  // upper_left 0, lower_right the shape
  }
  return m;
}

std::shared_ptr<const Mask> Mask::for_layer(std::shared_ptr<const Mask> m, const Layer& layer, bool allow_oversized) {
  if (m->kind_ != Kind::kGrid) return m;
  if (!layer.is_grid()) throw BadProperty("Grid masks can only be used with grid layers.");
  if (m->dim_ != layer.dim())
    throw BadProperty("the " + std::to_string(m->dim_) + "-D grid mask does not fit the " +
                      std::to_string(layer.dim()) + "-D layer");
  const int D = m->dim_;
  for (int i = 0; i < D; ++i)
    if (!allow_oversized && layer.periodic() && m->b_[i] - m->a_[i] > static_cast<double>(layer.shape()[i]))
      throw BadProperty("Mask size must not exceed layer size; set allow_oversized_mask to override.");
  // NEST's MaskedLayer: cell offsets times the cell size, shifted by half a cell; rows count
  // downwards, so y is mirrored.
  std::vector<double> lower_left(D), upper_right(D);
  for (int i = 0; i < D; ++i) {
    const double cell = layer.extent()[i] / static_cast<double>(layer.shape()[i]);
    lower_left[i] = cell * m->a_[i] - cell * 0.5;
    upper_right[i] = cell * m->b_[i] - cell * 0.5;
  }
  const double y = lower_left[1];
  lower_left[1] = -upper_right[1];
  upper_right[1] = -y;
  return make(D == 2 ? "rectangular" : "box", Dict{{"lower_left", lower_left}, {"upper_right", upper_right}});
}

std::shared_ptr<const Mask> Mask::make(const std::string& type, const Dict& spec) {
  if (std::find(mask_types().begin(), mask_types().end(), type) == mask_types().end()) {
    if (type == "grid") return make_grid(spec);
    {
      std::string valid;
      for (const auto& t : mask_types()) valid += (valid.empty() ? "" : ", ") + t;
      throw BadProperty("unknown mask type '" + type + "'." + did_you_mean(type, mask_types()) +
                        " Valid types: " + valid);
    }
  }
  const auto keys = allowed_keys(type);
  for (const auto& [k, v] : spec)
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      throw BadProperty("'" + k + "' is not a parameter of " + type + " masks." + did_you_mean(k, keys));
  Spec s(type, spec);
  auto m = std::make_shared<Mask>();
  m->dim_ = (type == "spherical" || type == "box" || type == "ellipsoidal") ? 3 : 2;
  m->desc_ = type;
  const int D = m->dim_;
  const double deg = std::numbers::pi / 180.;
  if (type == "circular" || type == "spherical") {
    m->kind_ = Kind::kBall;
    m->radius_ = s.number("radius");
    if (!(m->radius_ > 0)) throw BadProperty(type + " mask: radius must be > 0, got " + std::to_string(m->radius_));
    m->radius_sq_ = square_limit(m->radius_);
    if (s.has("anchor")) m->center_ = s.point("anchor", D);
    for (int i = 0; i < D; ++i) {
      m->bb_lo_[i] = m->center_[i] - m->radius_;
      m->bb_hi_[i] = m->center_[i] + m->radius_;
    }
  } else if (type == "doughnut") {
    const double outer = s.number("outer_radius"), inner = s.number("inner_radius");
    if (!(inner >= 0)) throw BadProperty("doughnut mask: inner_radius must be >= 0, got " + std::to_string(inner));
    if (inner >= outer)
      throw BadProperty("doughnut mask: inner_radius < outer_radius required, got " + std::to_string(inner) +
                        " >= " + std::to_string(outer));
    Dict o{{"radius", outer}}, in{{"radius", inner}};
    if (s.has("anchor")) o["anchor"] = in["anchor"] = spec.at("anchor");
    auto outer_m = make("circular", o);
    // An inner radius of 0 removes only the centre point, as NEST's annulus does.
    auto inner_m = std::make_shared<Mask>();
    inner_m->kind_ = Kind::kBall;
    inner_m->dim_ = 2;
    inner_m->radius_ = inner;
    inner_m->radius_sq_ = square_limit(inner);
    inner_m->center_ = outer_m->center_;
    auto d = combine('-', outer_m, inner_m);
    auto out = std::make_shared<Mask>(*d);
    out->desc_ = "doughnut";
    return out;
  } else if (type == "rectangular" || type == "box") {
    m->kind_ = Kind::kBox;
    m->a_ = s.point("lower_left", D);
    m->b_ = s.point("upper_right", D);
    for (int i = 0; i < D; ++i)
      if (!(m->a_[i] < m->b_[i]))
        throw BadProperty(type + " mask: upper_right must be strictly above lower_left in every dimension (dimension " +
                          std::to_string(i) + ": " + std::to_string(m->a_[i]) + " >= " + std::to_string(m->b_[i]) +
                          ")");
    const double az = s.number_or("azimuth_angle", 0.0), pol = s.number_or("polar_angle", 0.0);
    m->az_cos_ = std::cos(az * deg);
    m->az_sin_ = std::sin(az * deg);
    m->pol_cos_ = std::cos(pol * deg);
    m->pol_sin_ = std::sin(pol * deg);
    m->rotated_ = az != 0.0 || pol != 0.0;
    for (int i = 0; i < D; ++i) m->center_[i] = (m->b_[i] + m->a_[i]) * 0.5;
    m->box_bounds();
  } else {  // elliptical, ellipsoidal
    m->kind_ = Kind::kEllipse;
    const double major = s.number("major_axis"), minor = s.number("minor_axis");
    if (!(major > 0) || !(minor > 0))
      throw BadProperty(type + " mask: all axes must be > 0, got major_axis " + std::to_string(major) +
                        ", minor_axis " + std::to_string(minor));
    if (major < minor)
      throw BadProperty(type + " mask: major_axis must be >= minor_axis, got " + std::to_string(major) + " < " +
                        std::to_string(minor));
    double polar = 0.0;
    if (D == 3) {
      polar = s.number("polar_axis");
      if (!(polar > 0)) throw BadProperty(type + " mask: polar_axis must be > 0, got " + std::to_string(polar));
    }
    m->x_scale_ = 4.0 / (major * major);
    m->y_scale_ = 4.0 / (minor * minor);
    m->z_scale_ = polar > 0 ? 4.0 / (polar * polar) : 0.0;
    if (s.has("anchor")) m->center_ = s.point("anchor", D);
    const double az = s.number_or("azimuth_angle", 0.0), pol = s.number_or("polar_angle", 0.0);
    m->az_cos_ = std::cos(az * deg);
    m->az_sin_ = std::sin(az * deg);
    m->pol_cos_ = std::cos(pol * deg);
    m->pol_sin_ = std::sin(pol * deg);
    // NEST's bounding box: the semi-axes, or a cube of the largest one when tilted.
    Point radii{major / 2.0, minor / 2.0, polar / 2.0};
    if (az != 0.0 || pol != 0.0) radii.fill(std::max(major, polar) / 2.0);
    for (int i = 0; i < D; ++i) {
      m->bb_lo_[i] = m->center_[i] - radii[i];
      m->bb_hi_[i] = m->center_[i] + radii[i];
    }
  }
  return m;
}

void Mask::box_bounds() {
  if (!rotated_) {
    bb_lo_ = a_;
    bb_hi_ = b_;
    return;
  }
  // The rotated corners, with NEST's grouping of terms (its bounding box decides
  // which tree cells are skipped, so it must agree to the last bit).
  const Point& c = center_;
  Point llc{}, lls{}, urc{}, urs{};
  for (int i = 0; i < dim_; ++i) {
    llc[i] = (a_[i] - c[i]) * az_cos_;
    lls[i] = (a_[i] - c[i]) * az_sin_;
    urc[i] = (b_[i] - c[i]) * az_cos_;
    urs[i] = (b_[i] - c[i]) * az_sin_;
  }
  std::vector<Point> corners;
  if (dim_ == 2) {
    corners = {{llc[0] - lls[1] + c[0], lls[0] + llc[1] + c[1], 0},
               {urc[0] - lls[1] + c[0], urs[0] + llc[1] + c[1], 0},
               {urc[0] - urs[1] + c[0], urs[0] + urc[1] + c[1], 0},
               {llc[0] - urs[1] + c[0], lls[0] + urc[1] + c[1], 0}};
  } else {
    const double llpc = (a_[2] - c[2]) * pol_cos_, llps = (a_[2] - c[2]) * pol_sin_;
    const double urpc = (b_[2] - c[2]) * pol_cos_, urps = (b_[2] - c[2]) * pol_sin_;
    // x/y in the azimuth-rotated frame for the four (x, y) corner choices.
    auto corner = [&](double xr, double y, double zc, double zs) {
      return Point{xr * pol_cos_ - zs + c[0], y + c[1], xr * pol_sin_ + zc + c[2]};
    };
    const double xll = llc[0] - lls[1], xhl = urc[0] - lls[1], xhh = urc[0] - urs[1], xlh = llc[0] - urs[1];
    const double yll = lls[0] + llc[1], yhl = urs[0] + llc[1], yhh = urs[0] + urc[1], ylh = lls[0] + urc[1];
    corners = {corner(xll, yll, llpc, llps), corner(xll, yll, urpc, urps), corner(xhl, yhl, llpc, llps),
               corner(xhl, yhl, urpc, urps), corner(xhh, yhh, urpc, urps), corner(xhh, yhh, llpc, llps),
               corner(xlh, ylh, urpc, urps), corner(xlh, ylh, llpc, llps)};
  }
  for (int i = 0; i < dim_; ++i) {
    bb_lo_[i] = bb_hi_[i] = corners[0][i];
    for (const Point& q : corners) {
      bb_lo_[i] = std::min(bb_lo_[i], q[i]);
      bb_hi_[i] = std::max(bb_hi_[i], q[i]);
    }
  }
}

bool Mask::corners_inside(const Point& lo, const Point& hi) const {
  if (kind_ == Kind::kBall) {
    // inside() of each corner, its tests written out (the tree asks this at every cell
    // a query visits): each axis, the diamond, the length as square against radius_sq_.
    double d[2][3];
    for (int i = 0; i < dim_; ++i) {
      d[0][i] = lo[i] - center_[i];
      d[1][i] = hi[i] - center_[i];
    }
    for (int c = 0; c < (1 << dim_); ++c) {
      double e[3];
      for (int i = 0; i < dim_; ++i) e[i] = d[(c >> i) & 1][i];
      if (!ball_holds(e, dim_, radius_, radius_sq_)) return false;
    }
    return true;
  }
  for (int c = 0; c < (1 << dim_); ++c) {
    Point q{};
    for (int i = 0; i < dim_; ++i) q[i] = (c >> i) & 1 ? hi[i] : lo[i];
    if (!inside(q)) return false;
  }
  return true;
}

bool Mask::box_inside(const Point& lo, const Point& hi) const {
  switch (kind_) {
    case Kind::kBox:
      return inside(lo) && inside(hi);  // NEST tests two corners only, rotated or not
    case Kind::kBall:
    case Kind::kEllipse:
      return corners_inside(lo, hi);
    case Kind::kAnd:
      return m1_->box_inside(lo, hi) && m2_->box_inside(lo, hi);
    case Kind::kOr:
      return m1_->box_inside(lo, hi) || m2_->box_inside(lo, hi);
    case Kind::kMinus:
      return m1_->box_inside(lo, hi) && m2_->box_outside(lo, hi);
    case Kind::kConverse:
      return m1_->box_inside(Point{-hi[0], -hi[1], -hi[2]}, Point{-lo[0], -lo[1], -lo[2]});
    case Kind::kGrid:  // grid masks become boxes on their layer before any query (for_layer)
      return false;
    case Kind::kAnchored: {
      Point l = lo, h = hi;
      for (int i = 0; i < dim_; ++i) {
        l[i] -= center_[i];
        h[i] -= center_[i];
      }
      return m1_->box_inside(l, h);
    }
  }
  return false;
}

bool Mask::box_outside(const Point& lo, const Point& hi) const {
  switch (kind_) {
    case Kind::kBox:
    case Kind::kEllipse:
      for (int i = 0; i < dim_; ++i)
        if (hi[i] < bb_lo_[i] || lo[i] > bb_hi_[i]) return true;
      return false;
    case Kind::kBall:
      for (int i = 0; i < dim_; ++i)
        if (hi[i] < center_[i] - radius_ || lo[i] > center_[i] + radius_) return true;
      return false;
    case Kind::kAnd:
      return m1_->box_outside(lo, hi) || m2_->box_outside(lo, hi);
    case Kind::kOr:
      return m1_->box_outside(lo, hi) && m2_->box_outside(lo, hi);
    case Kind::kMinus:
      return m1_->box_outside(lo, hi) || m2_->box_inside(lo, hi);
    case Kind::kConverse:
      return m1_->box_outside(Point{-hi[0], -hi[1], -hi[2]}, Point{-lo[0], -lo[1], -lo[2]});
    case Kind::kGrid:  // grid masks become boxes on their layer before any query (for_layer)
      return false;
    case Kind::kAnchored: {
      Point l = lo, h = hi;
      for (int i = 0; i < dim_; ++i) {
        l[i] -= center_[i];
        h[i] -= center_[i];
      }
      return m1_->box_outside(l, h);
    }
  }
  return false;
}

std::optional<Mask::Plain> Mask::plain() const {
  const Mask* m = this;
  bool mirrored = false;
  while (m->kind_ == Kind::kConverse) {
    mirrored = !mirrored;
    m = m->m1_.get();
  }
  const bool ball = m->kind_ == Kind::kBall, box = m->kind_ == Kind::kBox && !m->rotated_;
  if (!ball && !box) return std::nullopt;
  return Plain{ball, mirrored, m->center_, m->a_, m->b_, m->radius_, m->radius_sq_, m->bb_lo_, m->bb_hi_};
}

std::shared_ptr<const Mask> Mask::combine(char op, std::shared_ptr<const Mask> a, std::shared_ptr<const Mask> b) {
  if (a->kind_ == Kind::kGrid || b->kind_ == Kind::kGrid) throw KernelException("Grid masks can not be combined.");
  if (a->dim_ != b->dim_)
    throw BadProperty("Masks must have same number of dimensions: " + a->desc_ + " is " + std::to_string(a->dim_) +
                      "-D, " + b->desc_ + " is " + std::to_string(b->dim_) + "-D");
  auto m = std::make_shared<Mask>();
  m->dim_ = a->dim_;
  m->kind_ = op == '&' ? Kind::kAnd : op == '|' ? Kind::kOr : Kind::kMinus;
  m->desc_ = "(" + a->desc_ + " " + op + " " + b->desc_ + ")";
  const auto [alo, ahi] = a->bbox();
  const auto [blo, bhi] = b->bbox();
  for (int i = 0; i < m->dim_; ++i) {
    m->bb_lo_[i] = op == '&' ? std::max(alo[i], blo[i]) : op == '|' ? std::min(alo[i], blo[i]) : alo[i];
    m->bb_hi_[i] = op == '&' ? std::min(ahi[i], bhi[i]) : op == '|' ? std::max(ahi[i], bhi[i]) : ahi[i];
  }
  m->m1_ = std::move(a);
  m->m2_ = std::move(b);
  return m;
}

std::shared_ptr<const Mask> Mask::anchored(std::shared_ptr<const Mask> inner, const std::vector<double>& anchor) {
  if (inner->kind_ == Kind::kGrid) {
    // NEST's GridMask::set_anchor: the anchor cell becomes the origin.
    if (static_cast<int>(anchor.size()) != inner->dim_)
      throw BadProperty("Mask must be " + std::to_string(anchor.size()) + "-dimensional grid mask.");
    auto m = std::make_shared<Mask>(*inner);
    for (int i = 0; i < m->dim_; ++i) {
      if (std::floor(anchor[i]) != anchor[i])
        throw BadProperty("the anchor of a grid mask is a grid cell (integers), got " + std::to_string(anchor[i]));
      m->b_[i] = inner->b_[i] - inner->a_[i] - anchor[i];
      m->a_[i] = -anchor[i];
    }
    return m;
  }
  if (static_cast<int>(anchor.size()) != inner->dim_)
    throw BadProperty("mask anchor has " + std::to_string(anchor.size()) + " entries, the mask is " +
                      std::to_string(inner->dim_) + "-dimensional");
  auto m = std::make_shared<Mask>();
  m->dim_ = inner->dim_;
  m->kind_ = Kind::kAnchored;
  m->desc_ = inner->desc_;
  const auto [lo, hi] = inner->bbox();
  for (int i = 0; i < m->dim_; ++i) {
    if (!std::isfinite(anchor[i])) throw BadProperty("mask anchor must be finite");
    m->center_[i] = anchor[i];
    m->bb_lo_[i] = lo[i] + anchor[i];
    m->bb_hi_[i] = hi[i] + anchor[i];
  }
  m->m1_ = std::move(inner);
  return m;
}

std::shared_ptr<const Mask> Mask::converse(std::shared_ptr<const Mask> inner) {
  if (inner->kind_ == Kind::kGrid) throw KernelException("Grid mask must be applied to a grid layer.");
  auto m = std::make_shared<Mask>();
  m->dim_ = inner->dim_;
  m->kind_ = Kind::kConverse;
  m->desc_ = inner->desc_;
  const auto [lo, hi] = inner->bbox();
  for (int i = 0; i < m->dim_; ++i) {
    m->bb_lo_[i] = -hi[i];
    m->bb_hi_[i] = -lo[i];
  }
  m->m1_ = std::move(inner);
  return m;
}

std::pair<Point, Point> Mask::bbox() const {
  if (kind_ == Kind::kGrid) throw KernelException("Grid mask must be applied to a grid layer.");
  return {bb_lo_, bb_hi_};
}

bool Mask::inside_rect(const Point& p) const {
  if (!rotated_) {
    for (int i = 0; i < dim_; ++i)
      if (!(a_[i] <= p[i])) return false;
    for (int i = 0; i < dim_; ++i)
      if (!(p[i] <= b_[i])) return false;
    return true;
  }
  // The point rotated back into the box's frame, term by term as NEST computes it.
  Point q{};
  const Point& c = center_;
  if (dim_ == 2) {
    q[0] = p[0] * az_cos_ - c[0] * az_cos_ + p[1] * az_sin_ - c[1] * az_sin_ + c[0];
    q[1] = -p[0] * az_sin_ + c[0] * az_sin_ + p[1] * az_cos_ - c[1] * az_cos_ + c[1];
  } else {
    const double cx_ac = c[0] * az_cos_, cx_as = c[0] * az_sin_, cy_ac = c[1] * az_cos_, cy_as = c[1] * az_sin_;
    q[0] = p[0] * (az_cos_ * pol_cos_) - cx_ac * pol_cos_ + p[1] * (az_sin_ * pol_cos_) - cy_as * pol_cos_ -
           p[2] * pol_sin_ + c[2] * pol_sin_ + c[0];
    q[1] = -p[0] * az_sin_ + cx_as + p[1] * az_cos_ - cy_ac + c[1];
    q[2] = p[0] * (az_cos_ * pol_sin_) - cx_ac * pol_sin_ + p[1] * (az_sin_ * pol_sin_) - cy_as * pol_sin_ +
           p[2] * pol_cos_ - c[2] * pol_cos_ + c[2];
  }
  for (int i = 0; i < dim_; ++i)
    if (!(a_[i] - kBoxEps <= q[i])) return false;
  for (int i = 0; i < dim_; ++i)
    if (!(q[i] <= b_[i] + kBoxEps)) return false;
  return true;
}

bool Mask::inside_ellipse(const Point& p) const {
  const double dx = p[0] - center_[0], dy = p[1] - center_[1];
  if (dim_ == 2) {
    const double x = dx * az_cos_ + dy * az_sin_;
    const double y = dx * az_sin_ - dy * az_cos_;
    return std::pow(x, 2) * x_scale_ + std::pow(y, 2) * y_scale_ <= 1;
  }
  const double dz = p[2] - center_[2];
  const double x = (dx * az_cos_ + dy * az_sin_) * pol_cos_ - dz * pol_sin_;
  const double y = dx * az_sin_ - dy * az_cos_;
  const double z = (dx * az_cos_ + dy * az_sin_) * pol_sin_ + dz * pol_cos_;
  return std::pow(x, 2) * x_scale_ + std::pow(y, 2) * y_scale_ + std::pow(z, 2) * z_scale_ <= 1;
}

bool Mask::inside(const Point& p0) const {
  if (kind_ == Kind::kGrid) throw KernelException("Grid mask must be applied to a grid layer.");
  // Mirrors and shifts are applied to the point, then the inner mask tested
  // (a loop instead of recursion: this is the innermost test of every query).
  const Mask* m = this;
  Point p = p0;
  while (true) {
    if (m->kind_ == Kind::kConverse) {
      for (int i = 0; i < dim_; ++i) p[i] = -p[i];
    } else if (m->kind_ == Kind::kAnchored) {
      for (int i = 0; i < dim_; ++i) p[i] -= m->center_[i];
    } else {
      break;
    }
    m = m->m1_.get();
  }
  switch (m->kind_) {
    case Kind::kBox:
      return m->inside_rect(p);
    case Kind::kBall: {
      // Cheap tests first (each axis, then the inscribed diamond), as NEST.
      double sum = 0;
      for (int i = 0; i < dim_; ++i) {
        const double di = std::abs(p[i] - m->center_[i]);
        if (di > m->radius_) return false;
        sum += di;
      }
      if (sum <= m->radius_) return true;
      Point d{};
      for (int i = 0; i < dim_; ++i) d[i] = p[i] - m->center_[i];
      return length(d, dim_) <= m->radius_;
    }
    case Kind::kEllipse:
      return m->inside_ellipse(p);
    case Kind::kAnd:
      return m->m1_->inside(p) && m->m2_->inside(p);
    case Kind::kOr:
      return m->m1_->inside(p) || m->m2_->inside(p);
    case Kind::kMinus:
      return m->m1_->inside(p) && !m->m2_->inside(p);
    default:
      return false;
  }
}

namespace {

// The mirrors (converse) and shifts (anchored) between a mask and the ball or box
// inside it, in the order inside() applies them.
struct Steps {
  static constexpr int kMax = 4;
  int count = 0;
  bool negate[kMax] = {};
  Point shift[kMax] = {};
};

typedef double V4 __attribute__((vector_size(32)));
typedef long long M4 __attribute__((vector_size(32)));
typedef double V4u __attribute__((vector_size(32), aligned(8), may_alias));  // four unaligned doubles

// inside() for a ball (its three tests: each axis, the inscribed diamond, the length,
// the last as a comparison of the square with square_limit(radius))
// or an upright box, in one pass per point: the displacement from the anchor, the
// steps, the test, all evaluated and combined without a branch per point, four points
// at a time (two SSE2 or one AVX2 register per axis). The same operations as inside().
template <int D, bool kBall>
[[gnu::always_inline]] inline std::size_t test_lanes(const Point& anchor, const double* const xs[3], std::size_t n,
                                                     const Steps& st, const Point& c, double r, double r_sq,
                                                     const Point& lo, const Point& hi, uint32_t* idx) {
  std::size_t m = 0, count = 0;
  for (; m + 4 <= n; m += 4) {
    V4 d[D];
    for (int i = 0; i < D; ++i) {
      d[i] = *reinterpret_cast<const V4u*>(xs[i] + m) - anchor[i];
      for (int s = 0; s < st.count; ++s) d[i] = st.negate[s] ? -d[i] : d[i] - st.shift[s][i];
    }
    M4 in;
    if constexpr (kBall) {
      M4 out{};
      V4 sum{}, sq{};
      for (int i = 0; i < D; ++i) {
        const V4 e = d[i] - c[i];
        const V4 ae = reinterpret_cast<V4>(reinterpret_cast<M4>(e) & 0x7fffffffffffffffLL);  // |e|
        out |= ae > r;
        sum += ae;
        sq += e * e;
      }
      in = ~out & ((sum <= r) | (sq <= r_sq));
    } else {
      in = ~M4{};
      for (int i = 0; i < D; ++i) in &= (lo[i] <= d[i]) & (d[i] <= hi[i]);
    }
    for (int l = 0; l < 4; ++l) {  // appended without a branch: the verdicts are unpredictable
      idx[count] = static_cast<uint32_t>(m + l);
      count += static_cast<std::size_t>(in[l] & 1);
    }
  }
  for (; m < n; ++m) {
    double d[D];
    for (int i = 0; i < D; ++i) {
      d[i] = xs[i][m] - anchor[i];
      for (int s = 0; s < st.count; ++s) d[i] = st.negate[s] ? -d[i] : d[i] - st.shift[s][i];
    }
    int in = 1;
    if constexpr (kBall) {
      double e[D];
      for (int i = 0; i < D; ++i) e[i] = d[i] - c[i];
      in = ball_holds(e, D, r, r_sq);
    } else {
      for (int i = 0; i < D; ++i) in &= (lo[i] <= d[i]) & (d[i] <= hi[i]);
    }
    idx[count] = static_cast<uint32_t>(m);
    count += static_cast<std::size_t>(in);
  }
  return count;
}

template <int D, bool kBall>
std::size_t test_batch(const Point& anchor, const double* const xs[3], std::size_t n, const Steps& st, const Point& c,
                       double r, double r_sq, const Point& lo, const Point& hi, uint32_t* idx) {
  return test_lanes<D, kBall>(anchor, xs, n, st, c, r, r_sq, lo, hi, idx);
}
template <int D, bool kBall>
NESTKIT_TARGET_AVX2 std::size_t test_batch_avx2(const Point& anchor, const double* const xs[3], std::size_t n,
                                                const Steps& st, const Point& c, double r, double r_sq, const Point& lo,
                                                const Point& hi, uint32_t* idx) {
  return test_lanes<D, kBall>(anchor, xs, n, st, c, r, r_sq, lo, hi, idx);
}

}  // namespace

std::size_t Mask::inside_batch(const Point& anchor, const double* const xs[3], std::size_t n, uint32_t* idx) const {
  if (kind_ == Kind::kGrid) throw KernelException("Grid mask must be applied to a grid layer.");
  Steps st;
  const Mask* mk = this;
  while ((mk->kind_ == Kind::kConverse || mk->kind_ == Kind::kAnchored) && st.count < Steps::kMax) {
    st.negate[st.count] = mk->kind_ == Kind::kConverse;
    st.shift[st.count] = mk->center_;
    ++st.count;
    mk = mk->m1_.get();
  }
  const bool ball = mk->kind_ == Kind::kBall, box = mk->kind_ == Kind::kBox && !mk->rotated_;
  if (ball || box) {
    using Fn = std::size_t (*)(const Point&, const double* const*, std::size_t, const Steps&, const Point&, double,
                               double, const Point&, const Point&, uint32_t*);
    // [avx2][3-D][ball]
    static constexpr Fn kFns[2][2][2] = {
        {{test_batch<2, false>, test_batch<2, true>}, {test_batch<3, false>, test_batch<3, true>}},
        {{test_batch_avx2<2, false>, test_batch_avx2<2, true>}, {test_batch_avx2<3, false>, test_batch_avx2<3, true>}}};
    return kFns[use_avx2()][dim_ == 3][ball](anchor, xs, n, st, mk->center_, mk->radius_, mk->radius_sq_, mk->a_,
                                             mk->b_, idx);
  }
  std::size_t count = 0;
  for (std::size_t m = 0; m < n; ++m) {
    Point d{};
    for (int i = 0; i < dim_; ++i) d[i] = xs[i][m] - anchor[i];
    idx[count] = static_cast<uint32_t>(m);
    count += inside(d);
  }
  return count;
}

}  // namespace nestkit::spatial
