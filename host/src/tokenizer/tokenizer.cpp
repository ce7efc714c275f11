#include "mmfree/tokenizer/tokenizer.hpp"

#include <sentencepiece_processor.h>

#include <exception>
#include <string>

#include "mmfree/error.hpp"

namespace mmfree {

Tokenizer::Tokenizer(std::string_view serialized_model)
    : processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
  if (serialized_model.empty()) throw ModelError("tokenizer.model is empty");
  sentencepiece::util::Status status;
  try {
    status = processor_->LoadFromSerializedProto(serialized_model);
  } catch (const std::exception& e) {
    // Not every refusal is a Status: a model with an empty piece makes SentencePiece's trie
    // builder (darts_clone) throw its own exception (found by fuzz/targets/tokenizer.cpp).
    throw ModelError(std::string("tokenizer.model does not load as a SentencePiece model: ") + e.what());
  }
  if (!status.ok())
    throw ModelError(std::string("tokenizer.model does not load as a SentencePiece model: ") + status.ToString());
  if (processor_->GetPieceSize() <= 0) throw ModelError("tokenizer.model has no pieces");

  // The two decoding details the streaming detokenizer needs are settings inside the
  // model proto, whose header Debian does not ship; asking the decoder itself is exact.
  unknown_surface_ = processor_->DecodeIds({processor_->unk_id()});
  for (int id = 0; id < processor_->GetPieceSize(); ++id) {
    const std::string p = processor_->IdToPiece(id);
    if (processor_->IsControl(id) || processor_->IsUnknown(id) || processor_->IsByte(id)) continue;
    if (p.size() > 3 && p.compare(0, 3, "\xE2\x96\x81") == 0) {  // "▁x...": a word start
      strips_leading_space_ = processor_->DecodeIds({id}) == p.substr(3);
      break;
    }
  }
}

Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

std::vector<uint32_t> Tokenizer::encode(std::string_view text) const {
  std::vector<int> ids;
  const auto status = processor_->Encode(text, &ids);
  if (!status.ok()) throw UsageError(std::string("cannot tokenize the text: ") + status.ToString());
  return {ids.begin(), ids.end()};
}

std::string Tokenizer::decode(std::span<const uint32_t> ids) const {
  std::vector<int> signed_ids;
  signed_ids.reserve(ids.size());
  for (uint32_t id : ids) {
    check_id(id);
    signed_ids.push_back(static_cast<int>(id));
  }
  std::string text;
  const auto status = processor_->Decode(signed_ids, &text);
  if (!status.ok()) throw UsageError(std::string("cannot decode the ids: ") + status.ToString());
  return text;
}

uint32_t Tokenizer::vocab_size() const { return static_cast<uint32_t>(processor_->GetPieceSize()); }
uint32_t Tokenizer::bos_id() const { return static_cast<uint32_t>(processor_->bos_id()); }
uint32_t Tokenizer::eos_id() const { return static_cast<uint32_t>(processor_->eos_id()); }
uint32_t Tokenizer::unk_id() const { return static_cast<uint32_t>(processor_->unk_id()); }

std::string Tokenizer::piece(uint32_t id) const {
  check_id(id);
  return processor_->IdToPiece(static_cast<int>(id));
}

bool Tokenizer::is_control(uint32_t id) const {
  check_id(id);
  return processor_->IsControl(static_cast<int>(id));
}

bool Tokenizer::is_unknown(uint32_t id) const {
  check_id(id);
  return processor_->IsUnknown(static_cast<int>(id));
}

int Tokenizer::byte_value(uint32_t id) const {
  check_id(id);
  if (!processor_->IsByte(static_cast<int>(id))) return -1;
  // Byte pieces are spelled "<0xAB>".
  const std::string p = processor_->IdToPiece(static_cast<int>(id));
  return static_cast<int>(std::stoul(p.substr(3, 2), nullptr, 16));
}

void Tokenizer::check_id(uint32_t id) const {
  if (id >= vocab_size())
    throw UsageError("token id " + std::to_string(id) + " is out of range (vocabulary size " +
                     std::to_string(vocab_size()) + ")");
}

}  // namespace mmfree
