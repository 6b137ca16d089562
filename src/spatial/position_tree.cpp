// The position tree and the masked candidate query (see position_tree.hpp).
#include "spatial/position_tree.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/cpu_features.hpp"
#include "spatial/plain_leaf.hpp"

namespace nestkit::spatial {

PositionTree::PositionTree(const Layer& layer, uint32_t first, const NodeCollection& nodes, const Point& ll,
                           const Point& extent, bool periodic)
    : dim_(layer.dim()), periodic_(periodic) {
  cells_.push_back(Cell{ll, extent, 0, -1});
  pos_.reserve(nodes.size());
  gid_.reserve(nodes.size());
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    Point p = layer.position(nodes[k] - first);
    if (periodic_)
      for (int i = 0; i < dim_; ++i) {
        // fmod of an offset already within [0, extent) is the offset itself (most are).
        const double d = p[i] - ll[i];
        p[i] = ll[i] + (d >= 0 && d < extent[i] ? d : std::fmod(d, extent[i]));
        if (p[i] < ll[i]) p[i] += extent[i];
      }
    pos_.push_back(p);
    for (int i = 0; i < dim_; ++i) scale_[i] = std::max(scale_[i], std::abs(p[i]));
    gid_.push_back(nodes[k]);
  }
  leaf_k_.resize(nodes.size());
  for (std::size_t k = 0; k < leaf_k_.size(); ++k) leaf_k_[k] = static_cast<uint32_t>(k);
  std::vector<uint32_t> scratch(leaf_k_.size());
  std::vector<uint8_t> sub(leaf_k_.size());
  build(0, 0, leaf_k_.size(), scratch, sub);
  flatten();
}

int PositionTree::subcell(const Cell& c, const Point& p) const {
  int r = 0;
  for (int i = 0; i < dim_; ++i) {
    const bool lower = ((c.ll[i] + c.ext[i] / 2) - p[i]) > -std::numeric_limits<double>::epsilon();
    r += (1 << i) * (lower ? 0 : 1);
  }
  return r;
}

void PositionTree::build(int c, std::size_t first, std::size_t n, std::vector<uint32_t>& scratch,
                         std::vector<uint8_t>& sub) {
  if (n <= kCapacity || cells_[c].depth >= kMaxDepth) {
    cells_[c].begin = static_cast<uint32_t>(first);
    cells_[c].end = static_cast<uint32_t>(first + n);
    return;
  }
  split(c);
  const Cell& cell = cells_[c];
  std::size_t count[8] = {};
  uint32_t* ks = leaf_k_.data() + first;
  for (std::size_t m = 0; m < n; ++m) {
    sub[m] = static_cast<uint8_t>(subcell(cell, pos_[ks[m]]));
    ++count[sub[m]];
  }
  std::size_t start[9] = {0};
  const int children = 1 << dim_;
  for (int j = 0; j < children; ++j) start[j + 1] = start[j] + count[j];
  std::size_t at[8];
  std::copy(start, start + 8, at);
  for (std::size_t m = 0; m < n; ++m) scratch[at[sub[m]]++] = ks[m];
  std::copy(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(n), ks);
  const int child0 = cell.child0;  // cells_ grows below: no reference held
  for (int j = 0; j < children; ++j) build(child0 + j, first + start[j], count[j], scratch, sub);
}

void PositionTree::split(int c) {
  const int n = 1 << dim_;
  const int child0 = static_cast<int>(cells_.size());
  for (int j = 0; j < n; ++j) {
    Cell ch{cells_[c].ll, {}, cells_[c].depth + 1, -1};
    for (int i = 0; i < dim_; ++i) {
      if (j & (1 << i)) ch.ll[i] += cells_[c].ext[i] * 0.5;
      ch.ext[i] = cells_[c].ext[i] * 0.5;
    }
    cells_.push_back(ch);
  }
  cells_[c].child0 = child0;
}

// The leaves' coordinates, per axis, in leaf_k_'s order; grid cells recognised.
void PositionTree::flatten() {
  for (int i = 0; i < dim_; ++i) {
    leaf_x_[i].resize(leaf_k_.size());
    for (std::size_t m = 0; m < leaf_k_.size(); ++m) leaf_x_[i][m] = pos_[leaf_k_[m]][i];
  }
  for (Cell& c : cells_)
    if (c.child0 < 0) c.rows = lattice_rows(c);
}

uint32_t PositionTree::lattice_rows(const Cell& c) const {
  const std::size_t n = c.end - c.begin;
  if (dim_ != 2 || n < 8) return 0;
  const double* x = leaf_x_[0].data() + c.begin;
  const double* y = leaf_x_[1].data() + c.begin;
  std::size_t rows = 1;
  while (rows < n && x[rows] == x[0]) ++rows;
  if (n % rows != 0) return 0;
  for (std::size_t m = 0; m < n; ++m)
    if (x[m] != x[m - m % rows] || y[m] != y[m % rows]) return 0;
  return static_cast<uint32_t>(rows);
}

namespace {

// The mask's own cell tests (any mask).
struct MaskTests {
  const Mask& mask;
  bool outside(const Point& lo, const Point& hi) const { return mask.box_outside(lo, hi); }
  bool inside(const Point& lo, const Point& hi) const { return mask.box_inside(lo, hi); }
};

// Mask::box_outside and Mask::box_inside of a Mask::Plain: the same comparisons,
// without the mask's dispatch, the copies of the box, or a branch per comparison (the
// answers at the cells a query visits are unpredictable).
template <int D>
struct PlainTests {
  Mask::Plain m;
  PlainShape shape = unmirrored(m);  // for the leaves' point tests
  // Axis i of the box as the base mask sees it: mirrored, [lo, hi] is [-hi, -lo].
  double low(const Point& lo, const Point& hi, int i) const { return m.mirrored ? -hi[i] : lo[i]; }
  double high(const Point& lo, const Point& hi, int i) const { return m.mirrored ? -lo[i] : hi[i]; }
  bool outside(const Point& lo, const Point& hi) const {
    bool out = false;
    for (int i = 0; i < D; ++i) {
      const double l = low(lo, hi, i), h = high(lo, hi, i);
      out |= m.ball ? (h < m.center[i] - m.radius) | (l > m.center[i] + m.radius) : (h < m.bb_lo[i]) | (l > m.bb_hi[i]);
    }
    return out;
  }
  bool inside(const Point& lo, const Point& hi) const {
    if (!m.ball) {  // both corners in the box
      bool in = true;
      for (int i = 0; i < D; ++i) {
        const double l = low(lo, hi, i), h = high(lo, hi, i);
        in &= (m.a[i] <= l) & (l <= m.b[i]) & (m.a[i] <= h) & (h <= m.b[i]);
      }
      return in;
    }
    // Every corner inside the ball: each axis, then the diamond or the square length.
    double d[2][D];
    for (int i = 0; i < D; ++i) {
      d[0][i] = low(lo, hi, i) - m.center[i];
      d[1][i] = high(lo, hi, i) - m.center[i];
    }
    bool in = true;
    for (int c = 0; c < (1 << D); ++c) {
      bool out = false;
      double sum = 0, sq = 0;
      for (int i = 0; i < D; ++i) {
        const double e = d[(c >> i) & 1][i], ae = std::abs(e);
        out |= ae > m.radius;
        sum += ae;
        sq += e * e;
      }
      in &= (!out) & ((sum <= m.radius) | (sq <= m.radius_sq));
    }
    return in;
  }
};

// The first and last of `count` values v[j * stride] within the shape's extent along
// `axis` around `anchor`, widened by a margin far above the rounding of the test's
// differences (`scale`: the largest |coordinate|); first > last if none.
struct Span {
  std::size_t first, last;
};
Span lattice_span(const double* v, std::size_t count, std::size_t stride, const PlainShape& s, const Point& anchor,
                  int axis, double scale) {
  const double lo = s.ball ? s.center[axis] - s.radius : s.a[axis];
  const double hi = s.ball ? s.center[axis] + s.radius : s.b[axis];
  const double margin = 1e-9 * (std::abs(anchor[axis]) + std::abs(lo) + std::abs(hi) + scale);
  const double from = anchor[axis] + lo - margin, to = anchor[axis] + hi + margin;
  Span sp{1, 0};
  std::size_t j = 0;
  while (j < count && !(v[j * stride] >= from && v[j * stride] <= to)) ++j;
  if (j == count) return sp;
  sp.first = j;
  j = count;
  while (!(v[(j - 1) * stride] >= from && v[(j - 1) * stride] <= to)) --j;
  sp.last = j - 1;
  return sp;
}

// The shape a leaf's points are tested against (Plain masks only).
template <class Tests>
const PlainShape& plain_shape(const Tests& tests) {
  if constexpr (std::is_same_v<Tests, MaskTests>) {
    static const PlainShape none;  // not reached: MaskTests leaves take Mask::inside_batch
    return none;
  } else {
    return tests.shape;
  }
}

}  // namespace

void PositionTree::query(const Mask& mask, const Point& anchor, std::vector<uint32_t>& out,
                         std::vector<std::size_t>& runs) const {
  bool first_leaf = true;
  // A cell wider than the mask's bounding box (with a margin far above rounding) is
  // never wholly inside it, so box_inside, whose answer would be false, is not asked.
  Query q{mask, anchor, {}, out, runs};
  const auto [lo, hi] = mask.bbox();
  for (int i = 0; i < 3; ++i) q.widest[i] = i < dim_ ? 1.01 * (hi[i] - lo[i]) + 1e-300 : 0.0;
  if (const std::optional<Mask::Plain> plain = use_avx2() ? mask.plain() : std::nullopt) {
    if (dim_ == 2)
      visit(0, q, PlainTests<2>{*plain}, false, first_leaf);
    else
      visit(0, q, PlainTests<3>{*plain}, false, first_leaf);
  } else {
    visit(0, q, MaskTests{mask}, false, first_leaf);
  }
}

template <class Tests>
void PositionTree::visit(int c, Query& q, const Tests& tests, bool all_in, bool& first_leaf) const {
  const Cell& cell = cells_[c];
  const Mask& mask = q.mask;
  const Point& anchor = q.anchor;
  std::vector<uint32_t>& out = q.out;
  if (!all_in) {
    Point lo{}, hi{};
    bool may_be_inside = true;
    for (int i = 0; i < dim_; ++i) {
      lo[i] = cell.ll[i] - anchor[i];
      hi[i] = lo[i] + cell.ext[i];
      may_be_inside &= cell.ext[i] <= q.widest[i];
    }
    // NEST tests "inside" before "outside" below the root, "outside" first at the root.
    if (c == 0 && tests.outside(lo, hi)) return;
    if (may_be_inside && tests.inside(lo, hi))
      all_in = true;
    else if (c != 0 && tests.outside(lo, hi))
      return;
  }
  if (cell.child0 >= 0) {
    for (int j = 0; j < (1 << dim_); ++j) visit(cell.child0 + j, q, tests, all_in, first_leaf);
    return;
  }
  const std::size_t n = cell.end - cell.begin;
  if (n == 0) {
    first_leaf = false;
    return;
  }
  q.runs.push_back(out.size());
  const uint32_t* k = leaf_k_.data() + cell.begin;
  if (all_in) {
    std::size_t m = 0;
    // The first node of the first leaf reached is always tested (NEST's iterator start).
    if (first_leaf) {
      Point d = pos_[k[0]];
      for (int i = 0; i < dim_; ++i) d[i] -= anchor[i];
      if (mask.inside(d)) out.push_back(k[0]);
      m = 1;
    }
    out.insert(out.end(), k + m, k + n);
  } else if (std::is_same_v<Tests, PlainTests<2>> || std::is_same_v<Tests, PlainTests<3>>) {
    const PlainShape& shape = plain_shape(tests);
    const double* xs[3] = {nullptr, nullptr, nullptr};
    for (int i = 0; i < dim_; ++i) xs[i] = leaf_x_[i].data() + cell.begin;
    // Tests the points [m0, m1) of the leaf, appending those inside.
    auto test = [&](std::size_t m0, std::size_t m1) {
      const double* part[3] = {xs[0] + m0, xs[1] + m0, xs[2] ? xs[2] + m0 : nullptr};
      const std::size_t base = out.size();
      out.resize(base + (m1 - m0) + 3);
      out.resize(base + plain_leaf_avx2(shape, dim_, anchor, part, k + m0, m1 - m0, out.data() + base));
    };
    if (cell.rows == 0) {
      test(0, n);
    } else {
      // Only the columns and rows within the shape's bounds (widened far beyond
      // rounding) can hold points inside it: the others are not tested.
      const std::size_t rows = cell.rows, cols = n / rows;
      const Span col = lattice_span(xs[0], cols, rows, shape, anchor, 0, scale_[0]);
      const Span row = lattice_span(xs[1], rows, 1, shape, anchor, 1, scale_[1]);
      if (col.first <= col.last && row.first <= row.last) {
        if (2 * (row.last - row.first + 1) > rows) {  // most rows: the columns in one run
          test(col.first * rows + row.first, col.last * rows + row.last + 1);
        } else {
          for (std::size_t j = col.first; j <= col.last; ++j) test(j * rows + row.first, j * rows + row.last + 1);
        }
      }
    }
  } else {
    const double* xs[3] = {nullptr, nullptr, nullptr};
    for (int i = 0; i < dim_; ++i) xs[i] = leaf_x_[i].data() + cell.begin;
    uint32_t in[kBatch];
    for (std::size_t m0 = 0; m0 < n; m0 += kBatch) {
      const std::size_t len = std::min(kBatch, n - m0);
      const double* part[3] = {xs[0] ? xs[0] + m0 : nullptr, xs[1] ? xs[1] + m0 : nullptr,
                               xs[2] ? xs[2] + m0 : nullptr};
      const std::size_t count = mask.inside_batch(anchor, part, len, in);
      const std::size_t base = out.size();
      out.resize(base + count);
      for (std::size_t a = 0; a < count; ++a) out[base + a] = k[m0 + in[a]];
    }
  }
  first_leaf = false;
}

namespace {

double mod_pos(double x, double p) {
  x = std::fmod(x, p);
  if (x < 0) x += p;
  return x;
}

// Sorts `v`, made of ascending runs starting at `runs`, by merging neighbouring runs
// (log2 of the number of runs passes instead of a full sort).
void merge_runs(std::vector<uint32_t>& v, std::vector<std::size_t>& runs, std::vector<uint32_t>& buf) {
  runs.push_back(v.size());
  std::vector<std::size_t> next;
  while (runs.size() > 2) {
    buf.resize(v.size());
    next.clear();
    std::size_t w = 0;
    for (; w + 2 < runs.size(); w += 2) {
      next.push_back(runs[w]);
      std::merge(v.begin() + runs[w], v.begin() + runs[w + 1], v.begin() + runs[w + 1], v.begin() + runs[w + 2],
                 buf.begin() + runs[w]);
    }
    if (w + 1 < runs.size()) {  // an odd run left: copied
      next.push_back(runs[w]);
      std::copy(v.begin() + runs[w], v.begin() + runs[w + 1], buf.begin() + runs[w]);
    }
    next.push_back(v.size());
    v.swap(buf);
    runs.swap(next);
  }
}

// Sorts distinct values that lie close together (as a mask's candidates in a grid or a
// sorted layer do) by marking them in a bitmap of their range and reading it back;
// false (v unchanged) if the range is too wide for that to pay. `runs`: the starts of
// v's ascending runs (their heads and tails give the range).
bool sort_by_bitmap(std::vector<uint32_t>& v, const std::vector<std::size_t>& runs) {
  if (v.empty()) return true;
  uint32_t lo = std::numeric_limits<uint32_t>::max(), hi = 0;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const std::size_t b = runs[r], e = r + 1 < runs.size() ? runs[r + 1] : v.size();
    if (b == e) continue;
    lo = std::min(lo, v[b]);
    hi = std::max(hi, v[e - 1]);
  }
  const std::size_t words = (hi - lo) / 64 + 1;
  if (words > v.size()) return false;
  // A second level marks the words in use, so the read skips the empty ones (most of
  // them: a mask's candidates in a column-major grid are short runs far apart).
  thread_local std::vector<uint64_t> bits, used;
  bits.assign(words, 0);
  used.assign(words / 64 + 1, 0);
  // Runs of neighbours share a word: gathered in a register, stored when the word changes
  // (a read-modify-write per value would chain through memory).
  std::size_t word = (v[0] - lo) >> 6;
  uint64_t acc = 0;
  auto flush = [&] {
    bits[word] |= acc;
    used[word >> 6] |= uint64_t{1} << (word & 63);
  };
  for (uint32_t x : v) {
    const std::size_t w = (x - lo) >> 6;
    if (w != word) {
      flush();
      acc = 0;
      word = w;
    }
    acc |= uint64_t{1} << ((x - lo) & 63);
  }
  flush();
  std::size_t o = 0;
  for (std::size_t u = 0; u < used.size(); ++u)
    for (uint64_t m = used[u]; m != 0; m &= m - 1) {
      const std::size_t w = 64 * u + static_cast<std::size_t>(__builtin_ctzll(m));
      const uint32_t base = lo + static_cast<uint32_t>(64 * w);
      for (uint64_t b = bits[w]; b != 0; b &= b - 1) v[o++] = base + static_cast<uint32_t>(__builtin_ctzll(b));
    }
  return true;
}

}  // namespace

namespace {

// The tree query at `anchor` and at its periodic images (ntree masked_iterator): the
// anchor is moved so the mask's lower corner lies in the tree's region, plus one image
// per wrapped dimension. Returns the number of anchors queried.
int query_images(const PositionTree& tree, const Mask& mask, const Point& anchor, std::vector<uint32_t>& out,
                 std::vector<std::size_t>& runs) {
  out.clear();
  runs.clear();
  const auto [blo, bhi] = mask.bbox();
  const int D = tree.dim();
  Point anchors[8];
  int count = 1;
  anchors[0] = anchor;
  if (tree.periodic()) {
    Point a = anchor;
    const Point& ll = tree.lower_left();
    const Point& ext = tree.extent();
    for (int i = 0; i < D; ++i) a[i] = mod_pos(a[i] + blo[i] - ll[i], ext[i]) - blo[i] + ll[i];
    anchors[0] = a;
    for (int i = 0; i < D; ++i) {
      if (a[i] + bhi[i] - ll[i] > ext[i]) {
        const int n = count;
        for (int j = 0; j < n; ++j) {
          Point q = anchors[j];
          q[i] -= ext[i];
          anchors[count++] = q;
        }
      }
    }
  }
  for (int j = 0; j < count; ++j) tree.query(mask, anchors[j], out, runs);
  return count;
}

}  // namespace

void masked_candidates(const PositionTree& tree, const Mask& mask, const Point& anchor, std::vector<uint32_t>& out) {
  thread_local std::vector<std::size_t> runs;
  thread_local std::vector<uint32_t> buf;
  const int count = query_images(tree, mask, anchor, out, runs);
  if (runs.size() <= 1) return;
  // With one anchor every point is reached at most once, so the values are distinct.
  if (count == 1 && sort_by_bitmap(out, runs)) return;
  merge_runs(out, runs, buf);
}

void masked_candidates_in_tree_order(const PositionTree& tree, const Mask& mask, const Point& anchor,
                                     std::vector<uint32_t>& out) {
  thread_local std::vector<std::size_t> runs;
  query_images(tree, mask, anchor, out, runs);
}

}  // namespace nestkit::spatial
