// A SentencePiece model of exactly the vocabulary size a synthetic checkpoint asks for, since
// `convert` insists that the tokenizer and the embeddings agree on the vocabulary. Written as
// protobuf bytes by hand (Debian ships no sentencepiece_model.pb.h): <unk>, <s>, </s>, the word
// boundary, the printable ASCII characters (so any English text encodes), then filler pieces.
#pragma once

#include <cstdint>
#include <string>

namespace mmfree::model {

// The serialized ModelProto of a unigram tokenizer with `vocab_size` (>= 4) pieces.
std::string synthetic_tokenizer_model(uint32_t vocab_size);

}  // namespace mmfree::model
