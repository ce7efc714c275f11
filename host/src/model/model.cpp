// Model: zero-copy views into one validated `.mmf` image, mapped from a file or built in
// memory from a Hugging Face directory (the same bytes `mmfree convert` would write).
#include "mmfree/model.hpp"

#include <cstring>
#include <optional>
#include <vector>

#include "mmfree/error.hpp"
#include "mmfree/mmf_format.hpp"
#include "model/image_reader.hpp"
#include "model/image_sink.hpp"
#include "model/image_writer.hpp"
#include "model/mapped_file.hpp"

namespace mmfree {

class Model::Impl {
 public:
  std::string where;
  std::optional<model::MappedFile> file;  // set when opened from a .mmf file
  std::vector<std::byte> buffer;          // set when built from a Hugging Face directory
  std::span<const std::byte> image;
  model::ValidatedImage v;
  // trit5 images: every matrix decoded to 2-bit rows, laid out as the 2bit image's weights
  // region would be (matrix entries of `two_bit`), so every CPU backend reads one format.
  std::vector<uint8_t> decoded;
  std::vector<mmf::SectionEntry> two_bit;

  void decode_weights() {
    if (v.encoding == mmf::WeightEncoding::TwoBit) return;
    two_bit = mmf::compute_layout(v.config, v.sections[0].size, mmf::WeightEncoding::TwoBit).sections;
    std::vector<mmf::StreamShape> shapes;
    for (const mmf::SectionEntry& e : v.sections)
      if (e.kind == uint32_t(mmf::SectionKind::Matrix)) shapes.push_back({e.rows, e.cols});
    const auto* region = reinterpret_cast<const uint8_t*>(image.data() + v.descriptor.weights_offset);
    decoded = mmf::decode_trit5_stream(std::span<const uint8_t>(region, v.descriptor.weights_bytes), shapes);
  }

  const float* floats_at(uint64_t offset) const {
    // Every vector offset is 64-byte aligned inside a page-aligned image.
    return reinterpret_cast<const float*>(image.data() + offset);
  }
  void check_layer(uint32_t layer) const {
    if (layer >= v.config.num_layers) {
      throw ModelError(where + ": layer " + std::to_string(layer) + " out of range (the model has " +
                       std::to_string(v.config.num_layers) + ")");
    }
  }
  uint64_t two_bit_weights_offset() const {
    // The Weights entry precedes the matrices: the first Matrix entry starts the region.
    return two_bit[mmf::matrix_section_index(v.config, 0, 0)].offset;
  }
  TernaryMatrixView matrix_view(uint32_t layer, uint32_t index) const {
    const std::size_t k = mmf::matrix_section_index(v.config, layer, index);
    const mmf::SectionEntry& e = v.sections[k];
    TernaryMatrixView m;
    m.rows = e.rows;
    m.cols = e.cols;
    m.beta = e.beta;
    if (decoded.empty()) {
      m.row_stride_bytes = e.row_stride_bytes;
      m.data = reinterpret_cast<const uint8_t*>(image.data() + e.offset);
    } else {
      const mmf::SectionEntry& t = two_bit[k];
      m.row_stride_bytes = t.row_stride_bytes;
      m.data = decoded.data() + (t.offset - two_bit_weights_offset());
    }
    return m;
  }
};

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

Model Model::open(const std::filesystem::path& path, mmf::WeightEncoding directory_encoding) {
  auto impl = std::make_unique<Impl>();
  impl->where = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    model::MemoryImageSink sink;
    model::write_image(path, sink, {}, directory_encoding);
    impl->buffer = sink.take();
    impl->image = impl->buffer;
  } else if (std::filesystem::exists(path, ec)) {
    impl->file.emplace(path);
    impl->image = impl->file->bytes();
  } else {
    throw ModelError(path.string() + ": no such file or directory (expected a .mmf file or a Hugging Face "
                     "MMfreeLM directory)");
  }
  impl->v = model::validate_image(impl->image, impl->where);
  impl->decode_weights();
  return Model(std::move(impl));
}

const ModelConfig& Model::config() const { return impl_->v.config; }

std::span<const float> Model::embedding(uint32_t token) const {
  const ModelConfig& c = impl_->v.config;
  if (token >= c.vocab_size) {
    throw ModelError(impl_->where + ": token id " + std::to_string(token) + " is not below the vocabulary size " +
                     std::to_string(c.vocab_size));
  }
  return {impl_->floats_at(impl_->v.descriptor.embeddings_offset) + std::size_t(token) * c.hidden_size,
          c.hidden_size};
}

std::span<const float> Model::lower_bound(uint32_t layer) const {
  impl_->check_layer(layer);
  const auto& d = impl_->v.descriptor;
  return {impl_->floats_at(d.layer_block_offset + layer * d.layer_block_stride +
                           mmf::lower_bound_offset_in_block(d.hidden_size, d.intermediate_size)),
          d.hidden_size};
}

std::span<const float> Model::norm(uint32_t layer, LayerNorm which) const {
  impl_->check_layer(layer);
  const auto& d = impl_->v.descriptor;
  const std::size_t length = which == LayerNorm::DownProj ? d.intermediate_size : d.hidden_size;
  return {impl_->floats_at(d.layer_block_offset + layer * d.layer_block_stride +
                           mmf::layer_norm_offset_in_block(which, d.hidden_size)),
          length};
}

TernaryMatrixView Model::matrix(uint32_t layer, Projection which) const {
  impl_->check_layer(layer);
  return impl_->matrix_view(layer, static_cast<uint32_t>(which));
}

std::span<const float> Model::final_norm() const {
  return {impl_->floats_at(impl_->v.descriptor.final_norm_offset), impl_->v.config.hidden_size};
}

std::span<const float> Model::lm_head_norm() const {
  return {impl_->floats_at(impl_->v.descriptor.lm_head_norm_offset), impl_->v.config.hidden_size};
}

TernaryMatrixView Model::lm_head() const { return impl_->matrix_view(mmf::kNoLayer, mmf::kLmHeadIndex); }

std::string_view Model::tokenizer_model() const {
  const mmf::SectionEntry& e = impl_->v.sections[0];
  return {reinterpret_cast<const char*>(impl_->image.data() + e.offset), e.size};
}

std::span<const std::byte> Model::image() const { return impl_->image; }

mmf::WeightEncoding Model::weight_encoding() const { return impl_->v.encoding; }

}  // namespace mmfree
