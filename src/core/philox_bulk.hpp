#pragma once
// Many consecutive Philox4x32-10 blocks at once: the same numbers as
// Philox4x32::generate, computed for a group of counters in lock-step so that the
// compiler keeps them in vector registers. Consumers that read long runs of a
// stream (Poisson counts per target, per-connection values) use it instead of
// one block at a time.
#include <array>
#include <cstddef>
#include <cstdint>

namespace nestkit {

// out[4 * j + w] = word w of Philox4x32::generate(ctr with word 0 = ctr[0] + j, key),
// for j < n (word 0 wraps modulo 2^32 as a 32-bit counter does).
void philox_blocks(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key, std::size_t n, uint32_t* out);

}  // namespace nestkit
