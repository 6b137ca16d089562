#pragma once
// The first uniform() of many short streams at once: for node-and-step streams
// (a draw per node and step, as the escape-noise neurons make), one Philox block
// each, eight per AVX2 iteration, with exactly the values of
// RandomStream(seed, purpose, ids[j], b).uniform().
#include <cstddef>
#include <cstdint>

#include "nestkit/rng.hpp"

namespace nestkit {

void first_uniforms(uint32_t seed, Purpose purpose, const uint32_t* ids, uint64_t b, std::size_t n, double* out);

}  // namespace nestkit
