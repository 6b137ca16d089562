#pragma once
// y[i] = std::exp(x[i]) for an array, with the C library's bits: four lanes at a
// time with the exact vector exp (exp_lanes.hpp) where this process's exp is proven
// to be its scalar twin and the AVX2 loops are chosen (cpu_features.hpp), one call
// of std::exp per value otherwise. x and y may be the same array.
#include <cstddef>

namespace nestkit::integrators {

void exp_array(const double* x, double* y, std::size_t n);

}  // namespace nestkit::integrators
