// Turns generated ids into text one id at a time, so text can be printed as it is produced.
//
// Byte-fallback pieces (<0xE6> <0x97> <0xA5> for one CJK character) are held back until they
// form a whole UTF-8 character; bytes that can never do so become U+FFFD, as in SentencePiece.
// The concatenation of everything push() and finish() return equals Tokenizer::decode() of
// the same ids.
#pragma once

#include <cstdint>
#include <string>

#include "mmfree/tokenizer/tokenizer.hpp"

namespace mmfree {

class StreamingDetokenizer {
 public:
  // `tokenizer` must outlive this object.
  explicit StreamingDetokenizer(const Tokenizer& tokenizer) : tokenizer_(tokenizer) {}

  // The text that became final with `id` (possibly empty). Throws UsageError for a bad id.
  std::string push(uint32_t id);
  // Whatever is still held back (incomplete UTF-8 turns into U+FFFD); call at the end.
  std::string finish();
  // Starts a new text (the leading-space rule applies again).
  void reset();

 private:
  // Emits complete characters (and U+FFFD for hopeless bytes) from the front of pending_;
  // with `final_flush`, incomplete characters are given up on too.
  void drain_bytes(std::string& out, bool final_flush);

  const Tokenizer& tokenizer_;
  std::string pending_bytes_;
  bool text_started_ = false;  // has any visible text been produced yet
};

}  // namespace mmfree
