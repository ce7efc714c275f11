// Layout computation and table helpers of the `.mmf` format (docs/mmf-format.md).
#include "mmfree/mmf_format.hpp"

#include <cstring>

#include "mmfree/error.hpp"
#include "model/tensor_names.hpp"

namespace mmfree::mmf {

namespace {

SectionEntry make_entry(SectionKind kind, uint32_t layer, uint32_t index, uint64_t offset,
                        uint64_t size) {
  SectionEntry e{};
  e.kind = static_cast<uint32_t>(kind);
  e.layer = layer;
  e.index = index;
  e.offset = offset;
  e.size = size;
  return e;
}

}  // namespace

uint64_t layer_segments(uint32_t d, uint32_t i) {
  uint64_t segments = 0;
  for (int p = 0; p < kProjectionsPerLayer; ++p) {
    const auto proj = static_cast<Projection>(p);
    segments += uint64_t(projection_rows(proj, d, i)) * row_segments(projection_cols(proj, d, i));
  }
  return segments;
}

uint64_t stream_segments(const ModelConfig& c) {
  return layer_segments(c.hidden_size, c.intermediate_size) * c.num_layers +
         uint64_t(c.vocab_size) * row_segments(c.hidden_size);
}

uint64_t matrix_first_segment(const ModelConfig& c, uint32_t layer, uint32_t index) {
  const uint32_t d = c.hidden_size, i = c.intermediate_size;
  if (layer == kNoLayer) return layer_segments(d, i) * c.num_layers;
  uint64_t segments = layer_segments(d, i) * layer;
  for (uint32_t p = 0; p < index; ++p) {
    const auto proj = static_cast<Projection>(p);
    segments += uint64_t(projection_rows(proj, d, i)) * row_segments(projection_cols(proj, d, i));
  }
  return segments;
}

ImageLayout compute_layout(const ModelConfig& config, uint64_t tokenizer_bytes, WeightEncoding encoding) {
  const uint32_t d = config.hidden_size;
  const uint32_t n_layers = config.num_layers;
  const uint32_t i = config.intermediate_size;
  const uint32_t v = config.vocab_size;
  const uint64_t matrix_count = uint64_t(kProjectionsPerLayer) * n_layers + 1;
  const uint64_t section_count = 6 + uint64_t(n_layers) + matrix_count;

  ImageLayout layout;
  layout.header_bytes = round_up(kSectionTableOffset + section_count * sizeof(SectionEntry),
                                 kSectionAlignment);
  uint64_t cursor = layout.header_bytes;
  auto place = [&](SectionKind kind, uint32_t layer, uint64_t size) {
    layout.sections.push_back(make_entry(kind, layer, 0, cursor, size));
    const uint64_t offset = cursor;
    cursor = round_up(cursor + size, kSectionAlignment);
    return offset;
  };

  DeviceDescriptor& desc = layout.descriptor;
  desc.hidden_size = d;
  desc.num_layers = n_layers;
  desc.intermediate_size = i;
  desc.vocab_size = v;
  desc.row_stride_d = packed_row_stride(d);
  desc.row_stride_i = packed_row_stride(i);
  desc.vector_stride_d = vector_slot_bytes(d);
  desc.vector_stride_i = vector_slot_bytes(i);
  desc.rms_norm_eps = config.rms_norm_eps;
  desc.flags = config.use_lower_bound ? kFlagUseLowerBound : 0;
  desc.weight_encoding = static_cast<uint32_t>(encoding);
  const bool trit5 = encoding == WeightEncoding::Trit5;

  place(SectionKind::Tokenizer, kNoLayer, tokenizer_bytes);
  desc.embeddings_offset = place(SectionKind::Embeddings, kNoLayer, uint64_t(v) * d * 4);
  const uint64_t block_bytes = layer_block_bytes(d, i);
  desc.layer_block_stride = round_up(block_bytes, kSectionAlignment);
  for (uint32_t l = 0; l < n_layers; ++l) {
    const uint64_t offset = place(SectionKind::LayerParams, l, block_bytes);
    if (l == 0) desc.layer_block_offset = offset;
  }
  if (n_layers == 0) desc.layer_block_offset = cursor;
  desc.final_norm_offset = place(SectionKind::FinalNorm, kNoLayer, uint64_t(d) * 4);
  desc.lm_head_norm_offset = place(SectionKind::LmHeadNorm, kNoLayer, uint64_t(d) * 4);
  desc.betas_offset = place(SectionKind::Betas, kNoLayer, matrix_count * 4);

  desc.layer_weights_stride = 0;
  for (int p = 0; p < kProjectionsPerLayer; ++p) {
    const auto proj = static_cast<Projection>(p);
    desc.layer_weights_stride +=
        uint64_t(projection_rows(proj, d, i)) * packed_row_stride(projection_cols(proj, d, i));
  }
  desc.weights_bytes = desc.layer_weights_stride * n_layers + uint64_t(v) * desc.row_stride_d;
  if (trit5) {
    // Layers start mid-beat: no byte stride between them (their segments: layer_segments).
    desc.layer_weights_stride = 0;
    desc.weights_bytes = trit5_bytes(stream_segments(config));
  }
  desc.weights_offset = place(SectionKind::Weights, kNoLayer, desc.weights_bytes);

  uint64_t matrix_offset = desc.weights_offset;
  uint64_t first_segment = 0;
  auto add_matrix = [&](uint32_t layer, uint32_t index, uint32_t rows, uint32_t cols) {
    SectionEntry e = make_entry(SectionKind::Matrix, layer, index, matrix_offset, 0);
    e.rows = rows;
    e.cols = cols;
    if (trit5) {
      // The whole beats holding any of the matrix's segments: a beat at either end may be
      // shared with the neighbouring matrix (their CRCs both cover it). No row stride.
      const uint64_t end_segment = first_segment + uint64_t(rows) * row_segments(cols);
      const uint64_t first_beat = first_segment / kSegmentsPerBeat;
      e.offset = desc.weights_offset + first_beat * kBeatBytes;
      e.size = (trit5_beats(end_segment) - first_beat) * kBeatBytes;
      first_segment = end_segment;
    } else {
      e.row_stride_bytes = packed_row_stride(cols);
      e.size = uint64_t(rows) * e.row_stride_bytes;
      matrix_offset += e.size;
    }
    layout.sections.push_back(e);
  };
  for (uint32_t l = 0; l < n_layers; ++l) {
    for (int p = 0; p < kProjectionsPerLayer; ++p) {
      const auto proj = static_cast<Projection>(p);
      add_matrix(l, uint32_t(p), projection_rows(proj, d, i), projection_cols(proj, d, i));
    }
  }
  add_matrix(kNoLayer, kLmHeadIndex, v, d);

  layout.image_bytes = cursor;
  return layout;
}

std::size_t matrix_section_index(const ModelConfig& config, uint32_t layer, uint32_t index) {
  const std::size_t first_matrix = 6 + std::size_t(config.num_layers);
  if (layer == kNoLayer) return first_matrix + std::size_t(kProjectionsPerLayer) * config.num_layers;
  return first_matrix + std::size_t(layer) * kProjectionsPerLayer + index;
}

const char* projection_name(Projection p) { return model::projection_module(p); }

std::string section_name(const SectionEntry& e) {
  switch (static_cast<SectionKind>(e.kind)) {
    case SectionKind::Tokenizer: return "tokenizer";
    case SectionKind::Embeddings: return "embeddings";
    case SectionKind::LayerParams: return "layer " + std::to_string(e.layer) + " params";
    case SectionKind::FinalNorm: return "final norm";
    case SectionKind::LmHeadNorm: return "lm_head norm";
    case SectionKind::Betas: return "betas";
    case SectionKind::Weights: return "weights";
    case SectionKind::Matrix:
      if (e.layer == kNoLayer) return "matrix lm_head";
      if (e.index < kProjectionsPerLayer) {
        return "matrix layer " + std::to_string(e.layer) + " " +
               projection_name(static_cast<Projection>(e.index));
      }
      return "matrix layer " + std::to_string(e.layer) + " index " + std::to_string(e.index);
  }
  return "unknown section kind " + std::to_string(e.kind);
}

FileHeader read_file_header(std::span<const std::byte> image) {
  if (image.size() < sizeof(FileHeader) + sizeof(DeviceDescriptor)) {
    throw ModelError(".mmf image of " + std::to_string(image.size()) +
                     " bytes is too short to hold its header");
  }
  FileHeader h;
  std::memcpy(&h, image.data() + kFileHeaderOffset, sizeof h);
  return h;
}

DeviceDescriptor read_device_descriptor(std::span<const std::byte> image) {
  read_file_header(image);  // size check
  DeviceDescriptor d;
  std::memcpy(&d, image.data() + kDeviceDescriptorOffset, sizeof d);
  return d;
}

std::vector<SectionEntry> read_section_table(std::span<const std::byte> image) {
  const FileHeader h = read_file_header(image);
  const uint64_t end = uint64_t(h.section_table_offset) + uint64_t(h.section_count) * sizeof(SectionEntry);
  if (h.section_entry_bytes != sizeof(SectionEntry) || end > image.size() || end > h.header_bytes) {
    throw ModelError(".mmf section table (" + std::to_string(h.section_count) +
                     " entries) does not fit in the header");
  }
  std::vector<SectionEntry> table(h.section_count);
  std::memcpy(table.data(), image.data() + h.section_table_offset, table.size() * sizeof(SectionEntry));
  return table;
}

}  // namespace mmfree::mmf
