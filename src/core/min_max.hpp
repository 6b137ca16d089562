#pragma once
// The smallest and largest of an array of node ids: Connect asks it of every call
// and every target's row of sources (which populations they lie in), so it runs in
// AVX2 lanes where chosen (the baseline x86-64 has no unsigned 32-bit min/max).
#include <cstddef>
#include <cstdint>
#include <utility>

namespace nestkit {

// {min, max} of ids[0..n), n >= 1.
std::pair<uint32_t, uint32_t> min_max(const uint32_t* ids, std::size_t n);
// The same, split among up to `threads` threads where the array is long.
std::pair<uint32_t, uint32_t> min_max(const uint32_t* ids, std::size_t n, int threads);

}  // namespace nestkit
