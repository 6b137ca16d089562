#include "nestkit/connection_store.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "core/min_max.hpp"
#include "nestkit/communicator.hpp"

namespace nestkit {

namespace {
// A (source, count) group of one staged call, in ascending source order.
struct Group {
  uint32_t source;
  uint32_t count;
};

// Groups of a call by source. Dense counting for calls that are large relative
// to the network, a sort otherwise, so that many tiny calls stay cheap.
std::vector<Group> groups_of(const StagedCall& c, uint32_t max_gid) {
  std::vector<Group> out;
  if (!c.target_major) {
    for (std::size_t o = 0; o < c.owners.size(); ++o) {
      const uint64_t n = c.offsets[o + 1] - c.offsets[o];
      if (n) out.push_back({c.owners[o], static_cast<uint32_t>(n)});
    }
    return out;
  }
  if (c.partners.size() * 8 >= max_gid) {
    std::vector<uint32_t> count(static_cast<std::size_t>(max_gid) + 1, 0);
    for (uint32_t s : c.partners) ++count[s];
    for (uint32_t s = 0; s <= max_gid; ++s)
      if (count[s]) out.push_back({s, count[s]});
    return out;
  }
  std::vector<uint32_t> src(c.partners);
  std::sort(src.begin(), src.end());
  for (std::size_t k = 0; k < src.size();) {
    std::size_t e = k;
    while (e < src.size() && src[e] == src[k]) ++e;
    out.push_back({src[k], static_cast<uint32_t>(e - k)});
    k = e;
  }
  return out;
}
}  // namespace

// Positions of new synapses in a distributed run. Within a source's row, a call's
// synapses follow the rows' earlier ones, ordered by target id (one process orders
// them so), and a population's targets form one contiguous range of ids, cut into
// contiguous blocks by process. So a local synapse's position is: the row's length
// before the call, plus the call's synapses of this source to lower populations, plus
// those to the same population on lower ranks, plus its place among the local ones.
// The first two need the counts per (call, source, target population) of all
// processes, the third their sum over lower ranks: one MPI_Allreduce and one MPI_Exscan
// over a dense table of those counts (its length is the sources times the target
// populations of each call, so the memory stays a few bytes per node, whatever the
// number of processes). Replicated targets (devices, recorders) are held by every
// process: they are counted once and need no offset by rank. The calls' parts are
// matched across processes by their order, gathered first (a process may lack a port
// part of a call). The result is the positions one process gives, without any process
// holding the others' synapses.
void ConnectionStore::place_distributed(std::vector<Segment>& segs, const std::vector<NewPart>& parts,
                                        const std::vector<uint64_t>& mine, Communicator& comm) {
  // The calls, by order, over all processes.
  std::vector<uint64_t> keys;
  comm.allgather_u64(mine, keys);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<std::size_t> key_of(mine.size());
  for (std::size_t c = 0; c < mine.size(); ++c)
    key_of[c] = static_cast<std::size_t>(std::lower_bound(keys.begin(), keys.end(), mine[c]) - keys.begin());
  // Source and population ranges per call (minima as maxima of complements; 0: none).
  std::vector<uint64_t> range(4 * keys.size(), 0);
  for (const NewPart& np : parts) {
    const Segment& sg = segs[np.seg];
    uint64_t* r = range.data() + 4 * key_of[np.call];
    r[0] = std::max<uint64_t>(r[0], ~uint64_t{sg.source});
    r[1] = std::max<uint64_t>(r[1], sg.source);
    r[2] = std::max<uint64_t>(r[2], ~uint64_t{sg.pop});
    r[3] = std::max<uint64_t>(r[3], sg.pop);
  }
  comm.max_each(range);
  std::vector<uint64_t> base(keys.size() + 1, 0);
  for (std::size_t u = 0; u < keys.size(); ++u) {
    const uint64_t* r = range.data() + 4 * u;
    const uint64_t size = r[0] == 0 ? 0 : (r[1] - ~r[0] + 1) * (r[3] - ~r[2] + 1);
    base[u + 1] = base[u] + size;
  }
  auto cell = [&](std::size_t u, uint32_t source, uint32_t pop) {
    const uint64_t* r = range.data() + 4 * u;
    return base[u] + (source - ~r[0]) * (r[3] - ~r[2] + 1) + (pop - ~r[2]);
  };
  std::vector<uint64_t> local(base.back(), 0), below, start;
  const bool first_rank = comm.rank() == 0;
  for (const NewPart& np : parts)
    if (!np.replicated || first_rank)
      local[cell(key_of[np.call], segs[np.seg].source, segs[np.seg].pop)] += segs[np.seg].count;
  comm.scan_sum(local, below, start);
  std::vector<uint64_t>().swap(local);
  // Totals become start positions, call after call, and the rows' lengths grow.
  for (std::size_t u = 0; u < keys.size(); ++u) {
    const uint64_t* r = range.data() + 4 * u;
    if (r[0] == 0) continue;
    const uint64_t np = r[3] - ~r[2] + 1;
    for (uint64_t s = ~r[0]; s <= r[1]; ++s) {
      uint64_t run = extent_[s];
      for (uint64_t *t = start.data() + base[u] + (s - ~r[0]) * np, *e = t + np; t < e; ++t) {
        const uint64_t n = *t;
        *t = run;
        run += n;
      }
      extent_[s] = run;
    }
  }
  for (const NewPart& np : parts) {
    Segment& sg = segs[np.seg];
    const uint64_t at = cell(key_of[np.call], sg.source, sg.pop);
    sg.pos = start[at] + (np.replicated ? 0 : below[at]) + np.offset;
  }
}

void ConnectionStore::stage(StagedCall&& call) {
  staged_count_ += call.size();
  staged_.push_back(std::move(call));
}

namespace {
// A target-major call large enough to scatter through a dense cursor per source.
bool dense_call(const StagedCall& call, uint32_t max_gid) {
  return call.partners.size() * 8 >= max_gid && call.records.empty();
}
// A plastic call whose weights all start equal and whose delay is shared: scattered
// without its weights, which are filled per segment once its staging is released.
bool weights_filled_later(const StagedCall& call, uint32_t max_gid) {
  return call.target_major && dense_call(call, max_gid) && call.weight_each && call.weights.empty() &&
         call.delays.empty();
}
}  // namespace

void ConnectionStore::finalize(uint32_t max_gid, const DeliveryBlocks& blocks, int threads) {
  const std::size_t rows = static_cast<std::size_t>(max_gid) + 1;
  if (staged_.empty() && row_offsets_.size() == rows + 1 && blocks.first.size() == blocks_seen_) return;
  // Distributed, each process holds only its targets' synapses, and the positions of the
  // new ones in their sources' whole rows come from one collective (place_distributed).
  // Every process stages every call (an empty one where it has none of its synapses), so
  // all of them get here together.
  Communicator& comm = communicator();
  const bool distributed = comm.size() > 1;
  std::vector<uint64_t> orders(staged_.size());  // the calls' orders (staged_ is released below)
  for (std::size_t c = 0; c < staged_.size(); ++c) orders[c] = staged_[c].order;

  // Pass 1: the layout. Per source, its old segments, then one per staged call.
  std::vector<std::vector<Group>> groups(staged_.size());
  std::vector<uint32_t> seg_count(rows + 1, 0);
  for (uint32_t s = 0; s + 1 < row_offsets_.size() && s < rows; ++s)
    seg_count[s + 1] = row_offsets_[s + 1] - row_offsets_[s];
  for (std::size_t c = 0; c < staged_.size(); ++c) {
    groups[c] = groups_of(staged_[c], max_gid);
    for (const Group& g : groups[c]) ++seg_count[g.source + 1];
  }
  std::vector<uint32_t> new_offsets(seg_count);
  std::partial_sum(new_offsets.begin(), new_offsets.end(), new_offsets.begin());
  std::vector<Segment> segs(new_offsets.back());
  extent_.resize(rows, 0);
  std::vector<uint32_t> fill(new_offsets.begin(), new_offsets.end() - 1);
  for (uint32_t s = 0; s + 1 < row_offsets_.size() && s < rows; ++s)
    for (uint32_t k = row_offsets_[s]; k < row_offsets_[s + 1]; ++k) segs[fill[s]++] = segments_[k];
  // Segment index of (call, group) in call order.
  std::vector<std::vector<uint32_t>> seg_of(staged_.size());
  std::vector<int32_t> seg_call(segs.size(), -1);  // distributed: the staged call of a new segment
  for (std::size_t c = 0; c < staged_.size(); ++c) {
    const StagedCall& call = staged_[c];
    seg_of[c].reserve(groups[c].size());
    for (const Group& g : groups[c]) {
      const uint32_t idx = fill[g.source]++;
      Segment& sg = segs[idx];
      sg = Segment{};
      sg.source = g.source;
      sg.count = g.count;
      if (!distributed) {
        sg.pos = extent_[g.source];
        extent_[g.source] += g.count;
      }
      seg_call[idx] = static_cast<int32_t>(c);
      sg.weight = call.weight;
      sg.delay = call.delay;
      sg.receptor = call.receptor;
      sg.synapse_model = call.synapse_model;
      sg.rec_size = call.rec_size;
      sg.flags = (call.weights.empty() && !call.weight_each ? 0 : Segment::kWeightEach) |
                 (call.delays.empty() ? 0 : Segment::kDelayEach) | (call.records.empty() ? 0 : Segment::kRecEach);
      seg_of[c].push_back(idx);
    }
  }
  // Synapse offsets in row order; per-synapse storage after the old one.
  uint64_t pos = 0, each = 0;
  for (Segment& sg : segs) {
    sg.begin = pos;
    pos += sg.count;
  }
  for (Segment& sg : segs) {
    if (!(sg.weight_each() || sg.delay_each())) continue;
    sg.each = each;
    each += sg.count;
  }
  // Records: old segments keep theirs (copied below), new ones get a shared record or one per synapse.
  uint64_t rec_total = 0;
  std::vector<uint64_t> old_rec(segs.size(), ~uint64_t{0});
  {
    std::size_t k = 0;
    for (uint32_t s = 0; s + 1 < row_offsets_.size() && s < rows; ++s)
      for (uint32_t j = row_offsets_[s]; j < row_offsets_[s + 1]; ++j, ++k) {
        const Segment& old = segments_[j];
        old_rec[new_offsets[s] + (j - row_offsets_[s])] = old.rec;
      }
  }
  for (Segment& sg : segs) {
    sg.rec = rec_total;
    rec_total += static_cast<uint64_t>(sg.rec_size) * (sg.rec_each() ? sg.count : 1);
  }
  std::vector<double> records(rec_total);
  for (std::size_t j = 0; j < segs.size(); ++j) {
    const Segment& sg = segs[j];
    if (old_rec[j] == ~uint64_t{0} || !sg.rec_size) continue;
    const uint64_t n = static_cast<uint64_t>(sg.rec_size) * (sg.rec_each() ? sg.count : 1);
    std::copy_n(records_.begin() + old_rec[j], n, records.begin() + sg.rec);
  }
  for (std::size_t c = 0; c < staged_.size(); ++c)
    for (std::size_t g = 0; g < groups[c].size(); ++g) {
      const Segment& sg = segs[seg_of[c][g]];
      if (sg.rec_size && !sg.rec_each())
        std::copy(staged_[c].record.begin(), staged_[c].record.end(), records.begin() + sg.rec);
    }

  // Pass 2: fill. Old segments copy over; staged calls scatter by source.
  StoreColumn<uint32_t> targets(pos);  // every place is written below
  StoreColumn<double> weights(each);
  StoreColumn<uint16_t> delays(each);
  {
    std::size_t k = 0;
    for (uint32_t s = 0; s + 1 < row_offsets_.size() && s < rows; ++s) {
      for (uint32_t j = row_offsets_[s]; j < row_offsets_[s + 1]; ++j, ++k) {
        const Segment& old = segments_[j];
        const Segment& nw = segs[new_offsets[s] + (j - row_offsets_[s])];
        copy_targets(old, targets.data() + nw.begin);
        if (old.weight_each() || old.delay_each()) {
          std::copy_n(weights_.begin() + old.each, old.count, weights.begin() + nw.each);
          std::copy_n(delays_.begin() + old.each, old.count, delays.begin() + nw.each);
        }
      }
    }
  }
  StoreColumn<uint32_t>().swap(targets_);  // copied above; freed before the new synapses arrive
  StoreColumn<uint16_t>().swap(narrow_);
  narrow_mode_ = false;
  // Calls are placed in the order of their first source, and each is released once
  // placed: the store's pages then become resident about as fast as staging memory is
  // freed (rows are laid out by source), which keeps the peak near one copy of the
  // synapses instead of two.
  std::vector<std::pair<uint32_t, std::size_t>> call_order(staged_.size());
  for (std::size_t c = 0; c < staged_.size(); ++c) {
    const StagedCall& call = staged_[c];
    uint32_t first = std::numeric_limits<uint32_t>::max();
    if (!call.target_major)
      first = call.owners.empty() ? first : min_max(call.owners.data(), call.owners.size()).first;
    else if (!call.partners.empty())
      first = min_max(call.partners.data(), call.partners.size()).first;
    call_order[c] = {first, c};
  }
  std::stable_sort(call_order.begin(), call_order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [first_source, c] : call_order) {
    const StagedCall& call = staged_[c];
    const auto& gs = groups[c];
    std::vector<uint64_t> cursor(gs.size());
    for (std::size_t g = 0; g < gs.size(); ++g) cursor[g] = 0;
    auto place = [&](std::size_t g, uint32_t target, uint64_t k) {
      Segment& sg = segs[seg_of[c][g]];
      const uint64_t at = cursor[g]++;
      targets[sg.begin + at] = target;
      // Only the column a segment reads is written: the other's pages stay untouched
      // (never resident) unless make_each fills them later.
      if (sg.weight_each()) weights[sg.each + at] = call.weights.empty() ? call.weight : call.weights[k];
      if (sg.delay_each()) delays[sg.each + at] = call.delays.empty() ? call.delay : call.delays[k];
      if (sg.rec_each())
        std::copy_n(call.records.begin() + k * call.rec_size, call.rec_size,
                    records.begin() + sg.rec + at * call.rec_size);
    };
    if (!call.target_major) {
      // Source-major: each owner's synapses fill one segment in order. Owners are
      // independent (a cursor each), so large calls fill in parallel.
      std::vector<std::size_t> group(call.owners.size());
      for (std::size_t o = 0, g = 0; o < call.owners.size(); ++o) {
        group[o] = g;
        if (call.offsets[o + 1] > call.offsets[o]) ++g;
      }
      const int nt = call.partners.size() >= (1u << 20) ? std::max(1, threads) : 1;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 256)
      for (std::size_t o = 0; o < call.owners.size(); ++o)
        for (uint64_t k = call.offsets[o]; k < call.offsets[o + 1]; ++k) place(group[o], call.partners[k], k);
    } else {
      // Write cursors by source: dense for large calls (no segment lookups in the
      // hot loop), a binary search over the groups otherwise.
      const bool dense = dense_call(call, max_gid);
      // Per-synapse weights or delays given by the call; a plastic call's weights all
      // start equal and are written after its staging is released (below), so that their
      // pages become resident only then.
      const bool weight_each = (!call.weights.empty() || call.weight_each) && !weights_filled_later(call, max_gid);
      const bool delay_each = !call.delays.empty();
      const bool each = weight_each || delay_each;
      std::vector<uint64_t> at(dense ? rows : 0), each_at(dense && each ? rows : 0);
      if (dense) {
        for (std::size_t g = 0; g < gs.size(); ++g) {
          const Segment& sg = segs[seg_of[c][g]];
          at[gs[g].source] = sg.begin;
          if (each) each_at[gs[g].source] = sg.each;
        }
      }
      // Large calls scatter in parallel: each thread places the synapses of its
      // own range of sources, so no two threads write the same place.
      const int nt = dense ? std::max(1, threads) : 1;
#pragma omp parallel for num_threads(nt) schedule(static, 1)
      for (int b = 0; b < nt; ++b) {
        const uint64_t s_lo = rows * b / nt, s_hi = rows * (b + 1) / nt;
        for (std::size_t o = 0; o < call.owners.size(); ++o) {
          const uint32_t owner = call.owners[o];
          for (uint64_t k = call.offsets[o]; k < call.offsets[o + 1]; ++k) {
            const uint32_t s = call.partners[k];
            if (s < s_lo || s >= s_hi) continue;
            if (dense) {
              targets[at[s]++] = owner;
              if (each) {
                const uint64_t e = each_at[s]++;
                if (weight_each) weights[e] = call.weights.empty() ? call.weight : call.weights[k];
                if (delay_each) delays[e] = call.delays[k];
              }
            } else {
              const std::size_t g = static_cast<std::size_t>(
                  std::lower_bound(gs.begin(), gs.end(), s, [](const Group& x, uint32_t v) { return x.source < v; }) -
                  gs.begin());
              place(g, owner, k);
            }
          }
        }
      }
    }
    if (weights_filled_later(call, max_gid))
      for (uint32_t idx : seg_of[c]) segs[idx].flags |= Segment::kFillWeight;
    staged_[c] = StagedCall{};  // release staging memory as soon as possible
  }
  // Targets ascending within each segment (delivery binary-searches them).
  std::vector<uint32_t> perm;
  for (Segment& sg : segs) {
    uint32_t* t = targets.data() + sg.begin;
    if (std::is_sorted(t, t + sg.count)) continue;
    perm.resize(sg.count);
    std::iota(perm.begin(), perm.end(), 0u);
    std::stable_sort(perm.begin(), perm.end(), [&](uint32_t a, uint32_t b) { return t[a] < t[b]; });
    std::vector<uint32_t> tt(sg.count);
    for (uint32_t j = 0; j < sg.count; ++j) tt[j] = t[perm[j]];
    std::copy(tt.begin(), tt.end(), t);
    if (sg.rec_each()) {
      const std::size_t rs = sg.rec_size;
      std::vector<double> rr(sg.count * rs);
      for (uint32_t j = 0; j < sg.count; ++j)
        std::copy_n(records.begin() + sg.rec + perm[j] * rs, rs, rr.begin() + j * rs);
      std::copy(rr.begin(), rr.end(), records.begin() + sg.rec);
    }
    if (sg.weight_each() && !(sg.flags & Segment::kFillWeight)) {
      std::vector<double> ww(sg.count);
      for (uint32_t j = 0; j < sg.count; ++j) ww[j] = weights[sg.each + perm[j]];
      std::copy(ww.begin(), ww.end(), weights.begin() + sg.each);
    }
    if (sg.delay_each()) {
      std::vector<uint16_t> dd(sg.count);
      for (uint32_t j = 0; j < sg.count; ++j) dd[j] = delays[sg.each + perm[j]];
      std::copy(dd.begin(), dd.end(), delays.begin() + sg.each);
    }
  }
  // One delivery block per segment: one population, one delivering thread. A shared
  // record is copied into each part, since each thread advances its own copy.
  std::vector<Segment> split;
  split.reserve(segs.size());
  bool any_remote = false;
  std::vector<uint32_t> per_row(rows + 1, 0);
  const auto& bf = blocks.first;
  std::vector<NewPart> parts;  // distributed: the parts of new segments, placed below
  for (std::size_t j = 0; j < segs.size(); ++j) {
    const Segment& sg = segs[j];
    const uint32_t* t = targets.data() + sg.begin;
    uint32_t k = 0, pop_first = 0;
    while (k < sg.count) {
      const std::size_t p = static_cast<std::size_t>(std::upper_bound(bf.begin(), bf.end(), t[k]) - bf.begin()) - 1;
      const uint32_t next = p + 1 < bf.size() ? bf[p + 1] : std::numeric_limits<uint32_t>::max();
      const uint32_t r = static_cast<uint32_t>(std::lower_bound(t + k, t + sg.count, next) - t);
      Segment part = sg;
      part.begin = sg.begin + k;
      part.pos = sg.pos + k;
      part.each = sg.each + k;
      part.count = r - k;
      part.pop = blocks.pop[p];
      part.thread = blocks.thread[p];
      if (distributed && seg_call[j] >= 0) {
        if (k == 0 || blocks.pop[p] != split.back().pop) pop_first = k;
        // Held by every process: synapses to devices, and to recorders from devices.
        const uint8_t rep = blocks.replicated.empty() ? 0 : blocks.replicated[p];
        bool everywhere = rep == 1;
        if (rep == 2) {
          const std::size_t ps =
              static_cast<std::size_t>(std::upper_bound(bf.begin(), bf.end(), sg.source) - bf.begin()) - 1;
          everywhere = blocks.replicated[ps] != 0;
        }
        parts.push_back({split.size(), static_cast<uint32_t>(seg_call[j]), k - pop_first, everywhere});
      }
      if (sg.rec_each()) {
        part.rec = sg.rec + static_cast<uint64_t>(k) * sg.rec_size;
      } else if (sg.rec_size && k > 0) {
        part.rec = records.size();
        // A copy first: inserting a vector's own range into it is undefined behaviour.
        const std::vector<double> shared(records.begin() + sg.rec, records.begin() + sg.rec + sg.rec_size);
        records.insert(records.end(), shared.begin(), shared.end());
      }
      split.push_back(part);
      ++per_row[sg.source + 1];
      any_remote |= part.thread == DeliveryBlocks::kRemote;
      k = r;
    }
  }
  std::partial_sum(per_row.begin(), per_row.end(), per_row.begin());
  if (distributed) place_distributed(split, parts, orders, comm);
  segs.swap(split);
  new_offsets.swap(per_row);
  blocks_seen_ = bf.size();
  records_.swap(records);
  row_offsets_.swap(new_offsets);
  segments_.swap(segs);
  targets_.swap(targets);
  weights_.swap(weights);
  delays_.swap(delays);
  staged_.clear();
  staged_.shrink_to_fit();
  staged_count_ = 0;
  ++generation_;
  if (any_remote) {
    std::vector<uint8_t> keep(segments_.size());
    for (std::size_t j = 0; j < segments_.size(); ++j) keep[j] = segments_[j].thread != DeliveryBlocks::kRemote;
    drop_remote(keep);
  }
  narrow_if_possible(threads);
  // Weights that all start equal (a plastic call's) are written last, once the wide
  // targets are freed, so that their pages become resident only then.
  for (Segment& sg : segments_) {
    if (!(sg.flags & Segment::kFillWeight)) continue;
    std::fill_n(weights_.begin() + sg.each, sg.count, sg.weight);
    sg.flags &= ~Segment::kFillWeight;
  }
}

void ConnectionStore::copy_targets(const Segment& s, uint32_t* out) const {
  if (!narrow_mode_) {
    std::copy_n(targets_.data() + s.begin, s.count, out);
    return;
  }
  // Locals and restrict: `out` could otherwise alias the segment, which would reload its
  // fields per element and keep the loop scalar (it runs once per delivered segment).
  const uint32_t base = s.base, n = s.count;
  const uint16_t* __restrict in = narrow_.data() + s.begin;
  uint32_t* __restrict o = out;
  for (uint32_t k = 0; k < n; ++k) o[k] = base + in[k];
}

const uint32_t* ConnectionStore::targets(const Segment& s, std::vector<uint32_t>& buffer) const {
  if (!narrow_mode_) return targets_.data() + s.begin;
  if (buffer.size() < s.count) buffer.resize(s.count);
  copy_targets(s, buffer.data());
  return buffer.data();
}

void ConnectionStore::prefetch_row_columns(uint32_t source, uint8_t thread) const {
  // A long segment's stream is followed by the hardware prefetcher once it is under way:
  // only its first lines are fetched here.
  static constexpr std::size_t kLine = 64, kMaxBytes = 16 * kLine;
  auto fetch = [](const void* p, std::size_t bytes) {
    const char* c = static_cast<const char*>(p);
    for (std::size_t off = 0; off < std::min(bytes, kMaxBytes); off += kLine) __builtin_prefetch(c + off);
  };
  const auto [a, b] = row(source);
  for (uint32_t j = a; j < b; ++j) {
    const Segment& sg = segments_[j];
    if (sg.thread != thread) continue;
    if (narrow_mode_)
      fetch(narrow_.data() + sg.begin, sg.count * sizeof(uint16_t));
    else
      fetch(targets_.data() + sg.begin, sg.count * sizeof(uint32_t));
    if (sg.weight_each()) fetch(weights_.data() + sg.each, sg.count * sizeof(double));
  }
}

void ConnectionStore::narrow_if_possible(int threads) {
  if (narrow_mode_ || targets_.empty()) return;
  // Large stores are narrowed by all threads, a range of segments each.
  const long n = static_cast<long>(segments_.size());
  const int nt = targets_.size() >= (1u << 20) ? std::max(1, threads) : 1;
  int fits = 1;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 64) reduction(&& : fits)
  for (long j = 0; j < n; ++j) {
    Segment& sg = segments_[j];
    if (!sg.count) continue;
    const auto [lo, hi] = min_max(targets_.data() + sg.begin, sg.count);
    fits = fits && hi - lo <= std::numeric_limits<uint16_t>::max();
    sg.base = lo;
  }
  if (!fits) return;
  StoreColumn<uint16_t> narrow(targets_.size());
#pragma omp parallel for num_threads(nt) schedule(dynamic, 64)
  for (long j = 0; j < n; ++j) {
    const Segment& sg = segments_[j];
    const uint32_t* in = targets_.data() + sg.begin;
    uint16_t* out = narrow.data() + sg.begin;
    for (uint32_t k = 0; k < sg.count; ++k) out[k] = static_cast<uint16_t>(in[k] - sg.base);
  }
  StoreColumn<uint32_t>().swap(targets_);
  narrow_.swap(narrow);
  narrow_mode_ = true;
}

void ConnectionStore::widen() {
  if (!narrow_mode_) return;
  StoreColumn<uint32_t> wide(narrow_.size());
  for (const Segment& sg : segments_) copy_targets(sg, wide.data() + sg.begin);
  StoreColumn<uint16_t>().swap(narrow_);
  narrow_mode_ = false;
  targets_.swap(wide);
}

uint64_t ConnectionStore::row_begin(uint32_t source) const {
  const auto [a, b] = row(source);
  return a < b ? segments_[a].begin : 0;
}

const Segment& ConnectionStore::segment_of(uint64_t syn) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), syn,
                             [](uint64_t v, const Segment& s) { return v < s.begin; });
  return *(it - 1);
}

Segment& ConnectionStore::segment_of_mut(uint64_t syn) { return const_cast<Segment&>(segment_of(syn)); }

double ConnectionStore::weight(uint64_t syn) const { return weight(segment_of(syn), syn); }

uint16_t ConnectionStore::delay(uint64_t syn) const { return delay(segment_of(syn), syn); }

void ConnectionStore::make_each(Segment& s) {
  if (s.weight_each() && s.delay_each()) return;
  if (!(s.weight_each() || s.delay_each())) {
    s.each = weights_.size();
    weights_.resize(weights_.size() + s.count, s.weight);
    delays_.resize(delays_.size() + s.count, s.delay);
  } else if (!s.weight_each()) {
    std::fill_n(weights_.begin() + s.each, s.count, s.weight);
  } else {
    std::fill_n(delays_.begin() + s.each, s.count, s.delay);
  }
  s.flags = Segment::kWeightEach | Segment::kDelayEach;
}

void ConnectionStore::set_weight(uint64_t syn, double w) {
  Segment& s = segment_of_mut(syn);
  make_each(s);
  weights_[s.each + (syn - s.begin)] = w;
}

void ConnectionStore::set_delay(uint64_t syn, uint16_t d) {
  Segment& s = segment_of_mut(syn);
  make_each(s);
  delays_[s.each + (syn - s.begin)] = d;
}

std::size_t ConnectionStore::count_of_model(uint8_t model) const {
  std::size_t n = 0;
  for (const Segment& s : segments_)
    if (s.synapse_model == model) n += s.count;
  for (const StagedCall& c : staged_)
    if (c.synapse_model == model) n += c.size();
  return n;
}

void ConnectionStore::remove(std::vector<uint64_t> synapses) {
  std::sort(synapses.begin(), synapses.end());
  synapses.erase(std::unique(synapses.begin(), synapses.end()), synapses.end());
  if (synapses.empty() && communicator().size() == 1) return;
  widen();
  std::vector<uint32_t> offsets(row_offsets_.size(), 0);
  std::vector<double> records;
  StoreColumn<uint32_t> targets;
  StoreColumn<double> weights;
  StoreColumn<uint16_t> delays;
  std::vector<Segment> segs;
  // Distributed, a process holds only part of each row: the positions close up over the
  // synapses removed anywhere. Every process sends the (source, position) of the synapses
  // it removes (one MPI_Allgatherv, as long as the removal), and a kept segment moves down
  // by the number of its row's removed positions below it; a segment's synapses stay
  // contiguous, since the removed ones inside it are this process's.
  Communicator& comm = communicator();
  const bool distributed = comm.size() > 1;
  std::vector<uint64_t> removed;     // (source, position) pairs
  std::vector<uint64_t> first_kept;  // distributed: old position of each kept segment's first synapse
  auto gone = synapses.begin();
  for (std::size_t row = 0; row + 1 < row_offsets_.size(); ++row) {
    // Positions close up over the removed synapses (a single process holds whole rows).
    uint64_t row_pos = 0;
    for (uint32_t j = row_offsets_[row]; j < row_offsets_[row + 1]; ++j) {
      const Segment& old = segments_[j];
      Segment sg = old;
      sg.begin = targets.size();
      sg.each = weights.size();
      sg.rec = records.size();
      sg.count = 0;
      uint64_t first = ~uint64_t{0};
      for (uint32_t k = 0; k < old.count; ++k) {
        const uint64_t syn = old.begin + k;
        if (gone != synapses.end() && *gone == syn) {
          ++gone;
          if (distributed) {
            removed.push_back(row);
            removed.push_back(old.pos + k);
          }
          continue;
        }
        if (first == ~uint64_t{0}) first = old.pos + k;
        targets.push_back(targets_[syn]);
        if (old.weight_each() || old.delay_each()) {
          weights.push_back(weights_[old.each + k]);
          delays.push_back(delays_[old.each + k]);
        }
        if (old.rec_each())
          records.insert(records.end(), records_.begin() + old.rec + k * old.rec_size,
                         records_.begin() + old.rec + (k + 1) * old.rec_size);
        ++sg.count;
      }
      if (sg.count == 0) continue;
      sg.pos = row_pos;
      row_pos += sg.count;
      if (distributed) first_kept.push_back(first);
      if (!old.rec_each() && old.rec_size)
        records.insert(records.end(), records_.begin() + old.rec, records_.begin() + old.rec + old.rec_size);
      segs.push_back(sg);
      ++offsets[row + 1];
    }
  }
  std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
  if (distributed) {
    std::vector<uint64_t> all;
    comm.allgather_u64(removed, all);
    std::vector<std::pair<uint64_t, uint64_t>> by_row;  // (source, position), sorted
    by_row.reserve(all.size() / 2);
    for (std::size_t k = 0; k + 1 < all.size(); k += 2) by_row.emplace_back(all[k], all[k + 1]);
    std::sort(by_row.begin(), by_row.end());
    for (std::size_t j = 0; j < segs.size(); ++j) {
      const std::pair<uint64_t, uint64_t> at{segs[j].source, first_kept[j]};
      const auto lo = std::lower_bound(by_row.begin(), by_row.end(), std::pair<uint64_t, uint64_t>{segs[j].source, 0});
      segs[j].pos = first_kept[j] - static_cast<uint64_t>(std::lower_bound(lo, by_row.end(), at) - lo);
    }
    for (const auto& [source, pos] : by_row) --extent_[source];
  } else {
    for (std::size_t row = 0; row < extent_.size(); ++row) {
      const uint32_t a = row + 1 < offsets.size() ? offsets[row] : 0,
                     b = row + 1 < offsets.size() ? offsets[row + 1] : 0;
      extent_[row] = a < b ? segs[b - 1].pos + segs[b - 1].count : 0;
    }
  }
  row_offsets_.swap(offsets);
  segments_.swap(segs);
  targets_.swap(targets);
  weights_.swap(weights);
  delays_.swap(delays);
  records_.swap(records);
  ++generation_;
  narrow_if_possible();
}

void ConnectionStore::drop_remote(const std::vector<uint8_t>& keep) {
  // Copies the kept segments' synapses into fresh arrays (their positions stay).
  std::vector<uint32_t> offsets(row_offsets_.size(), 0);
  std::vector<double> records;
  StoreColumn<uint32_t> targets;
  StoreColumn<double> weights;
  StoreColumn<uint16_t> delays;
  std::vector<Segment> segs;
  for (std::size_t row = 0; row + 1 < row_offsets_.size(); ++row) {
    for (uint32_t j = row_offsets_[row]; j < row_offsets_[row + 1]; ++j) {
      if (!keep[j]) continue;
      const Segment& old = segments_[j];
      Segment sg = old;
      sg.begin = targets.size();
      sg.each = weights.size();
      sg.rec = records.size();
      targets.insert(targets.end(), targets_.begin() + old.begin, targets_.begin() + old.begin + old.count);
      if (old.weight_each() || old.delay_each()) {
        weights.insert(weights.end(), weights_.begin() + old.each, weights_.begin() + old.each + old.count);
        delays.insert(delays.end(), delays_.begin() + old.each, delays_.begin() + old.each + old.count);
      }
      const uint64_t nrec = static_cast<uint64_t>(old.rec_size) * (old.rec_each() ? old.count : 1);
      records.insert(records.end(), records_.begin() + old.rec, records_.begin() + old.rec + nrec);
      segs.push_back(sg);
      ++offsets[row + 1];
    }
  }
  std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
  row_offsets_.swap(offsets);
  segments_.swap(segs);
  targets_.swap(targets);
  weights_.swap(weights);
  delays_.swap(delays);
  records_.swap(records);
}

const double* ConnectionStore::record_of(uint64_t syn) const { return record_of(segment_of(syn), syn); }

void ConnectionStore::set_record_value(uint64_t syn, int col, double v) {
  Segment& s = segment_of_mut(syn);
  if (!s.rec_each()) {
    // Diverging from the shared record: give every synapse of the segment its own copy.
    const uint64_t at = records_.size();
    const std::vector<double> shared(records_.begin() + s.rec, records_.begin() + s.rec + s.rec_size);
    records_.reserve(records_.size() + static_cast<std::size_t>(s.count) * s.rec_size);
    for (uint32_t k = 0; k < s.count; ++k) records_.insert(records_.end(), shared.begin(), shared.end());
    s.rec = at;
    s.flags |= Segment::kRecEach;
  }
  records_[s.rec + (syn - s.begin) * s.rec_size + col] = v;
}

std::size_t ConnectionStore::memory_bytes() const {
  return row_offsets_.capacity() * sizeof(uint32_t) + segments_.capacity() * sizeof(Segment) +
         targets_.capacity() * sizeof(uint32_t) + narrow_.capacity() * sizeof(uint16_t) +
         weights_.capacity() * sizeof(double) + delays_.capacity() * sizeof(uint16_t) +
         records_.capacity() * sizeof(double) + extent_.capacity() * sizeof(uint64_t);
}

}  // namespace nestkit
