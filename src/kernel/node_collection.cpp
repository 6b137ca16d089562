#include "nestkit/node_collection.hpp"

#include <algorithm>
#include <numeric>

#include "nestkit/errors.hpp"

namespace nestkit {

NodeCollection::NodeCollection(std::vector<uint32_t> ids) : ids_(std::move(ids)) {
  for (std::size_t i = 1; i < ids_.size(); ++i)
    if (ids_[i] <= ids_[i - 1]) throw BadProperty("node ids of a NodeCollection must be unique and ascending");
  if (!ids_.empty() && ids_.front() == 0) throw UnknownNode("node id 0 does not exist; node ids start at 1");
}

NodeCollection NodeCollection::range(uint32_t first, std::size_t n) {
  NodeCollection c;
  c.ids_.resize(n);
  std::iota(c.ids_.begin(), c.ids_.end(), first);
  return c;
}

bool NodeCollection::contains(uint32_t gid) const { return std::binary_search(ids_.begin(), ids_.end(), gid); }

long NodeCollection::index_of(uint32_t gid) const {
  auto it = std::lower_bound(ids_.begin(), ids_.end(), gid);
  return (it != ids_.end() && *it == gid) ? static_cast<long>(it - ids_.begin()) : -1;
}

NodeCollection NodeCollection::slice(long start, long stop, long step) const {
  if (step <= 0) throw BadProperty("slicing step must be positive");
  NodeCollection c;
  for (long i = start; i < stop && i < static_cast<long>(ids_.size()); i += step) c.ids_.push_back(ids_[i]);
  return c;
}

NodeCollection NodeCollection::operator+(const NodeCollection& o) const {
  NodeCollection c;
  c.ids_.resize(ids_.size() + o.ids_.size());
  std::merge(ids_.begin(), ids_.end(), o.ids_.begin(), o.ids_.end(), c.ids_.begin());
  if (std::adjacent_find(c.ids_.begin(), c.ids_.end()) != c.ids_.end())
    throw BadProperty("cannot concatenate NodeCollections that share nodes");
  return c;
}

}  // namespace nestkit
