#pragma once
// The update order of neuron models whose step vectorises (no branches, see
// iaf_psc_alpha.cpp): neurons in blocks of kBlock, the block's spikes flagged in an
// array and emitted after its step. Without samplers each block runs every step of
// the interval while its state stays in the L1 cache: a neuron's input for the
// whole min-delay interval is already in its ring, and the kernel orders the
// emitted spikes by stamp and sender afterwards. With samplers every step runs over
// all neurons, then samples them, as the scalar models do.
#include <algorithm>
#include <cstddef>

namespace nestkit::blocked {

constexpr std::size_t kBlock = 256;

// rows(step, b, e, spiked) advances neurons [b, e) by one step and sets spiked[i - b]
// to 1.0 or 0.0 (doubles, so that the vector loop keeps one width); emit(i, step)
// sends neuron i's spike of that step; sample(step) records all neurons after a step.
template <class Rows, class Emit, class Sample>
void run(long origin, long from, long to, std::size_t begin, std::size_t end, bool sampled, Rows&& rows, Emit&& emit,
         Sample&& sample) {
  auto block = [&](long step, std::size_t b, std::size_t e) {
    double spiked[kBlock + 3];
    rows(step, b, e, spiked);
    // Spikes are rare: four flags at a time (the tail padded with zeros).
    const std::size_t n = e - b;
    for (std::size_t j = n; j % 4 != 0; ++j) spiked[j] = 0.0;
    for (std::size_t j = 0; j < n; j += 4)
      if (spiked[j] + spiked[j + 1] + spiked[j + 2] + spiked[j + 3] != 0.0)
        for (std::size_t k = j; k < j + 4 && k < n; ++k)
          if (spiked[k] != 0.0) emit(b + k, step);
  };
  if (!sampled) {
    for (std::size_t b = begin; b < end; b += kBlock)
      for (long lag = from; lag < to; ++lag) block(origin + lag, b, std::min(end, b + kBlock));
    return;
  }
  for (long lag = from; lag < to; ++lag) {
    for (std::size_t b = begin; b < end; b += kBlock) block(origin + lag, b, std::min(end, b + kBlock));
    sample(origin + lag);
  }
}

// A derived constant of a step: one value per node, or one for all (read as a scalar).
template <bool Uniform>
struct Const {
  const double* p;
  explicit Const(const double* col) : p(col) {}
  double operator[](std::size_t i) const { return p[i]; }
};
template <>
struct Const<true> {
  double v;
  explicit Const(const double* col) : v(col ? col[0] : 0.0) {}  // read only for a non-empty range
  double operator[](std::size_t) const { return v; }
};

}  // namespace nestkit::blocked
