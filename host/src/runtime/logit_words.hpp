// The kernel's logits are int32 in format A (Q16.16, docs/numerics.md section 5); the host
// converts each with float(v) * 2^-16, the same conversion the golden engine applies, so
// device and golden logits compare bit for bit.
#pragma once

#include <cstdint>
#include <span>

namespace mmfree::device {

inline float logit_word_to_float(uint32_t word) {
  return static_cast<float>(static_cast<int32_t>(word)) * 0x1p-16f;
}

inline void logit_words_to_float(std::span<const uint32_t> words, std::span<float> out) {
  for (std::size_t k = 0; k < words.size() && k < out.size(); ++k) out[k] = logit_word_to_float(words[k]);
}

}  // namespace mmfree::device
