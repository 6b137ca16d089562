#pragma once
// out[i] = std::pow(base[i], exponent) for an array, with the C library's bits: four
// lanes at a time with the exact vector pow (pow_lanes.hpp) where this process's
// pow is proven to be its scalar twin and the AVX2 loops are chosen, one call of
// std::pow per value otherwise. base and out may be the same array.
#include <cstddef>

namespace nestkit::integrators {

void pow_array(const double* base, double exponent, double* out, std::size_t n);
// out[i] = std::pow(base[i], exponent[i]), the same way.
void pow_array(const double* base, const double* exponent, double* out, std::size_t n);
// Whether pow_array runs the vector pow in this process (checked once).
bool exact_pow_lanes();

}  // namespace nestkit::integrators
