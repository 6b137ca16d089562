// The position tree and the masked candidate query (see position_tree.hpp).
#include "spatial/position_tree.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nestkit::spatial {

PositionTree::PositionTree(const Layer& layer, uint32_t first, const NodeCollection& nodes, const Point& ll,
                           const Point& extent, bool periodic)
    : dim_(layer.dim()), periodic_(periodic) {
  cells_.push_back(Cell{ll, extent, 0, {}, -1});
  pos_.reserve(nodes.size());
  gid_.reserve(nodes.size());
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    Point p = layer.position(nodes[k] - first);
    if (periodic_)
      for (int i = 0; i < dim_; ++i) {
        p[i] = ll[i] + std::fmod(p[i] - ll[i], extent[i]);
        if (p[i] < ll[i]) p[i] += extent[i];
      }
    pos_.push_back(p);
    gid_.push_back(nodes[k]);
    insert(0, static_cast<uint32_t>(k));
  }
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

void PositionTree::insert(int c, uint32_t k) {
  while (true) {
    if (cells_[c].child0 < 0 && cells_[c].items.size() >= kCapacity && cells_[c].depth < kMaxDepth) split(c);
    if (cells_[c].child0 < 0) {
      cells_[c].items.push_back(k);
      return;
    }
    c = cells_[c].child0 + subcell(cells_[c], pos_[k]);
  }
}

void PositionTree::split(int c) {
  const int n = 1 << dim_;
  const int child0 = static_cast<int>(cells_.size());
  for (int j = 0; j < n; ++j) {
    Cell ch{cells_[c].ll, {}, cells_[c].depth + 1, {}, -1};
    for (int i = 0; i < dim_; ++i) {
      if (j & (1 << i)) ch.ll[i] += cells_[c].ext[i] * 0.5;
      ch.ext[i] = cells_[c].ext[i] * 0.5;
    }
    cells_.push_back(ch);
  }
  cells_[c].child0 = child0;
  std::vector<uint32_t> items;
  items.swap(cells_[c].items);
  for (uint32_t k : items) insert(child0 + subcell(cells_[c], pos_[k]), k);
}

// Leaves' points into contiguous arrays. Items were appended in ascending k (the
// constructor inserts in order and a split keeps the order), so each leaf's run ascends.
void PositionTree::flatten() {
  leaf_k_.reserve(pos_.size());
  for (int i = 0; i < dim_; ++i) leaf_x_[i].reserve(pos_.size());
  for (Cell& c : cells_) {
    if (c.child0 >= 0) continue;
    c.begin = static_cast<uint32_t>(leaf_k_.size());
    for (uint32_t k : c.items) {
      leaf_k_.push_back(k);
      for (int i = 0; i < dim_; ++i) leaf_x_[i].push_back(pos_[k][i]);
    }
    c.end = static_cast<uint32_t>(leaf_k_.size());
    std::vector<uint32_t>().swap(c.items);
  }
}

void PositionTree::query(const Mask& mask, const Point& anchor, std::vector<uint32_t>& out,
                         std::vector<std::size_t>& runs) const {
  bool first_leaf = true;
  // A cell wider than the mask's bounding box (with a margin far above rounding) is
  // never wholly inside it, so box_inside, whose answer would be false, is not asked.
  Query q{mask, anchor, {}, out, runs};
  const auto [lo, hi] = mask.bbox();
  for (int i = 0; i < 3; ++i) q.widest[i] = i < dim_ ? 1.01 * (hi[i] - lo[i]) + 1e-300 : 0.0;
  visit(0, q, false, first_leaf);
}

void PositionTree::visit(int c, Query& q, bool all_in, bool& first_leaf) const {
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
    if (c == 0 && mask.box_outside(lo, hi)) return;
    if (may_be_inside && mask.box_inside(lo, hi))
      all_in = true;
    else if (c != 0 && mask.box_outside(lo, hi))
      return;
  }
  if (cell.child0 >= 0) {
    for (int j = 0; j < (1 << dim_); ++j) visit(cell.child0 + j, q, all_in, first_leaf);
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
// false (v unchanged) if the range is too wide for that to pay.
bool sort_by_bitmap(std::vector<uint32_t>& v) {
  const auto [lo_it, hi_it] = std::minmax_element(v.begin(), v.end());
  const uint32_t lo = *lo_it;
  const std::size_t words = (*hi_it - lo) / 64 + 1;
  if (words > v.size()) return false;
  thread_local std::vector<uint64_t> bits;
  bits.assign(words, 0);
  // Runs of neighbours share a word: gathered in a register, stored when the word changes
  // (a read-modify-write per value would chain through memory).
  std::size_t word = (v[0] - lo) >> 6;
  uint64_t acc = 0;
  for (uint32_t x : v) {
    const std::size_t w = (x - lo) >> 6;
    if (w != word) {
      bits[word] |= acc;
      acc = 0;
      word = w;
    }
    acc |= uint64_t{1} << ((x - lo) & 63);
  }
  bits[word] |= acc;
  std::size_t o = 0;
  for (std::size_t w = 0; w < words; ++w)
    for (uint64_t b = bits[w]; b != 0; b &= b - 1)
      v[o++] = lo + static_cast<uint32_t>(64 * w + static_cast<std::size_t>(__builtin_ctzll(b)));
  return true;
}

}  // namespace

void masked_candidates(const PositionTree& tree, const Mask& mask, const Point& anchor, std::vector<uint32_t>& out) {
  thread_local std::vector<std::size_t> runs;
  thread_local std::vector<uint32_t> buf;
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
  if (runs.size() <= 1) return;
  // With one anchor every point is reached at most once, so the values are distinct.
  if (count == 1 && sort_by_bitmap(out)) return;
  merge_runs(out, runs, buf);
}

}  // namespace nestkit::spatial
