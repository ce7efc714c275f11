// Fuzz target: the tokenizer loader (mmfree::Tokenizer over SentencePiece's proto parser) and
// what every command then does with a loaded tokenizer: encode a prompt, decode ids, and stream
// pieces through the detokenizer. Refusal is a ModelError (load) or UsageError (use).
#include <cstdint>
#include <vector>

#include "fuzz_input.hpp"
#include "mmfree/error.hpp"
#include "mmfree/tokenizer/streaming_detokenizer.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    const mmfree::Tokenizer tokenizer(mmfree::fuzz::as_text(data, size));
    const auto ids = tokenizer.encode("The jury said \xE6\x97\xA5 42!");
    tokenizer.decode(ids);
    mmfree::StreamingDetokenizer detokenizer(tokenizer);
    const uint32_t pieces = tokenizer.vocab_size();
    for (uint32_t id = 0; id < pieces && id < 64; ++id) {
      tokenizer.piece(id);
      tokenizer.byte_value(id);
      detokenizer.push(id);
    }
    detokenizer.finish();
  } catch (const mmfree::Error&) {
  }
  return 0;
}
