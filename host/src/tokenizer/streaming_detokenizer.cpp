#include "mmfree/tokenizer/streaming_detokenizer.hpp"

#include <string_view>

namespace mmfree {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kSpaceSymbol = "\xE2\x96\x81";           // "▁"

bool is_trail_byte(unsigned char b) { return (b & 0xC0) == 0x80; }

// How many bytes the character starting with `lead` needs; 0 when `lead` cannot start one.
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

// SentencePiece's rule for a whole character: well formed, shortest form, a Unicode scalar value.
bool is_valid_character(std::string_view bytes) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  uint32_t cp = 0;
  switch (bytes.size()) {
    case 1: return b(0) < 0x80;
    case 2: cp = ((b(0) & 0x1Fu) << 6) | (b(1) & 0x3Fu); break;
    case 3: cp = ((b(0) & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu); break;
    case 4:
      cp = ((b(0) & 0x07u) << 18) | ((b(1) & 0x3Fu) << 12) | ((b(2) & 0x3Fu) << 6) | (b(3) & 0x3Fu);
      break;
    default: return false;
  }
  for (std::size_t k = 1; k < bytes.size(); ++k)
    if (!is_trail_byte(b(k))) return false;
  static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinimum[bytes.size()]) return false;
  return !((cp >= 0xD800 && cp < 0xE000) || cp > 0x10FFFF);
}

std::string surface_of_piece(std::string piece) {
  std::string out;
  for (std::size_t k = 0; k < piece.size();) {
    if (piece.compare(k, kSpaceSymbol.size(), kSpaceSymbol) == 0) {
      out += ' ';
      k += kSpaceSymbol.size();
    } else {
      out += piece[k++];
    }
  }
  return out;
}

}  // namespace

void StreamingDetokenizer::drain_bytes(std::string& out, bool final_flush) {
  std::size_t start = 0;
  while (start < pending_bytes_.size()) {
    const auto lead = static_cast<unsigned char>(pending_bytes_[start]);
    const std::size_t need = sequence_length(lead);
    const std::size_t have = pending_bytes_.size() - start;
    if (need > 1 && have < need && !final_flush) {
      // Wait for the rest, unless a byte already present rules the character out.
      bool still_possible = true;
      for (std::size_t k = 1; k < have; ++k)
        still_possible &= is_trail_byte(static_cast<unsigned char>(pending_bytes_[start + k]));
      if (still_possible) break;
    }
    if (need != 0 && have >= need && is_valid_character(std::string_view(pending_bytes_).substr(start, need))) {
      out.append(pending_bytes_, start, need);
      start += need;
    } else {
      // One bad byte at a time, as SentencePiece resynchronizes.
      out += kReplacementCharacter;
      start += 1;
    }
  }
  pending_bytes_.erase(0, start);
  if (!out.empty()) text_started_ = true;
}

std::string StreamingDetokenizer::push(uint32_t id) {
  std::string out;
  const int byte = tokenizer_.byte_value(id);  // also rejects ids out of range
  if (byte >= 0) {
    pending_bytes_ += static_cast<char>(byte);
    drain_bytes(out, false);
    return out;
  }
  // Any other piece ends a run of byte pieces.
  drain_bytes(out, true);
  if (tokenizer_.is_control(id)) return out;
  std::string piece = tokenizer_.piece(id);
  if (tokenizer_.is_unknown(id)) {
    out += tokenizer_.unknown_surface();
  } else {
    if (!text_started_ && out.empty() && tokenizer_.strips_leading_space() &&
        piece.compare(0, kSpaceSymbol.size(), kSpaceSymbol) == 0)
      piece.erase(0, kSpaceSymbol.size());
    out += surface_of_piece(std::move(piece));
  }
  if (!out.empty()) text_started_ = true;
  return out;
}

std::string StreamingDetokenizer::finish() {
  std::string out;
  drain_bytes(out, true);
  return out;
}

void StreamingDetokenizer::reset() {
  pending_bytes_.clear();
  text_started_ = false;
}

}  // namespace mmfree
