// mmfree_trit5_decoder (hw/rtl/kernel/): every one of the 256 byte values at every byte position
// of a beat, against digits computed here from the definition (byte = sum of digit_s * 3^s,
// digit 0/1/2 = weight -1/0/+1, 2-bit code 0b11/0b00/0b01; docs/mmf-format.md), the 13 invalid
// values 243..255 flagged and read as zero weights, and random beats.
#include <gtest/gtest.h>

#include <verilated.h>

#include <array>
#include <cstdint>
#include <memory>
#include <random>

#include "Vmmfree_trit5_decoder.h"

namespace {

constexpr unsigned kBytes = 64;

unsigned expected_code(unsigned byte, unsigned s) {
  if (byte >= 243) return 0;
  unsigned v = byte;
  for (unsigned k = 0; k < s; ++k) v /= 3;
  const unsigned digit = v % 3;
  return digit == 0 ? 3u : (digit == 2 ? 1u : 0u);
}

class Decoder {
 public:
  Decoder() : context_(std::make_unique<VerilatedContext>()) {
    context_->assertOn(true);
    model_ = std::make_unique<Vmmfree_trit5_decoder>(context_.get(), "decoder");
  }
  ~Decoder() { model_->final(); }

  // Decodes `beat`; checks every code of every segment and the invalid flag.
  void check(const std::array<uint8_t, kBytes>& beat) {
    for (unsigned w = 0; w < kBytes / 4; ++w) {
      model_->beat_i[w] = uint32_t(beat[4 * w]) | uint32_t(beat[4 * w + 1]) << 8 | uint32_t(beat[4 * w + 2]) << 16 |
                          uint32_t(beat[4 * w + 3]) << 24;
    }
    model_->eval();
    bool invalid = false;
    for (unsigned j = 0; j < kBytes; ++j) {
      invalid = invalid || beat[j] >= 243;
      for (unsigned s = 0; s < 5; ++s) {
        const unsigned bit = 128 * s + 2 * j;  // segment s, column j
        const unsigned got = (model_->segments_o[bit / 32] >> (bit % 32)) & 3u;
        ASSERT_EQ(got, expected_code(beat[j], s)) << "byte value " << unsigned(beat[j]) << " at " << j << ", digit " << s;
      }
    }
    ASSERT_EQ(bool(model_->invalid_o), invalid);
  }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vmmfree_trit5_decoder> model_;
};

TEST(Trit5Decoder, EveryByteValueAtEveryPosition) {
  Decoder d;
  std::mt19937 rng(3);
  for (unsigned value = 0; value < 256; ++value) {
    // The value everywhere, then alone among valid random bytes at each position in turn.
    std::array<uint8_t, kBytes> beat;
    beat.fill(uint8_t(value));
    d.check(beat);
    for (unsigned j = 0; j < kBytes; ++j) {
      for (auto& b : beat) b = uint8_t(rng() % 243);
      beat[j] = uint8_t(value);
      d.check(beat);
    }
  }
}

TEST(Trit5Decoder, ZeroWeightBeatAndRandomBeats) {
  Decoder d;
  std::array<uint8_t, kBytes> beat;
  beat.fill(121);  // 1 + 3 + 9 + 27 + 81: five zero weights, the encoders' padding
  d.check(beat);
  std::mt19937 rng(11);
  for (int k = 0; k < 2000; ++k) {
    for (auto& b : beat) b = uint8_t(rng() % (k % 2 ? 256 : 243));
    d.check(beat);
  }
}

}  // namespace
