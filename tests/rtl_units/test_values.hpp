// Random operands for the datapath testbenches, weighted towards the cases that break
// fixed-point arithmetic: zero, +-1, the format-A limits +-(2^31 - 1), rounding ties and
// values near table segment boundaries, besides uniform draws over the whole range.
#pragma once

#include <cstdint>
#include <random>

namespace mmfree::rtl_test {

inline constexpr int32_t kAMax = 2147483647;  // format A is symmetric: +-(2^31 - 1)

// A format-A value: one of the extremes, a small value, a value near the model's typical
// range (|v| < 2^24, i.e. below 256.0), or anything in the symmetric range.
inline int32_t random_a(std::mt19937& rng) {
  std::uniform_int_distribution<int> kind(0, 9);
  switch (kind(rng)) {
    case 0: {
      static constexpr int32_t kEdges[] = {0, 1, -1, kAMax, -kAMax, 1 << 16, -(1 << 16), 1 << 20, -(1 << 20)};
      return kEdges[std::uniform_int_distribution<int>(0, 8)(rng)];
    }
    case 1: return std::uniform_int_distribution<int32_t>(-1024, 1024)(rng);
    case 2:
    case 3:
    case 4:
    case 5: return std::uniform_int_distribution<int32_t>(-(1 << 24), 1 << 24)(rng);
    case 6: return std::uniform_int_distribution<int32_t>(-(1 << 21), 1 << 21)(rng);
    default: return std::uniform_int_distribution<int32_t>(-kAMax, kAMax)(rng);
  }
}

// Sign-extends the low `bits` bits of a Verilator port value.
inline int32_t sign_extend(uint64_t value, int bits) {
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int32_t>(static_cast<int64_t>(((value & mask) ^ sign)) - static_cast<int64_t>(sign));
}

}  // namespace mmfree::rtl_test
