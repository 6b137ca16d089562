#pragma once
// Connection rules: which (source, target) pairs a Connect call makes, written
// straight into the compact staged form. Every random choice comes from a stream
// keyed by (seed, call, owner), where the owner is the target (or the source for
// fixed_outdegree), so the result does not depend on the number of threads.
#include <cstdint>
#include <string>
#include <vector>

#include "nestkit/connection_store.hpp"
#include "nestkit/node_collection.hpp"
#include "nestkit/value.hpp"

namespace nestkit::rules {

// Fills owners/offsets/partners/target_major of `out`. Throws BadProperty or
// UnknownParameter for invalid specs before generating anything. With `local` (by node
// id, 1: this process updates the node), only synapses onto local targets are made:
// rules that draw per target skip the other targets' draws, rules that draw per source
// (fixed_outdegree, fixed_total_number) draw as always and drop the other targets at
// once, noting each kept synapse's index among its source's (StagedCall::slots).
void generate(const std::string& rule, const Dict& params, const NodeCollection& pre, const NodeCollection& post,
              uint32_t seed, uint32_t call, int threads, StagedCall& out, const std::vector<uint8_t>* local = nullptr);

const std::vector<std::string>& known_rules();

// Connections generated elsewhere (the spatial rules, src/spatial/): while set, the
// rule kPregenerated moves them into the Connect call, which then checks and stores
// them like any other rule's.
inline const char* const kPregenerated = "<pregenerated>";
StagedCall*& pregenerated();

}  // namespace nestkit::rules
