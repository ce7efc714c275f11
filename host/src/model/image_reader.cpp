#include "model/image_reader.hpp"

#include <array>
#include <bit>
#include <boost/crc.hpp>
#include <cmath>
#include <cstring>

#include "mmfree/error.hpp"
#include "model/config_limits.hpp"

namespace mmfree::model {

namespace {

using mmf::SectionEntry;
using mmf::SectionKind;

bool same_placement(const SectionEntry& a, const SectionEntry& b) {
  return a.kind == b.kind && a.layer == b.layer && a.index == b.index && a.offset == b.offset &&
         a.size == b.size && a.rows == b.rows && a.cols == b.cols && a.row_stride_bytes == b.row_stride_bytes;
}

bool all_zero(std::span<const std::byte> bytes) {
  for (std::byte b : bytes) {
    if (b != std::byte{0}) return false;
  }
  return true;
}

// Bytes holding a 0b10 code anywhere: never written, so such a byte means corruption.
constexpr std::array<bool, 256> invalid_code_bytes() {
  std::array<bool, 256> table{};
  for (unsigned b = 0; b < 256; ++b) {
    for (unsigned k = 0; k < 4; ++k) table[b] = table[b] || ((b >> (2 * k)) & 3u) == 2u;
  }
  return table;
}

// trit5 weights: no byte value above 242 (3^5 - 1) anywhere, and the segments after the last
// matrix's (the tail of the last beat) all digit 1, weight 0, as the writer pads them.
template <typename Fail>
void check_trit5_weights(std::span<const std::byte> image, const ValidatedImage& v, const Fail& fail) {
  const uint64_t offset = v.descriptor.weights_offset, bytes = v.descriptor.weights_bytes;
  const auto* data = reinterpret_cast<const uint8_t*>(image.data() + offset);
  for (uint64_t k = 0; k < bytes; ++k) {
    if (data[k] >= mmf::kFirstInvalidTrit5Byte) {
      // Name the matrix holding the byte (the first one whose beats include it).
      std::string where = "weights";
      for (const SectionEntry& e : v.sections) {
        if (e.kind == uint32_t(SectionKind::Matrix) && offset + k >= e.offset && offset + k < e.offset + e.size) {
          where = mmf::section_name(e);
          break;
        }
      }
      fail("section '" + where + "' holds an invalid trit5 byte " + std::to_string(data[k]) + " at image offset " +
           std::to_string(offset + k) + " (five trits a byte: 0..242)");
    }
  }
  const uint64_t segments = mmf::stream_segments(v.config);
  const uint64_t tail = segments % mmf::kSegmentsPerBeat;
  if (tail != 0) {
    const uint8_t* beat = data + bytes - mmf::kBeatBytes;
    for (unsigned j = 0; j < mmf::kBeatBytes; ++j) {
      for (uint64_t s = tail; s < mmf::kSegmentsPerBeat; ++s) {
        if (mmf::kTrit5Digit[s][beat[j]] != 1) fail("padding segments after the last matrix are not zero weights");
      }
    }
  }
}

}  // namespace

ValidatedImage validate_image(std::span<const std::byte> image, const std::string& where) {
  auto fail = [&](const std::string& what) -> void { throw ModelError(where + ": " + what); };
  if (image.size() < mmf::kSectionAlignment) {
    fail("truncated .mmf image: " + std::to_string(image.size()) + " bytes, the header alone needs " +
         std::to_string(mmf::kSectionAlignment));
  }
  const mmf::FileHeader h = mmf::read_file_header(image);
  if (std::memcmp(h.magic, mmf::kMagic, sizeof h.magic) != 0) fail("not an .mmf image (wrong magic bytes)");
  if (h.format_version != mmf::kFormatVersion) {
    fail(".mmf format version " + std::to_string(h.format_version) + ", this build reads version " +
         std::to_string(mmf::kFormatVersion) + " (re-run mmfree convert)");
  }
  if (h.image_bytes != image.size()) {
    fail("image size is " + std::to_string(image.size()) + " bytes but its header says " +
         std::to_string(h.image_bytes) + (image.size() < h.image_bytes ? " (truncated)" : " (trailing bytes)"));
  }
  if (h.header_bytes < mmf::kSectionAlignment || h.header_bytes % mmf::kSectionAlignment != 0 ||
      h.header_bytes > image.size()) {
    fail("header size " + std::to_string(h.header_bytes) + " is invalid");
  }
  {
    mmf::FileHeader zeroed = h;
    zeroed.header_crc32 = 0;
    boost::crc_32_type crc;
    crc.process_bytes(&zeroed, sizeof zeroed);
    crc.process_bytes(image.data() + sizeof zeroed, h.header_bytes - sizeof zeroed);
    if (crc.checksum() != h.header_crc32) fail("header CRC mismatch: the header or section table is corrupt");
  }

  ValidatedImage v;
  v.config.hidden_size = h.hidden_size;
  v.config.num_layers = h.num_layers;
  v.config.intermediate_size = h.intermediate_size;
  v.config.vocab_size = h.vocab_size;
  v.config.rms_norm_eps = h.rms_norm_eps;
  v.config.use_lower_bound = (h.flags & mmf::kFlagUseLowerBound) != 0;
  v.config.bos_token_id = h.bos_token_id;
  v.config.eos_token_id = h.eos_token_id;
  // Every header field, in the type the kernel reads it: the CRC proves only that the header is
  // what some writer wrote, not that the writer was ours.
  if (const auto problem = size_problem(v.config)) fail("header " + problem->field + " " + problem->message);
  if (!rms_norm_eps_in_range(v.config.rms_norm_eps)) {
    fail("header rms_norm_eps " + std::to_string(v.config.rms_norm_eps) + " " + rms_norm_eps_range());
  }
  if ((h.flags & ~mmf::kFlagUseLowerBound) != 0) fail("header flags hold unknown bits " + std::to_string(h.flags));
  if (v.config.bos_token_id >= v.config.vocab_size || v.config.eos_token_id >= v.config.vocab_size) {
    fail("header bos/eos token id (" + std::to_string(v.config.bos_token_id) + "/" +
         std::to_string(v.config.eos_token_id) + ") is not below the vocabulary size " +
         std::to_string(v.config.vocab_size));
  }
  if (!all_zero(std::as_bytes(std::span(h.reserved)))) fail("header reserved bytes are not zero");
  if (h.section_table_offset != mmf::kSectionTableOffset) {
    fail("section table offset " + std::to_string(h.section_table_offset) + " is not " +
         std::to_string(mmf::kSectionTableOffset));
  }
  const uint64_t expected_count = 6 + uint64_t(v.config.num_layers) * (kProjectionsPerLayer + 1) + 1;
  if (h.section_count != expected_count) {
    fail("section table holds " + std::to_string(h.section_count) + " entries, the model config needs " +
         std::to_string(expected_count));
  }
  v.sections = mmf::read_section_table(image);
  std::memcpy(&v.descriptor, image.data() + mmf::kDeviceDescriptorOffset, sizeof v.descriptor);

  // The layout is a function of the config and the tokenizer size: demand exactly it.
  if (v.sections.empty() || v.sections[0].kind != uint32_t(SectionKind::Tokenizer)) {
    fail("section table does not start with the tokenizer");
  }
  // The layout below is computed from the tokenizer's size: bound it by the image first.
  if (v.sections[0].size > image.size()) fail("tokenizer section is larger than the image");
  if (!mmf::known_weight_encoding(v.descriptor.weight_encoding)) {
    fail("device descriptor weight_encoding " + std::to_string(v.descriptor.weight_encoding) +
         " is not one this build reads (0 = 2bit, 1 = trit5)");
  }
  v.encoding = static_cast<mmf::WeightEncoding>(v.descriptor.weight_encoding);
  const mmf::ImageLayout expected = mmf::compute_layout(v.config, v.sections[0].size, v.encoding);
  if (expected.header_bytes != h.header_bytes || expected.image_bytes != h.image_bytes ||
      expected.sections.size() != v.sections.size()) {
    fail("section layout does not match the model config");
  }
  if (std::memcmp(&expected.descriptor, &v.descriptor, sizeof v.descriptor) != 0) {
    fail("device descriptor does not match the model config");
  }
  for (std::size_t k = 0; k < v.sections.size(); ++k) {
    const SectionEntry& e = v.sections[k];
    if (!same_placement(expected.sections[k], e)) {
      fail("section " + std::to_string(k) + " (" + mmf::section_name(e) + ") is not where the model config puts it");
    }
    if (!all_zero(std::as_bytes(std::span(e.reserved)))) {
      fail("section " + std::to_string(k) + " (" + mmf::section_name(e) + ") has non-zero reserved bytes");
    }
    if (e.kind != uint32_t(SectionKind::Matrix) && std::bit_cast<uint32_t>(e.beta) != 0) {
      fail("section " + std::to_string(k) + " (" + mmf::section_name(e) + ") has a beta, but is not a matrix");
    }
  }

  // Every byte is covered: a section's CRC, or the zero padding between sections.
  uint64_t cursor = h.header_bytes;
  std::string previous = "header";
  const std::size_t betas_index = 2 + std::size_t(v.config.num_layers) + 2;
  std::vector<float> betas;
  auto check_crc = [&](const SectionEntry& e) {
    const auto bytes = image.subspan(e.offset, e.size);
    boost::crc_32_type crc;
    crc.process_bytes(bytes.data(), bytes.size());
    if (crc.checksum() != e.crc32) fail("section '" + mmf::section_name(e) + "' is corrupt (CRC mismatch)");
  };
  // A damaged weight is reported by the matrix that holds it. The matrices cover the Weights
  // region (the layout check above proved it: exactly in 2bit; in trit5 neighbours share the
  // beat where one ends and the next starts), so their CRCs cover every byte of it and the
  // region's own CRC (kept for device loaders) need not be computed a second time.
  for (const SectionEntry& e : v.sections) {
    if (e.kind == uint32_t(SectionKind::Matrix)) check_crc(e);
  }
  for (const SectionEntry& e : v.sections) {
    if (e.kind == uint32_t(SectionKind::Matrix)) continue;  // inside the Weights region
    if (e.kind != uint32_t(SectionKind::Weights)) check_crc(e);
    if (!all_zero(image.subspan(cursor, e.offset - cursor))) {
      fail("padding after section '" + previous + "' is not zero (corrupt image)");
    }
    cursor = e.offset + e.size;
    previous = mmf::section_name(e);
  }
  if (!all_zero(image.subspan(cursor))) fail("padding after section '" + previous + "' is not zero");

  // Values the CRCs cannot vouch for, since the writer produced them: betas agree with the
  // table, are positive and finite; no 0b10 code anywhere in the weights.
  betas.resize(v.sections[betas_index].size / 4);
  std::memcpy(betas.data(), image.data() + v.sections[betas_index].offset, betas.size() * 4);
  std::size_t matrix = 0;
  static constexpr std::array<bool, 256> kInvalid = invalid_code_bytes();
  for (const SectionEntry& e : v.sections) {
    if (e.kind != uint32_t(SectionKind::Matrix)) continue;
    if (!(e.beta > 0.0f) || !std::isfinite(e.beta) || e.beta != betas[matrix]) {
      fail("section '" + mmf::section_name(e) + "' has an invalid beta");
    }
    ++matrix;
    if (v.encoding != mmf::WeightEncoding::TwoBit) continue;  // trit5: checked below, once
    const auto* data = reinterpret_cast<const uint8_t*>(image.data() + e.offset);
    for (uint64_t k = 0; k < e.size; ++k) {
      if (kInvalid[data[k]]) fail("section '" + mmf::section_name(e) + "' holds an invalid ternary code");
    }
  }
  if (v.encoding == mmf::WeightEncoding::Trit5) check_trit5_weights(image, v, fail);
  return v;
}

}  // namespace mmfree::model
