// The two ways a `.mmf` image (and a weight port's buffer) can store ternary weights
// (docs/mmf-format.md, "Weight encodings"):
//
//   TwoBit: 2 bits a weight (0b00 = 0, 0b01 = +1, 0b11 = -1), each row padded to 64 bytes.
//   Trit5:  five trits a byte. A row is cut into 64-column segments (the last one padded with
//           zero weights); a 64-byte beat holds five segments, byte j of the beat being
//           sum over s < 5 of digit(segment s, column j) * 3^s, digit = weight + 1. Segments
//           follow each other with no gap between rows or matrices; the stream's last beat is
//           padded with digit 1 (weight 0). Byte values 243..255 never occur.
//
// The trit5 layout wastes nothing on any shape whose widths are multiples of 64 (every
// released one): 1.6 bits a weight, 0.8x the bytes of TwoBit.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace mmfree::mmf {

enum class WeightEncoding : uint32_t { TwoBit = 0, Trit5 = 1 };

// What `mmfree convert` writes and a Hugging Face directory opens as, unless told otherwise.
inline constexpr WeightEncoding kDefaultWeightEncoding = WeightEncoding::Trit5;

// The command-line / inspect names: "2bit", "trit5".
std::string_view weight_encoding_name(WeightEncoding e);
std::optional<WeightEncoding> parse_weight_encoding(std::string_view name);
// Whether `value` (a descriptor's weight_encoding word) names an encoding this build knows.
constexpr bool known_weight_encoding(uint32_t value) { return value <= 1; }

inline constexpr uint32_t kSegmentColumns = 64;   // trits of one segment
inline constexpr uint32_t kSegmentsPerBeat = 5;   // 3^5 = 243 <= 256
inline constexpr uint32_t kBeatBytes = 64;        // one 512-bit memory beat
inline constexpr uint8_t kFirstInvalidTrit5Byte = 243;
inline constexpr uint8_t kZeroTrit5Byte = 121;    // five zero weights: 1+3+9+27+81

// Segments of one row of `cols` weights.
constexpr uint32_t row_segments(uint32_t cols) { return (cols + kSegmentColumns - 1) / kSegmentColumns; }
// Beats (and bytes) that hold `segments` segments of a trit5 stream.
constexpr uint64_t trit5_beats(uint64_t segments) { return (segments + kSegmentsPerBeat - 1) / kSegmentsPerBeat; }
constexpr uint64_t trit5_bytes(uint64_t segments) { return trit5_beats(segments) * kBeatBytes; }

// kTrit5Digit[s][b]: digit s (0, 1, 2 = weight -1, 0, +1) of byte value b < 243.
inline constexpr std::array<std::array<uint8_t, 256>, kSegmentsPerBeat> kTrit5Digit = [] {
  std::array<std::array<uint8_t, 256>, kSegmentsPerBeat> t{};
  for (unsigned b = 0; b < 256; ++b) {
    unsigned v = b;
    for (unsigned s = 0; s < kSegmentsPerBeat; ++s, v /= 3) t[s][b] = static_cast<uint8_t>(v % 3);
  }
  return t;
}();
inline constexpr std::array<uint8_t, kSegmentsPerBeat> kTrit5Weight = {1, 3, 9, 27, 81};

// The 2-bit code of a digit: digit 0 (-1) -> 0b11, 1 (0) -> 0b00, 2 (+1) -> 0b01.
constexpr uint8_t code_of_digit(uint8_t digit) { return digit == 0 ? 3 : (digit == 2 ? 1 : 0); }
// The digit of a 2-bit code (0b10 never occurs; it is read as 0).
constexpr uint8_t digit_of_code(uint8_t code) { return code == 1 ? 2 : (code == 3 ? 0 : 1); }

// Segment `s` of a 64-byte trit5 beat, as 16 bytes of 2-bit codes (columns 0..63).
void trit5_segment_to_codes(const uint8_t* beat, unsigned s, uint8_t* codes16);
// Adds segment `codes16` (16 bytes of 2-bit codes) as segment `s` of `beat`, whose bytes start
// at kZeroTrit5Byte for that segment (adds (digit - 1) * 3^s to each byte).
void add_codes_to_trit5_segment(const uint8_t* codes16, unsigned s, uint8_t* beat);

// Copies segment `src_s` of trit5 beat `src` into segment `dst_s` of beat `dst`, whose bytes start
// at kZeroTrit5Byte for that segment.
void copy_trit5_segment(const uint8_t* src, unsigned src_s, uint8_t* dst, unsigned dst_s);

// One matrix of a trit5 stream: `rows` rows of `cols` weights, row_segments(cols) segments each.
struct StreamShape {
  uint32_t rows;
  uint32_t cols;
};
// Segments of a stream of these matrices.
uint64_t stream_segments(std::span<const StreamShape> shapes);
// Decodes a trit5 stream (at least trit5_bytes(stream_segments(shapes)) bytes) into the 2-bit
// rows of the same matrices, back to back, each row packed_row_stride(cols) bytes (zero codes
// past the last column): the bytes the ternary arrays take.
std::vector<uint8_t> decode_trit5_stream(std::span<const uint8_t> stream, std::span<const StreamShape> shapes);

}  // namespace mmfree::mmf
