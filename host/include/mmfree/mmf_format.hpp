// The on-disk layout of a packed `.mmf` image (docs/mmf-format.md documents every byte).
//
// An image is little-endian and self-contained: a 4096-byte-aligned header region (file
// header, fixed-offset device descriptor, section table) followed by 4096-byte-aligned
// sections. The structs below are the exact byte layout; they are read and written with
// memcpy, which is why the build insists on a little-endian host.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mmfree/contract.hpp"
#include "mmfree/model.hpp"
#include "mmfree/weight_encoding.hpp"

namespace mmfree::mmf {

static_assert(std::endian::native == std::endian::little,
              ".mmf images are little-endian and read with memcpy");

inline constexpr const auto& kMagic = contract::kImageMagic;          // hw/contract
inline constexpr uint32_t kFormatVersion = contract::kImageFormatVersion;
inline constexpr uint64_t kSectionAlignment = 4096;  // every section starts on a page
inline constexpr uint64_t kVectorAlignment = 64;     // one 512-bit beat
inline constexpr uint64_t kRowAlignment = 64;        // packed matrix rows
inline constexpr uint32_t kNoLayer = 0xFFFFFFFFu;    // `layer` of a global section
inline constexpr uint32_t kLmHeadIndex = 6;          // `index` of the lm_head matrix entry

inline constexpr uint64_t kFileHeaderOffset = 0;
inline constexpr uint64_t kDeviceDescriptorOffset = 128;
inline constexpr uint64_t kSectionTableOffset = 256;

inline constexpr uint32_t kFlagUseLowerBound = 1u << 0;

// Offset 0, 128 bytes.
struct FileHeader {
  char magic[8];                  // 0   kMagic
  uint32_t format_version;        // 8   kFormatVersion
  uint32_t header_bytes;          // 12  header region (header, descriptor, table), 4096-aligned
  uint64_t image_bytes;           // 16  whole image, == file size
  uint32_t section_count;         // 24
  uint32_t section_table_offset;  // 28  kSectionTableOffset
  uint32_t section_entry_bytes;   // 32  sizeof(SectionEntry)
  uint32_t header_crc32;          // 36  CRC-32 of [0, header_bytes) with this field read as 0
  uint32_t hidden_size;           // 40  d
  uint32_t num_layers;            // 44  L
  uint32_t intermediate_size;     // 48  I
  uint32_t vocab_size;            // 52  V
  float rms_norm_eps;             // 56
  uint32_t flags;                 // 60  kFlagUseLowerBound
  uint32_t bos_token_id;          // 64
  uint32_t eos_token_id;          // 68
  uint8_t reserved[56];           // 72  zero
};
static_assert(sizeof(FileHeader) == 128);

// Offset 128, 128 bytes: everything the hardware sequencer needs, at fixed offsets, so it
// never parses the section table. Its fields are generated from the contract description
// (hw/contract/mmfree_contract.toml, docs/registers.md "Device descriptor").
using DeviceDescriptor = contract::DeviceDescriptor;
static_assert(kDeviceDescriptorOffset == contract::kDescriptorImageOffset);
static_assert(sizeof(DeviceDescriptor) == 128);

enum class SectionKind : uint32_t {
  Tokenizer = 1,    // sentencepiece model proto bytes
  Embeddings = 2,   // [V, d] f32
  LayerParams = 3,  // one layer block (9 norm vectors in LayerNorm order, then LB[l])
  FinalNorm = 4,    // [d] f32
  LmHeadNorm = 5,   // [d] f32
  Betas = 6,        // (6L + 1) f32
  Weights = 7,      // the contiguous packed-matrix region
  Matrix = 8,       // one matrix inside the Weights region (a view, not separately placed)
};

// One row of the section table, 64 bytes.
struct SectionEntry {
  uint32_t kind;              // +0  SectionKind
  uint32_t layer;             // +4  layer, or kNoLayer
  uint32_t index;             // +8  Projection for Matrix (kLmHeadIndex for lm_head), else 0
  uint32_t crc32;             // +12 CRC-32 (boost::crc_32_type) of [offset, offset + size)
  uint64_t offset;            // +16
  uint64_t size;              // +24
  uint32_t rows;              // +32 Matrix only, else 0
  uint32_t cols;              // +36
  uint32_t row_stride_bytes;  // +40
  float beta;                 // +44
  uint8_t reserved[16];       // +48 zero
};
static_assert(sizeof(SectionEntry) == 64);

constexpr uint64_t round_up(uint64_t value, uint64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}
// Bytes of one packed row of `cols` ternary weights (2 bits each), padded to a beat.
constexpr uint32_t packed_row_stride(uint32_t cols) {
  return static_cast<uint32_t>(round_up((uint64_t(cols) + 3) / 4, kRowAlignment));
}
// Bytes of one f32 vector slot of length n inside a layer block.
constexpr uint32_t vector_slot_bytes(uint32_t n) {
  return static_cast<uint32_t>(round_up(uint64_t(n) * 4, kVectorAlignment));
}
// Offset of a norm vector inside a layer block: the eight d-long norms, then the I-long
// down_proj norm, then LB[l].
constexpr uint64_t layer_norm_offset_in_block(LayerNorm which, uint32_t d) {
  return uint64_t(static_cast<uint8_t>(which)) * vector_slot_bytes(d);
}
constexpr uint64_t lower_bound_offset_in_block(uint32_t d, uint32_t i) {
  return 8 * uint64_t(vector_slot_bytes(d)) + vector_slot_bytes(i);
}
constexpr uint64_t layer_block_bytes(uint32_t d, uint32_t i) {
  return lower_bound_offset_in_block(d, i) + vector_slot_bytes(d);
}
// Rows and columns of a projection matrix of a model with width d and GLU width I.
constexpr uint32_t projection_rows(Projection p, uint32_t d, uint32_t i) {
  return p == Projection::Gate ? 2 * i : d;
}
constexpr uint32_t projection_cols(Projection p, uint32_t d, uint32_t i) {
  return p == Projection::Down ? i : d;
}

// Where everything of an image goes, computed from the config, the tokenizer size and the weight
// encoding alone (the writer places sections here and the reader insists on exactly this layout).
struct ImageLayout {
  DeviceDescriptor descriptor{};
  uint64_t header_bytes = 0;
  uint64_t image_bytes = 0;
  // In table order: Tokenizer, Embeddings, LayerParams 0..L-1, FinalNorm, LmHeadNorm, Betas,
  // Weights, then the 6L + 1 Matrix entries in streaming order. crc32 and beta are left 0.
  std::vector<SectionEntry> sections;
};
ImageLayout compute_layout(const ModelConfig& config, uint64_t tokenizer_bytes,
                           WeightEncoding encoding = kDefaultWeightEncoding);

// Segments of one layer's six matrices, and of the whole weight stream (trit5; docs/mmf-format.md).
uint64_t layer_segments(uint32_t d, uint32_t i);
uint64_t stream_segments(const ModelConfig& config);
// The first segment of the Matrix entry (layer, index) in the weights region's trit5 stream.
uint64_t matrix_first_segment(const ModelConfig& config, uint32_t layer, uint32_t index);

// Index in ImageLayout::sections / the table of the Matrix entry of (layer, projection);
// layer == kNoLayer selects lm_head.
std::size_t matrix_section_index(const ModelConfig& config, uint32_t layer, uint32_t index);

// Human-readable name of a section ("layer 3 params", "matrix layer 2 gate_proj", ...).
std::string section_name(const SectionEntry& entry);
const char* projection_name(Projection p);

// The section table of a validated image (as returned by Model::image()).
std::vector<SectionEntry> read_section_table(std::span<const std::byte> image);
FileHeader read_file_header(std::span<const std::byte> image);
DeviceDescriptor read_device_descriptor(std::span<const std::byte> image);

}  // namespace mmfree::mmf
