// The model's SentencePiece tokenizer, loaded from the bytes a Model carries.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace mmfree {

class Tokenizer {
 public:
  // `serialized_model` is tokenizer.model byte for byte (Model::tokenizer_model()).
  // Throws ModelError when it does not parse.
  explicit Tokenizer(std::string_view serialized_model);
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  // Text to ids. No BOS is added: callers that want one put bos_id() first themselves.
  std::vector<uint32_t> encode(std::string_view text) const;
  // Ids to text, exactly as SentencePiece decodes them. Throws UsageError for an id >= vocab_size().
  std::string decode(std::span<const uint32_t> ids) const;

  uint32_t vocab_size() const;
  uint32_t bos_id() const;
  uint32_t eos_id() const;
  uint32_t unk_id() const;

  std::string piece(uint32_t id) const;  // the raw piece, e.g. "▁the" or "<0xE6>"
  bool is_control(uint32_t id) const;    // <s>, </s>: decode to nothing
  bool is_unknown(uint32_t id) const;
  // Byte-fallback pieces <0x00>..<0xFF>; returns the byte, or -1 when `id` is not one.
  int byte_value(uint32_t id) const;
  // What SentencePiece prints for <unk> (the model's unk_surface, " \u2047 " by default).
  const std::string& unknown_surface() const { return unknown_surface_; }
  // Whether decoding drops the "▁" that starts the text (models with add_dummy_prefix do).
  bool strips_leading_space() const { return strips_leading_space_; }

  // Throws UsageError naming `id` when it is out of range.
  void check_id(uint32_t id) const;

 private:
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
  std::string unknown_surface_;
  bool strips_leading_space_ = true;
};

}  // namespace mmfree
