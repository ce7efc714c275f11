#include "model/synthetic_tokenizer.hpp"

#include <cstring>

#include "mmfree/error.hpp"

namespace mmfree::model {

namespace {

// Protobuf wire format: a field key is (number << 3) | wire type.
constexpr uint32_t kVarint = 0, kFixed32 = 5, kLengthDelimited = 2;

void put_varint(std::string& out, uint64_t value) {
  do {
    uint8_t byte = value & 0x7F;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (value != 0);
}

void put_key(std::string& out, uint32_t field, uint32_t wire_type) { put_varint(out, (field << 3) | wire_type); }

void put_bytes(std::string& out, uint32_t field, const std::string& bytes) {
  put_key(out, field, kLengthDelimited);
  put_varint(out, bytes.size());
  out += bytes;
}

void put_uint(std::string& out, uint32_t field, uint64_t value) {
  put_key(out, field, kVarint);
  put_varint(out, value);
}

// sentencepiece_model.proto: SentencePiece.Type.
enum PieceType : uint32_t { kNormal = 1, kUnknown = 2, kControl = 3 };

std::string piece(const std::string& text, float score, PieceType type) {
  std::string out;
  put_bytes(out, 1, text);  // piece
  put_key(out, 2, kFixed32);  // score
  char bits[4];
  std::memcpy(bits, &score, 4);  // little-endian host, as protobuf's fixed32
  out.append(bits, 4);
  put_uint(out, 3, type);  // type
  return out;
}

}  // namespace

std::string synthetic_tokenizer_model(uint32_t vocab_size) {
  if (vocab_size < 4) throw Error("a synthetic tokenizer needs at least 4 pieces, not " + std::to_string(vocab_size));
  std::string model;
  uint32_t pieces = 0;
  const auto add = [&](const std::string& text, float score, PieceType type) {
    if (pieces == vocab_size) return;
    put_bytes(model, 1, piece(text, score, type));  // ModelProto.pieces
    ++pieces;
  };
  add("<unk>", 0.0f, kUnknown);
  add("<s>", 0.0f, kControl);
  add("</s>", 0.0f, kControl);
  add("\xE2\x96\x81", -2.0f, kNormal);  // "▁", the word boundary
  for (char c = '!'; c <= '~'; ++c) add(std::string(1, c), -5.0f, kNormal);
  for (uint32_t k = 0; pieces < vocab_size; ++k) add("\xE2\x96\x81t" + std::to_string(k), -8.0f, kNormal);

  std::string trainer;  // TrainerSpec
  put_uint(trainer, 3, 1);  // model_type UNIGRAM
  put_uint(trainer, 4, vocab_size);
  put_bytes(model, 2, trainer);
  std::string normalizer;  // NormalizerSpec: no character map, SentencePiece's default whitespace rules
  put_bytes(normalizer, 1, "identity");
  put_uint(normalizer, 3, 1);  // add_dummy_prefix
  put_uint(normalizer, 4, 1);  // remove_extra_whitespaces
  put_uint(normalizer, 5, 1);  // escape_whitespaces
  put_bytes(model, 3, normalizer);
  return model;
}

}  // namespace mmfree::model
