// The trit5 segment codec (docs/mmf-format.md, "Weight encodings"): the one place that turns
// 2-bit codes into base-3 digits of a beat and back, for the writer, the reader, the weight
// dealing and the golden kernel model.
#include "mmfree/weight_encoding.hpp"

#include "mmfree/error.hpp"
#include "mmfree/mmf_format.hpp"

namespace mmfree::mmf {

namespace {

// kCodeOfByte[s][b]: the 2-bit code of digit s of byte b.
constexpr std::array<std::array<uint8_t, 256>, kSegmentsPerBeat> kCodeOfByte = [] {
  std::array<std::array<uint8_t, 256>, kSegmentsPerBeat> t{};
  for (unsigned s = 0; s < kSegmentsPerBeat; ++s)
    for (unsigned b = 0; b < 256; ++b) t[s][b] = code_of_digit(kTrit5Digit[s][b]);
  return t;
}();

}  // namespace

std::string_view weight_encoding_name(WeightEncoding e) {
  switch (e) {
    case WeightEncoding::TwoBit: return "2bit";
    case WeightEncoding::Trit5: return "trit5";
  }
  return "unknown";
}

std::optional<WeightEncoding> parse_weight_encoding(std::string_view name) {
  if (name == "2bit") return WeightEncoding::TwoBit;
  if (name == "trit5") return WeightEncoding::Trit5;
  return std::nullopt;
}

void trit5_segment_to_codes(const uint8_t* beat, unsigned s, uint8_t* codes16) {
  const auto& code = kCodeOfByte[s];
  for (unsigned k = 0; k < 16; ++k) {
    const uint8_t* b = beat + 4 * k;
    codes16[k] = static_cast<uint8_t>(code[b[0]] | code[b[1]] << 2 | code[b[2]] << 4 | code[b[3]] << 6);
  }
}

void add_codes_to_trit5_segment(const uint8_t* codes16, unsigned s, uint8_t* beat) {
  const int weight = kTrit5Weight[s];
  for (unsigned k = 0; k < 16; ++k) {
    for (unsigned q = 0; q < 4; ++q) {
      const uint8_t digit = digit_of_code((codes16[k] >> (2 * q)) & 3u);
      beat[4 * k + q] = static_cast<uint8_t>(beat[4 * k + q] + (int(digit) - 1) * weight);
    }
  }
}

void copy_trit5_segment(const uint8_t* src, unsigned src_s, uint8_t* dst, unsigned dst_s) {
  const auto& digit = kTrit5Digit[src_s];
  const int weight = kTrit5Weight[dst_s];
  for (unsigned j = 0; j < kBeatBytes; ++j) dst[j] = static_cast<uint8_t>(dst[j] + (int(digit[src[j]]) - 1) * weight);
}

uint64_t stream_segments(std::span<const StreamShape> shapes) {
  uint64_t segments = 0;
  for (const StreamShape& m : shapes) segments += uint64_t(m.rows) * row_segments(m.cols);
  return segments;
}

std::vector<uint8_t> decode_trit5_stream(std::span<const uint8_t> stream, std::span<const StreamShape> shapes) {
  if (stream.size() < trit5_bytes(stream_segments(shapes))) {
    throw Error("internal: trit5 stream of " + std::to_string(stream.size()) + " bytes is shorter than its layout");
  }
  uint64_t out_bytes = 0;
  for (const StreamShape& m : shapes) out_bytes += uint64_t(m.rows) * packed_row_stride(m.cols);
  std::vector<uint8_t> out(out_bytes, 0);
  uint8_t* dst = out.data();
  uint64_t segment = 0;
  for (const StreamShape& m : shapes) {
    const uint32_t stride = packed_row_stride(m.cols), segments = row_segments(m.cols);
    for (uint32_t r = 0; r < m.rows; ++r, dst += stride) {
      for (uint32_t k = 0; k < segments; ++k, ++segment) {
        trit5_segment_to_codes(stream.data() + segment / kSegmentsPerBeat * kBeatBytes,
                               unsigned(segment % kSegmentsPerBeat), dst + 16 * k);
      }
    }
  }
  return out;
}

}  // namespace mmfree::mmf
