// A small, fast, seedable PRNG for command generation (wyrand: one 64x64->128
// multiply per draw). std::mt19937_64 would cost more than the generator's whole
// budget per command, and its state is 2.5 KB per client.
#pragma once

#include <cstdint>

namespace swlab {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL) {}

  uint64_t next() {
    state_ += 0xa0761d6478bd642fULL;
    __uint128_t m = static_cast<__uint128_t>(state_) * (state_ ^ 0xe7037ed1a0b428dbULL);
    return static_cast<uint64_t>(m >> 64) ^ static_cast<uint64_t>(m);
  }

  // Uniform in [0, n): Lemire's multiply-shift, no division. The bias is below
  // n / 2^64, irrelevant for workload generation.
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<__uint128_t>(next()) * n) >> 64);
  }

  int64_t between(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

}  // namespace swlab
