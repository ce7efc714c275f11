// Seeded, allocation-free coin flips for randomized AXI back-pressure (xorshift64*).
#pragma once

#include <cstdint>

namespace mmfree::sim {

class StallGenerator {
 public:
  StallGenerator() = default;
  StallGenerator(double probability, uint64_t seed) {
    const double p = probability < 0 ? 0 : (probability > 1 ? 1 : probability);
    threshold_ = static_cast<uint64_t>(p * 4294967296.0);
    enabled_ = threshold_ != 0;
    // splitmix64 of the seed, so that neighbouring seeds give unrelated streams (and 0 works).
    uint64_t z = seed + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    state_ = (z ^ (z >> 31)) | 1;
  }

  // True when this handshake signal is to be withheld this cycle.
  bool stall() {
    if (!enabled_) return false;
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return ((state_ * 0x2545F4914F6CDD1Dull) >> 32) < threshold_;
  }

 private:
  uint64_t state_ = 1;
  uint64_t threshold_ = 0;
  bool enabled_ = false;
};

}  // namespace mmfree::sim
