#pragma once
// Synapses stored by source in compressed form. A source's row is a list of
// segments, one per Connect call that gave it outgoing synapses and per block of
// targets that one thread delivers to (a population's thread block); within a
// segment the targets are ascending and delay, receptor port and synapse model are
// shared. A synapse model's further columns (parameters and state, e.g. Kplus or
// u, x) form a record: kept once for the whole segment while all its synapses hold
// the same values (state driven by the source alone), else once per synapse.
// Weight and delay are stored once per segment when the call gave one value for
// all (the common case), else once per synapse. A static synapse therefore costs
// 4 bytes (the 32-bit target id) plus, only where needed, 8 bytes of weight and
// 2 bytes of delay; segment headers are amortised over the row. Where every
// segment's targets lie within 65,536 ids of its smallest one (a segment serves one
// population block of one thread, so any network whose blocks are that small), the
// targets are kept as 16-bit offsets from that smallest id instead: 2 bytes each.
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace nestkit {

// An allocator whose value-less construction leaves numbers uninitialised: the store's
// columns are sized first and then written in full, and zero-filling gigabytes first
// would make every page resident (and cost a pass) before the data arrives.
template <typename T>
struct NoInitAllocator : std::allocator<T> {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = NoInitAllocator<U>;
  };
  NoInitAllocator() noexcept = default;
  template <typename U>
  NoInitAllocator(const NoInitAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
template <typename T>
using StoreColumn = std::vector<T, NoInitAllocator<T>>;

class Communicator;

struct Segment {
  uint64_t begin = 0;  // first synapse: index into targets
  // Position of the first synapse in the source's whole row, over all processes: the
  // key of per-target random draws and device state, so that they do not depend on
  // which process stores the synapse (the local row is a subset when distributed).
  uint64_t pos = 0;
  uint64_t each = 0;  // first per-synapse weight/delay, when stored per synapse
  uint32_t count = 0;
  uint32_t source = 0;
  uint64_t rec = 0;     // the record(s): one shared, or one per synapse (kRecEach)
  uint32_t pop = 0;     // index of the population all targets belong to
  uint32_t base = 0;    // smallest target: narrow targets are offsets from it
  double weight = 0.0;  // shared weight, unless kWeightEach
  uint16_t delay = 1;   // shared delay in steps, unless kDelayEach
  uint8_t receptor = 0;
  uint8_t synapse_model = 0;
  uint8_t flags = 0;
  uint8_t rec_size = 0;  // doubles per record
  uint8_t thread = 0;    // the thread that delivers to these targets
  static constexpr uint8_t kWeightEach = 1, kDelayEach = 2, kRecEach = 4;
  static constexpr uint8_t kFillWeight = 8;  // inside finalize only: weights written at its end
  bool rec_each() const { return flags & kRecEach; }
  bool weight_each() const { return flags & kWeightEach; }
  bool delay_each() const { return flags & kDelayEach; }
};

// The synapses one Connect call made, grouped by "owner": the target for rules that
// draw per target, the source for fixed_outdegree. Partners are the other ends.
struct StagedCall {
  bool target_major = true;
  std::vector<uint32_t> owners;
  std::vector<uint64_t> offsets;  // size owners+1, into partners
  std::vector<uint32_t> partners;
  std::vector<double> weights;   // per synapse (generation order) or empty = shared
  bool weight_each = false;      // store one weight per synapse even when all start equal (plastic models)
  std::vector<uint16_t> delays;  // per synapse or empty = shared
  double weight = 1.0;
  uint16_t delay = 1;
  uint8_t receptor = 0;
  std::vector<uint8_t> receptors;  // per synapse (a port drawn per connection) or empty; commit() splits by port
  uint8_t synapse_model = 0;
  uint8_t rec_size = 0;
  std::vector<double> record;   // the shared record (rec_size values)
  std::vector<double> records;  // or one record per synapse, in generation order
  // Per synapse, its index among its owner's synapses as the rule drew them, when the
  // call holds only some of them (a distributed run keeps the local targets of a rule
  // that draws per source); empty: the index within the owner here. Keys per-synapse
  // random values, so that they do not depend on which process makes the synapse.
  std::vector<uint32_t> slots;
  // Rank of the call (and port part) among all staged calls, the same on every process:
  // a distributed finalize matches the processes' parts of one call by it.
  uint64_t order = 0;
  // The smallest and largest source where Connect's checks found them (a superset's
  // bounds stay valid); {1, 0}: not known, commit scans the sources.
  std::pair<uint32_t, uint32_t> source_bounds{1, 0};
  std::size_t size() const { return partners.size(); }
};

// Where targets are delivered from: ascending first ids of blocks of nodes, each
// within one population and delivered by one thread.
struct DeliveryBlocks {
  std::vector<uint32_t> first;
  std::vector<uint32_t> pop;
  std::vector<uint8_t> thread;  // kRemote: another process owns these targets (not stored here)
  // 0: split over the processes; every process holds these targets whole: 1 (devices),
  // 2 (recorders: a process keeps only its own sources' synapses to them, as NEST does).
  std::vector<uint8_t> replicated;
  static constexpr uint8_t kRemote = 255;
};

class ConnectionStore {
 public:
  void stage(StagedCall&& call);
  // Merges staged calls into the rows and splits segments at block boundaries, so
  // that each segment targets one population and is delivered by one thread.
  // Invalidates synapse indices.
  void finalize(uint32_t max_gid, const DeliveryBlocks& blocks, int threads = 1);
  bool has_staged() const { return !staged_.empty(); }
  // The next call's order (see StagedCall::order); parts of a call add their port.
  uint64_t next_order() { return ++orders_ * 256; }
  void clear() { *this = ConnectionStore{}; }

  std::size_t size() const { return stored() + staged_count_; }
  // Segments of `source` (finalized rows only): [first, last) into segments().
  std::pair<uint32_t, uint32_t> row(uint32_t source) const {
    if (source + 1 >= row_offsets_.size()) return {0, 0};
    return {row_offsets_[source], row_offsets_[source + 1]};
  }
  uint64_t row_begin(uint32_t source) const;  // index of the row's first synapse
  // Length of `source`'s whole row over all processes (positions 0..n-1).
  uint64_t row_extent(uint32_t source) const { return source < extent_.size() ? extent_[source] : 0; }
  const std::vector<Segment>& segments() const { return segments_; }
  // Delivery walks the rows of a slice's spikes in a known order, each row at a random
  // place in the store and mostly short: fetching the rows a few spikes ahead overlaps
  // their misses with the present spike's work. First a row's segment headers, later
  // (once those have arrived) the beginning of the columns the thread's segments read.
  void prefetch_row_headers(uint32_t source) const {
    if (source + 1 >= row_offsets_.size()) return;
    const uint32_t a = row_offsets_[source], b = row_offsets_[source + 1];
    for (uint32_t j = a; j < b; ++j) __builtin_prefetch(&segments_[j]);
  }
  void prefetch_row_columns(uint32_t source, uint8_t thread) const;
  // Segment s's targets as global ids: the stored ones, or those decoded into `buffer`
  // when the store keeps 16-bit offsets (the pointer is valid until `buffer` changes).
  const uint32_t* targets(const Segment& s, std::vector<uint32_t>& buffer) const;
  // Writes segment s's targets as global ids to out[0, s.count).
  void copy_targets(const Segment& s, uint32_t* out) const;
  uint32_t target(const Segment& s, uint64_t syn) const { return narrow_mode_ ? s.base + narrow_[syn] : targets_[syn]; }
  // True while targets are kept as 16-bit offsets (2 bytes per synapse instead of 4).
  bool narrow() const { return narrow_mode_; }
  const double* weights(const Segment& s) const { return weights_.data() + s.each; }
  const uint16_t* delays(const Segment& s) const { return delays_.data() + s.each; }
  double* weights_mut(const Segment& s) { return weights_.data() + s.each; }
  double* record(const Segment& s) { return records_.data() + s.rec; }
  // Record of synapse `syn` (its own, or its segment's shared one).
  const double* record_of(uint64_t syn) const;
  // Sets column `col` of synapse `syn`'s record; a shared record becomes one per synapse first.
  void set_record_value(uint64_t syn, int col, double v);
  // Connections of one synapse model (staged ones included).
  std::size_t count_of_model(uint8_t model) const;
  // Removes the synapses at these (finalized) indices. Invalidates synapse indices.
  void remove(std::vector<uint64_t> synapses);
  // A plastic model's segments keep one weight per synapse.
  void make_weights_each(Segment& s) { make_each(s); }

  // Synapse-level access by global index (for GetConnections and set).
  const Segment& segment_of(uint64_t syn) const;
  uint32_t target(uint64_t syn) const { return target(segment_of(syn), syn); }
  double weight(uint64_t syn) const;
  uint16_t delay(uint64_t syn) const;
  // The same, for a synapse of segment `s` already looked up (s == segment_of(syn)).
  double weight(const Segment& s, uint64_t syn) const {
    return s.weight_each() ? weights_[s.each + (syn - s.begin)] : s.weight;
  }
  uint16_t delay(const Segment& s, uint64_t syn) const {
    return s.delay_each() ? delays_[s.each + (syn - s.begin)] : s.delay;
  }
  const double* record_of(const Segment& s, uint64_t syn) const {
    return records_.data() + s.rec + (s.rec_each() ? (syn - s.begin) * s.rec_size : 0);
  }
  void set_weight(uint64_t syn, double w);
  void set_delay(uint64_t syn, uint16_t d);
  uint64_t generation() const { return generation_; }
  std::size_t memory_bytes() const;

 private:
  Segment& segment_of_mut(uint64_t syn);
  std::size_t stored() const { return narrow_mode_ ? narrow_.size() : targets_.size(); }
  void make_each(Segment& s);  // per-synapse storage for a segment about to diverge

  void drop_remote(const std::vector<uint8_t>& keep);
  // Keeps targets as 16-bit offsets from each segment's smallest when all fit; widen()
  // returns to 32-bit ids (the mutating passes work on those).
  void narrow_if_possible(int threads = 1);
  void widen();
  // A new segment's part in a distributed finalize: its index, its staged call, its place
  // among this process's synapses of that call, source and population.
  struct NewPart {
    std::size_t seg;
    uint32_t call;
    uint32_t offset;
    bool replicated;
  };
  void place_distributed(std::vector<Segment>& segs, const std::vector<NewPart>& parts,
                         const std::vector<uint64_t>& orders,
                         Communicator& comm);  // keeps the segments marked 1 (after finalize's split)

  std::vector<uint32_t> row_offsets_;  // by source gid, into segments_
  std::vector<uint64_t> extent_;       // by source gid: whole-row length (see Segment::pos)
  std::vector<Segment> segments_;
  StoreColumn<uint32_t> targets_;  // 32-bit target ids, unless narrow_mode_
  StoreColumn<uint16_t> narrow_;   // narrow_mode_: targets as offsets from their segment's base
  bool narrow_mode_ = false;
  StoreColumn<double> weights_;   // per-synapse weights of kWeightEach segments (and room for delays' twins)
  StoreColumn<uint16_t> delays_;  // per-synapse delays, parallel to weights_
  std::vector<double> records_;   // records of all segments
  std::vector<StagedCall> staged_;
  std::size_t staged_count_ = 0;
  std::size_t blocks_seen_ = 0;
  uint64_t generation_ = 0;
  uint64_t orders_ = 0;
};

}  // namespace nestkit
