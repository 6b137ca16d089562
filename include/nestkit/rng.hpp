#pragma once
// Counter-based random streams (Philox4x32-10, Salmon et al. 2011). A stream is
// addressed by (seed, purpose, a, b), so every consumer (a connection call and
// target, a Poisson synapse and step) gets the same numbers whatever the thread
// count or the chunking of Simulate calls.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace nestkit {

struct Philox4x32 {
  using Block = std::array<uint32_t, 4>;
  static Block generate(Block ctr, std::array<uint32_t, 2> key) {
    for (int round = 0; round < 10; ++round) {
      if (round > 0) {
        key[0] += 0x9E3779B9u;
        key[1] += 0xBB67AE85u;
      }
      const uint64_t p0 = uint64_t(0xD2511F53u) * ctr[0];
      const uint64_t p1 = uint64_t(0xCD9E8D57u) * ctr[2];
      ctr = {uint32_t(p1 >> 32) ^ ctr[1] ^ key[0], uint32_t(p1), uint32_t(p0 >> 32) ^ ctr[3] ^ key[1], uint32_t(p0)};
    }
    return ctr;
  }
};

// Many consecutive blocks at once, the same numbers as generate(): out[4 j + w] is word
// w of the block whose counter word 0 is ctr[0] + j (modulo 2^32), for j < n. Vectorised
// (src/core/philox_bulk.cpp); long streams refill through it.
void philox_blocks(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key, std::size_t n, uint32_t* out);
// The same blocks as uniforms: out[2 j] and out[2 j + 1] are RandomStream::uniform() of
// words 0, 1 and words 2, 3 of block j (vectorised, no words stored in between).
void philox_uniform_pairs(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key, std::size_t n, double* out);

// What a stream is used for; part of the key so purposes never share numbers.
enum class Purpose : uint32_t {
  kConnect = 1,
  kPoisson = 2,
  kPoissonLarge = 3,
  kNodeParam = 4,
  kTotalNumber = 5,
  kWeight = 6,
  kDelay = 7,
  kEscapeNoise = 8,
  kSynapseRelease = 9,
  kSynapseParam = 10,
  // Stimulation devices (spike and noise generators).
  kNoiseCurrent = 40,
  kRateModulated = 41,  // sinusoidal_poisson, inhomogeneous_poisson: per-target counts
  kSharedTrain = 42,    // one train shared by all targets
  kGammaSup = 43,
  kPpdSup = 44,
  kMipCopy = 45,
  kPulsePacket = 46,
  kDilutor = 47,
  kSinusoidalGamma = 48,
  kPrecisePoisson = 49,
  // Stochastic neurons.
  kBinaryUpdate = 60,  // binary neurons: update times and transitions
  kPointProcess = 61,  // pp_psc_delta, gif_*: escape-noise spikes and dead times
  kPopulation = 62,    // gif_pop_psc_exp: population draws
  kRateNoise = 63,     // rate neurons: Gaussian input/output noise
  kAstrocyte = 64,
  // Structural plasticity: partners of deleted synapses and pairs of vacant elements.
  kStructural = 70,
};

class RandomStream {
 public:
  RandomStream(uint32_t seed, Purpose purpose, uint32_t a, uint64_t b)
      : key_{seed, static_cast<uint32_t>(purpose)}, ctr_{0, a, uint32_t(b), uint32_t(b >> 32)} {}

  uint32_t next_u32() {
    if (used_ == avail_) refill();
    return words_[used_++];
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() {
    const uint64_t hi = next_u32() >> 5, lo = next_u32() >> 6;
    return (hi * 67108864.0 + lo) * (1.0 / 9007199254740992.0);
  }
  // n uniforms: the values of n calls of uniform(), leaving the stream where they would.
  void uniform_fill(double* out, std::size_t n) {
    std::size_t i = 0;
    while (i < n) {
      if (used_ == avail_ && n - i >= 2) {  // nothing buffered: whole blocks straight to uniforms
        const std::size_t blocks = (n - i) / 2;
        philox_uniform_pairs(ctr_, key_, blocks, out + i);
        ctr_[0] += static_cast<uint32_t>(blocks);
        i += 2 * blocks;
        continue;
      }
      if (avail_ - used_ < 2) {  // a draw across a refill
        out[i++] = uniform();
        continue;
      }
      const std::size_t pairs = std::min<std::size_t>((avail_ - used_) / 2, n - i);
      const uint32_t* w = words_.data() + used_;
      for (std::size_t k = 0; k < pairs; ++k) {
        const uint64_t hi = w[2 * k] >> 5, lo = w[2 * k + 1] >> 6;
        out[i + k] = (hi * 67108864.0 + lo) * (1.0 / 9007199254740992.0);
      }
      used_ = static_cast<uint8_t>(used_ + 2 * pairs);
      i += pairs;
    }
  }
  // Uniform in (0, 1], safe for log().
  double uniform_pos() { return 1.0 - uniform(); }
  // Uniform integer in [0, n) without modulo bias.
  uint64_t uniform_int(uint64_t n) {
    if (n <= 1) return 0;
    if (n <= 0xFFFFFFFFull) {
      // Lemire's multiply-shift with rejection: unbiased, and a division only
      // in the rare rejection branch.
      const uint32_t n32 = static_cast<uint32_t>(n);
      uint64_t m = uint64_t(next_u32()) * n32;
      uint32_t low = static_cast<uint32_t>(m);
      if (low < n32) {
        const uint32_t threshold = static_cast<uint32_t>(-n32) % n32;
        while (low < threshold) {
          m = uint64_t(next_u32()) * n32;
          low = static_cast<uint32_t>(m);
        }
      }
      return m >> 32;
    }
    return static_cast<uint64_t>(uniform() * static_cast<double>(n));
  }
  double normal() {
    // Marsaglia's polar method; the second variate is kept for the next call.
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }
  double exponential(double lambda) { return -std::log(uniform_pos()) / lambda; }
  bool bernoulli(double p) { return uniform() < p; }
  long poisson(double mu);
  // Binomial(n, p) for p <= 0.5 and n p >= 10 (Hörmann 1993, BTRS).
  long binomial_btrs(long n, double p);
  // Binomial(n, p): inversion for small means, else a sum of Bernoulli trials
  // (n <= 4096) or Hörmann's transformed rejection (BTRS), exact for any n.
  long binomial(long n, double p) {
    if (n <= 0 || p <= 0.0) return 0;
    if (p >= 1.0) return n;
    if (p > 0.5) return n - binomial(n, 1.0 - p);
    const double mu = n * p;
    if (mu < 30.0) {
      const double q = 1.0 - p, r = p / q;
      double pk = std::pow(q, static_cast<double>(n)), cdf = pk;
      const double u = uniform();
      long k = 0;
      while (u >= cdf && k < n) {
        pk *= r * static_cast<double>(n - k) / static_cast<double>(k + 1);
        ++k;
        cdf += pk;
        if (pk < 1e-300 && cdf < u) break;
      }
      return k;
    }
    if (n <= 4096) {
      long k = 0;
      for (long i = 0; i < n; ++i) k += bernoulli(p) ? 1 : 0;
      return k;
    }
    return binomial_btrs(n, p);
  }

 private:
  // The first refill makes one block (most streams are short: a draw or two); a stream
  // that keeps going gets kBulkBlocks blocks per refill from the vectorised generator.
  // Either way the words come in the same order.
  static constexpr int kBulkBlocks = 8;
  void refill() {
    if (avail_ == 0) {
      const Philox4x32::Block b = Philox4x32::generate(ctr_, key_);
      std::copy(b.begin(), b.end(), words_.begin());
      ++ctr_[0];
      avail_ = 4;
    } else {
      philox_blocks(ctr_, key_, kBulkBlocks, words_.data());
      ctr_[0] += kBulkBlocks;
      avail_ = 4 * kBulkBlocks;
    }
    used_ = 0;
  }
  std::array<uint32_t, 2> key_;
  std::array<uint32_t, 4> ctr_;
  std::array<uint32_t, 4 * kBulkBlocks> words_;  // written before read (refill)
  uint8_t used_ = 0, avail_ = 0;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// Poisson sample by inversion from one uniform u in [0,1); exact for the small
// means of per-step spike counts. `exp_neg_mu` = exp(-mu), precomputed by callers.
inline long poisson_by_inversion(double u, double mu, double exp_neg_mu) {
  long k = 0;
  double p = exp_neg_mu, cdf = p;
  while (u >= cdf && k < 100000) {
    ++k;
    p *= mu / k;
    cdf += p;
    if (p < 1e-300 && cdf < u) break;
  }
  return k;
}

}  // namespace nestkit
