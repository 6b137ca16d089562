#pragma once
// expm1 as NEST 3.10 computes it where its sources call numerics::expm1: NEST's
// build from PyPI is configured without HAVE_EXPM1 (its CMake test for expm1 fails
// there), so libnestutil/numerics.h falls back to its own evaluation: 0 for 0,
// exp(x) - 1 for |x| > ln 2, else the Taylor series x + x^2/2! + ... summed until
// the next term is within an epsilon of the sum. Its results differ from the C
// library's expm1 in the last bits; the models that call numerics::expm1 in NEST
// call this (and those that call std::expm1 there keep std::expm1), so their
// propagators carry NEST's bits. Checked against NEST's machine code and, bit for
// bit, against NEST's traces (tests/python/parity/live_scripts/precise_network.py).
#include <cmath>
#include <cstddef>
#include <limits>

namespace nestkit::integrators {

// Beyond this magnitude (ln 2) NEST's fallback takes exp(x) - 1 instead of the series.
inline constexpr double kNestExpm1SeriesLimit = 0x1.62e42fefa39efp-1;

inline double nest_expm1(double x) {
  if (x == 0) return 0;
  if (std::abs(x) > kNestExpm1SeriesLimit) return std::exp(x) - 1;
  double sum = x;
  double term = x * x / 2;
  long n = 2;
  while (std::abs(term) > std::abs(sum) * std::numeric_limits<double>::epsilon()) {
    sum += term;
    ++n;
    term *= x / static_cast<double>(n);
  }
  return sum;
}

// y[i] = nest_expm1(x[i]) for an array: four lanes at a time where the AVX2 loops
// are chosen (the same IEEE operations per lane, so the same bits), else one call per
// value. x and y may be the same array.
void nest_expm1_array(const double* x, double* y, std::size_t n);

}  // namespace nestkit::integrators
