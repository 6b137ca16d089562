#pragma once
// An ordered set of global node ids (ascending, unique), as NEST's NodeCollection.
#include <cstdint>
#include <vector>

namespace nestkit {

class NodeCollection {
 public:
  NodeCollection() = default;
  // `ids` must be ascending and unique; throws BadProperty otherwise.
  explicit NodeCollection(std::vector<uint32_t> ids);
  static NodeCollection range(uint32_t first, std::size_t n);

  std::size_t size() const { return ids_.size(); }
  bool empty() const { return ids_.empty(); }
  uint32_t operator[](std::size_t i) const { return ids_[i]; }
  const std::vector<uint32_t>& ids() const { return ids_; }
  bool contains(uint32_t gid) const;
  // Python-style slice with already-normalised bounds; step > 0.
  NodeCollection slice(long start, long stop, long step) const;
  // Union of two disjoint collections; throws BadProperty on overlap.
  NodeCollection operator+(const NodeCollection& other) const;
  bool operator==(const NodeCollection& o) const { return ids_ == o.ids_; }
  // Position of `gid`, or -1.
  long index_of(uint32_t gid) const;

 private:
  std::vector<uint32_t> ids_;
};

}  // namespace nestkit
