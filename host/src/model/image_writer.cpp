#include "model/image_writer.hpp"

#include <array>
#include <boost/crc.hpp>
#include <cmath>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "mmfree/error.hpp"
#include "mmfree/mmf_format.hpp"
#include "model/hf_config.hpp"
#include "model/lower_bound.hpp"
#include "model/mapped_file.hpp"
#include "model/safetensors.hpp"
#include "model/tensor_names.hpp"
#include "model/ternarize.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"

namespace mmfree::model {

namespace {

using mmf::SectionEntry;

// Every tensor the image needs, looked up (and so checked) before anything is written.
struct CheckpointTensors {
  const TensorInfo* embeddings = nullptr;
  const TensorInfo* lower_bounds = nullptr;  // null when use_lower_bound is off and absent
  const TensorInfo* final_norm = nullptr;
  const TensorInfo* lm_head = nullptr;
  const TensorInfo* lm_head_norm = nullptr;
  std::vector<const TensorInfo*> norms;     // [l * kNormsPerLayer + n]
  std::vector<const TensorInfo*> matrices;  // [l * kProjectionsPerLayer + p]
};

CheckpointTensors find_tensors(const SafetensorsCheckpoint& ckpt, const ModelConfig& c) {
  const uint64_t d = c.hidden_size, i = c.intermediate_size, v = c.vocab_size, n_layers = c.num_layers;
  CheckpointTensors t;
  t.embeddings = &ckpt.tensor(kEmbeddingsTensor, {v, d});
  if (c.use_lower_bound || ckpt.contains(kLowerBoundsTensor)) {
    t.lower_bounds = &ckpt.tensor(kLowerBoundsTensor, {n_layers, d});
  }
  t.final_norm = &ckpt.tensor(kFinalNormTensor, {d});
  t.lm_head = &ckpt.tensor(kLmHeadTensor, {v, d});
  t.lm_head_norm = &ckpt.tensor(kLmHeadNormTensor, {d});
  for (uint32_t l = 0; l < c.num_layers; ++l) {
    for (int n = 0; n < kNormsPerLayer; ++n) {
      const auto which = static_cast<LayerNorm>(n);
      const uint64_t len = which == LayerNorm::DownProj ? i : d;
      t.norms.push_back(&ckpt.tensor(layer_norm_tensor(l, which), {len}));
    }
    for (int p = 0; p < kProjectionsPerLayer; ++p) {
      const auto proj = static_cast<Projection>(p);
      t.matrices.push_back(&ckpt.tensor(projection_tensor(l, proj),
                                        {mmf::projection_rows(proj, c.hidden_size, c.intermediate_size),
                                         mmf::projection_cols(proj, c.hidden_size, c.intermediate_size)}));
    }
  }
  return t;
}

// Reads a whole (small) tensor as float, rejecting non-finite values.
std::vector<float> read_vector(const TensorInfo& t) {
  std::vector<float> out(t.element_count());
  t.read(0, out);
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (!std::isfinite(out[k])) {
      throw ModelError(t.file->path().string() + ": tensor '" + t.name + "' holds a non-finite value at element " +
                       std::to_string(k));
    }
  }
  return out;
}

std::span<const std::byte> as_bytes(std::span<const float> v) { return std::as_bytes(v); }

// SentencePiece models are well under 10 MB (the released models' is 500 KB).
constexpr uint64_t kMaxTokenizerBytes = 64u << 20;

// The tokenizer is packed into the image and used by every later command: one that does not
// load, or whose vocabulary is not the model's, is refused now rather than there.
void check_tokenizer(const MappedFile& file, const ModelConfig& config) {
  const std::string where = file.path().string();
  if (file.size() == 0) throw ModelError(where + ": empty file");
  if (file.size() > kMaxTokenizerBytes) {
    throw ModelError(where + ": " + std::to_string(file.size()) + " bytes, larger than any SentencePiece model (" +
                     std::to_string(kMaxTokenizerBytes) + " bytes at most)");
  }
  const auto bytes = file.bytes();
  std::optional<Tokenizer> tokenizer;
  try {
    tokenizer.emplace(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  } catch (const Error& e) {
    throw ModelError(where + ": " + e.what());
  }
  if (tokenizer->vocab_size() != config.vocab_size) {
    throw ModelError(where + ": has " + std::to_string(tokenizer->vocab_size()) +
                     " pieces but config.json says vocab_size " + std::to_string(config.vocab_size) +
                     ": the tokenizer does not belong to this model");
  }
}

class ImageBuilder {
 public:
  ImageBuilder(const ModelConfig& config, const mmf::ImageLayout& layout, ImageSink& sink,
               const ConvertProgress& progress, uint64_t progress_total)
      : config_(config), layout_(layout), sink_(sink), progress_(progress), total_(progress_total) {
    table_ = layout.sections;
    beat_.fill(mmf::kZeroTrit5Byte);
  }

  // Writes a whole section at once and records its CRC.
  void put_section(std::size_t index, std::span<const std::byte> bytes) {
    SectionEntry& e = table_[index];
    if (bytes.size() != e.size) throw ModelError("internal: section " + mmf::section_name(e) + " size mismatch");
    sink_.write(e.offset, bytes);
    boost::crc_32_type crc;
    crc.process_bytes(bytes.data(), bytes.size());
    e.crc32 = crc.checksum();
  }

  void tensor_done(const TensorInfo& t) {
    t.release();
    done_ += t.bytes;
    if (progress_) progress_(done_, total_);
  }

  void write_tokenizer(std::span<const std::byte> bytes) { put_section(0, bytes); }

  void write_embeddings(const TensorInfo& t) {
    SectionEntry& e = table_[1];
    const uint64_t count = t.element_count();
    std::vector<float> chunk(1u << 16);
    boost::crc_32_type crc;
    for (uint64_t first = 0; first < count; first += chunk.size()) {
      const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(chunk.size(), count - first));
      const std::span<float> part(chunk.data(), n);
      t.read(first, part);
      for (std::size_t k = 0; k < n; ++k) {
        if (!std::isfinite(part[k])) {
          throw ModelError(t.file->path().string() + ": tensor '" + t.name +
                           "' holds a non-finite value at element " + std::to_string(first + k));
        }
      }
      sink_.write(e.offset + first * 4, as_bytes(part));
      crc.process_bytes(part.data(), n * 4);
    }
    e.crc32 = crc.checksum();
    tensor_done(t);
  }

  void write_layer_block(uint32_t layer, const CheckpointTensors& t, std::span<const float> lb) {
    const uint32_t d = config_.hidden_size, i = config_.intermediate_size;
    std::vector<std::byte> block(mmf::layer_block_bytes(d, i), std::byte{0});
    for (int n = 0; n < kNormsPerLayer; ++n) {
      const TensorInfo& norm = *t.norms[std::size_t(layer) * kNormsPerLayer + n];
      const std::vector<float> values = read_vector(norm);
      std::memcpy(block.data() + mmf::layer_norm_offset_in_block(static_cast<LayerNorm>(n), d), values.data(),
                  values.size() * 4);
      tensor_done(norm);
    }
    std::memcpy(block.data() + mmf::lower_bound_offset_in_block(d, i), lb.data() + std::size_t(layer) * d,
                std::size_t(d) * 4);
    put_section(2 + layer, block);
  }

  void write_vector_section(std::size_t index, const TensorInfo& t) {
    const std::vector<float> values = read_vector(t);
    put_section(index, as_bytes(std::span<const float>(values)));
    tensor_done(t);
  }

  // Matrices must come in streaming order: the weights region's CRC runs over them in turn.
  void write_matrix(uint32_t layer, uint32_t index, const TensorInfo& t) {
    const std::size_t section = mmf::matrix_section_index(config_, layer, index);
    SectionEntry& e = table_[section];
    const PackedTernaryMatrix m = ternarize(t, e.rows, e.cols);
    if (trit5()) {
      pack_trit5(section, m);
    } else {
      const auto bytes = std::as_bytes(std::span<const uint8_t>(m.data));
      sink_.write(e.offset, bytes);
      boost::crc_32_type crc;
      crc.process_bytes(bytes.data(), bytes.size());
      e.crc32 = crc.checksum();
      weights_crc_.process_bytes(bytes.data(), bytes.size());
    }
    e.beta = m.beta;
    betas_.push_back(m.beta);
    tensor_done(t);
  }

  void finish() {
    if (trit5() && segment_in_beat_ > 0) flush_beat();  // the tail: digit 1 (weight 0) segments
    const std::size_t first_after_layers = 2 + config_.num_layers;
    put_section(first_after_layers + 2, as_bytes(std::span<const float>(betas_)));  // Betas
    table_[first_after_layers + 3].crc32 = weights_crc_.checksum();                 // Weights

    std::vector<std::byte> header(layout_.header_bytes, std::byte{0});
    mmf::FileHeader h{};
    std::memcpy(h.magic, mmf::kMagic, sizeof h.magic);
    h.format_version = mmf::kFormatVersion;
    h.header_bytes = static_cast<uint32_t>(layout_.header_bytes);
    h.image_bytes = layout_.image_bytes;
    h.section_count = static_cast<uint32_t>(table_.size());
    h.section_table_offset = static_cast<uint32_t>(mmf::kSectionTableOffset);
    h.section_entry_bytes = sizeof(SectionEntry);
    h.header_crc32 = 0;
    h.hidden_size = config_.hidden_size;
    h.num_layers = config_.num_layers;
    h.intermediate_size = config_.intermediate_size;
    h.vocab_size = config_.vocab_size;
    h.rms_norm_eps = config_.rms_norm_eps;
    h.flags = config_.use_lower_bound ? mmf::kFlagUseLowerBound : 0;
    h.bos_token_id = config_.bos_token_id;
    h.eos_token_id = config_.eos_token_id;
    std::memcpy(header.data() + mmf::kFileHeaderOffset, &h, sizeof h);
    std::memcpy(header.data() + mmf::kDeviceDescriptorOffset, &layout_.descriptor, sizeof layout_.descriptor);
    std::memcpy(header.data() + mmf::kSectionTableOffset, table_.data(), table_.size() * sizeof(SectionEntry));
    boost::crc_32_type crc;
    crc.process_bytes(header.data(), header.size());
    h.header_crc32 = crc.checksum();
    std::memcpy(header.data() + mmf::kFileHeaderOffset, &h, sizeof h);
    sink_.write(0, header);
  }

 private:
  const ModelConfig& config_;
  const mmf::ImageLayout& layout_;
  ImageSink& sink_;
  const ConvertProgress& progress_;
  uint64_t total_;
  uint64_t done_ = 0;
  std::vector<SectionEntry> table_;
  std::vector<float> betas_;
  boost::crc_32_type weights_crc_;

  // trit5 packing: the beat being filled, and the matrices whose CRC still needs beats (a beat
  // may hold the end of one matrix and the start of the next, so a matrix's CRC is complete
  // only once its last beat is).
  struct OpenMatrix {
    std::size_t section;
    uint64_t last_beat;
    boost::crc_32_type crc;
  };
  std::array<uint8_t, mmf::kBeatBytes> beat_{};
  unsigned segment_in_beat_ = 0;
  uint64_t beat_index_ = 0;
  std::deque<OpenMatrix> open_;

  bool trit5() const { return layout_.descriptor.weight_encoding == uint32_t(mmf::WeightEncoding::Trit5); }

  void pack_trit5(std::size_t section, const PackedTernaryMatrix& m) {
    const SectionEntry& e = table_[section];
    OpenMatrix open;
    open.section = section;
    open.last_beat = (e.offset + e.size - layout_.descriptor.weights_offset) / mmf::kBeatBytes - 1;
    open_.push_back(open);
    const uint32_t segments = mmf::row_segments(e.cols);
    for (uint32_t r = 0; r < e.rows; ++r) {
      const uint8_t* row = m.data.data() + std::size_t(r) * m.row_stride_bytes;
      for (uint32_t k = 0; k < segments; ++k) {
        mmf::add_codes_to_trit5_segment(row + 16 * k, segment_in_beat_, beat_.data());
        if (++segment_in_beat_ == mmf::kSegmentsPerBeat) flush_beat();
      }
    }
  }

  void flush_beat() {
    sink_.write(layout_.descriptor.weights_offset + beat_index_ * mmf::kBeatBytes,
                std::as_bytes(std::span<const uint8_t>(beat_)));
    weights_crc_.process_bytes(beat_.data(), beat_.size());
    for (OpenMatrix& o : open_) o.crc.process_bytes(beat_.data(), beat_.size());
    while (!open_.empty() && open_.front().last_beat == beat_index_) {
      table_[open_.front().section].crc32 = open_.front().crc.checksum();
      open_.pop_front();
    }
    ++beat_index_;
    segment_in_beat_ = 0;
    beat_.fill(mmf::kZeroTrit5Byte);
  }
};

}  // namespace

void write_image(const std::filesystem::path& hf_dir, ImageSink& sink, const ConvertProgress& progress,
                 mmf::WeightEncoding encoding) {
  if (!std::filesystem::is_directory(hf_dir)) throw ModelError(hf_dir.string() + ": not a directory");
  const ModelConfig config = read_hf_config(hf_dir / "config.json");
  const MappedFile tokenizer(hf_dir / "tokenizer.model");
  check_tokenizer(tokenizer, config);
  const SafetensorsCheckpoint ckpt(hf_dir);
  const CheckpointTensors t = find_tensors(ckpt, config);

  std::vector<float> lb(std::size_t(config.num_layers) * config.hidden_size, 0.0f);
  uint64_t total = t.embeddings->bytes + t.final_norm->bytes + t.lm_head->bytes + t.lm_head_norm->bytes;
  if (t.lower_bounds != nullptr) {
    total += t.lower_bounds->bytes;
    if (config.use_lower_bound) {
      lb = cumulative_lower_bounds(read_vector(*t.lower_bounds), config.num_layers, config.hidden_size);
    }
  }
  for (const auto* n : t.norms) total += n->bytes;
  for (const auto* m : t.matrices) total += m->bytes;

  const mmf::ImageLayout layout = mmf::compute_layout(config, tokenizer.size(), encoding);
  sink.reserve(layout.image_bytes);
  ImageBuilder builder(config, layout, sink, progress, total);
  if (t.lower_bounds != nullptr) builder.tensor_done(*t.lower_bounds);

  builder.write_tokenizer(tokenizer.bytes());
  builder.write_embeddings(*t.embeddings);
  for (uint32_t l = 0; l < config.num_layers; ++l) builder.write_layer_block(l, t, lb);
  const std::size_t after_layers = 2 + config.num_layers;
  builder.write_vector_section(after_layers, *t.final_norm);
  builder.write_vector_section(after_layers + 1, *t.lm_head_norm);
  for (uint32_t l = 0; l < config.num_layers; ++l) {
    for (int p = 0; p < kProjectionsPerLayer; ++p) {
      builder.write_matrix(l, uint32_t(p), *t.matrices[std::size_t(l) * kProjectionsPerLayer + p]);
    }
  }
  builder.write_matrix(mmf::kNoLayer, mmf::kLmHeadIndex, *t.lm_head);
  builder.finish();
}

}  // namespace mmfree::model
