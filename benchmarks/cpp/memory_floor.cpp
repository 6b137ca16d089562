// The machine's floor for the two kinds of memory traffic a large spiking network
// makes, to read the simulation figures against (benchmarks/README.md):
//  * scatter: additions of doubles at random places of an array as large as the
//    input ring of the network (spike delivery), in ns per addition, with the
//    places known in advance (the best case: no synapse list to read);
//  * stream: a read-modify-write pass over state columns (the neuron update), in
//    GB/s of data read plus written.
// Figures are wall time over all threads (ns per addition: the aggregate rate).
// usage: nestkit_memory_floor [ring_mb] [state_mb] [threads]
#include <omp.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

uint64_t next(uint64_t& x) {  // splitmix64: places spread over the whole array
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

int main(int argc, char** argv) {
  const double ring_mb = argc > 1 ? std::atof(argv[1]) : 75.0;
  const double state_mb = argc > 2 ? std::atof(argv[2]) : 10.0;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 2;
  const std::size_t ring_n = static_cast<std::size_t>(ring_mb * 1e6 / 8);
  const std::size_t events = 1u << 25;

  // Scatter: each thread adds into its own half of the ring, as delivery threads own
  // their targets.
  std::vector<double> ring(ring_n, 0.0);
  std::vector<uint32_t> place(events);
  uint64_t seed = 1;
  for (auto& p : place) p = static_cast<uint32_t>(next(seed) % (ring_n / threads));
  double best_scatter = 1e30;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads)
    {
      const int t = omp_get_thread_num();
      double* mine = ring.data() + (ring_n / threads) * t;
      const std::size_t lo = events * t / threads, hi = events * (t + 1) / threads;
      for (std::size_t k = lo; k < hi; ++k) mine[place[k]] += 1.0;
    }
    const double s = seconds_since(t0);
    if (s < best_scatter) best_scatter = s;
  }

  // Stream: update-like pass, 6 state columns read and written.
  const std::size_t cols = 6, n = static_cast<std::size_t>(state_mb * 1e6 / 8 / cols);
  std::vector<std::vector<double>> state(cols, std::vector<double>(n, 1.0));
  double best_stream = 1e30;
  const int passes = 20;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int pass = 0; pass < passes; ++pass) {
#pragma omp parallel for num_threads(threads) schedule(static)
      for (std::size_t i = 0; i < n; ++i) {
        const double v = state[0][i] * 0.99 + state[1][i] * 0.01 + state[2][i] * 0.02;
        state[0][i] = v;
        state[1][i] *= 0.9;
        state[2][i] *= 0.8;
        state[3][i] = state[3][i] + state[4][i];
        state[4][i] = state[5][i];
        state[5][i] = 0.0;
      }
    }
    const double s = seconds_since(t0);
    if (s < best_stream) best_stream = s;
  }
  double check = 0;
  for (std::size_t k = 0; k < ring_n; k += 4099) check += ring[k];
  for (std::size_t i = 0; i < n; i += 4099) check += state[0][i];
  std::printf(
      "{\"threads\": %d, \"ring_mb\": %.0f, \"scatter_ns_per_add\": %.2f, \"state_mb\": %.0f, "
      "\"stream_gb_per_s\": %.2f, \"check\": %.3g}\n",
      threads, ring_mb, best_scatter / events * 1e9, state_mb, 2.0 * cols * n * 8.0 * passes / best_stream / 1e9,
      check);
  return 0;
}
