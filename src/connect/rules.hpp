#pragma once
// Connection rules: which (source, target) pairs a Connect call makes. Every
// random choice comes from a stream keyed by (seed, call, target or source), so
// the result does not depend on the number of threads.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nestkit/node_collection.hpp"
#include "nestkit/value.hpp"

namespace nestkit::rules {

struct Pair {
  uint32_t source, target;
  uint32_t stream;  // the entity whose stream drew this pair (target or source id)
};

// Throws BadProperty/UnknownParameter for invalid specs, before generating anything.
std::vector<Pair> generate(const std::string& rule, const Dict& params, const NodeCollection& pre,
                           const NodeCollection& post, uint32_t seed, uint32_t call);

const std::vector<std::string>& known_rules();

}  // namespace nestkit::rules
