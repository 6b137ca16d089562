#pragma once
// Synapses stored by source in compressed-sparse-row form: per synapse only the
// target id (32 bit), the weight (64 bit), the delay in steps (16 bit), the
// receptor port and the synapse model index (8 bit each): 16 bytes. New
// connections are staged and merged into the rows before the next run.
#include <cstdint>
#include <vector>

namespace nestkit {

struct StagedSynapse {
  uint32_t source, target;
  double weight;
  uint16_t delay;
  uint8_t receptor, synapse_model;
};

class ConnectionStore {
 public:
  static constexpr std::size_t kBytesPerSynapse = 4 + 8 + 2 + 1 + 1;

  void stage(const std::vector<StagedSynapse>& batch);
  // Merges staged synapses into the rows; rows are sorted by target id.
  void finalize(uint32_t max_gid);
  bool has_staged() const { return !staged_.empty(); }
  void clear();

  std::size_t size() const { return target_.size() + staged_.size(); }
  // Range of synapse indices for `source` (finalized rows only).
  std::pair<uint64_t, uint64_t> row(uint32_t source) const {
    if (source + 1 >= offsets_.size()) return {0, 0};
    return {offsets_[source], offsets_[source + 1]};
  }
  uint32_t source_of(uint64_t syn) const;
  uint64_t generation() const { return generation_; }

  // Finalized synapse columns.
  std::vector<uint32_t> target_;
  std::vector<double> weight_;
  std::vector<uint16_t> delay_;
  std::vector<uint8_t> receptor_;
  std::vector<uint8_t> synapse_model_;

 private:
  std::vector<uint64_t> offsets_;  // by source gid, size max_gid + 2
  std::vector<StagedSynapse> staged_;
  uint64_t generation_ = 0;
};

}  // namespace nestkit
