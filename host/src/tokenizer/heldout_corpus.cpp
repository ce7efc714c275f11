#include "mmfree/tokenizer/heldout_corpus.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include "mmfree/error.hpp"

namespace mmfree {

std::vector<uint32_t> heldout_token_stream(const Tokenizer& tokenizer, std::string_view text, uint64_t max_tokens) {
  std::vector<uint32_t> stream;
  const auto full = [&] { return max_tokens != 0 && stream.size() >= max_tokens; };
  std::size_t line_start = 0;
  while (line_start < text.size() && !full()) {
    std::size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    stream.push_back(tokenizer.bos_id());
    const auto ids = tokenizer.encode(line);
    stream.insert(stream.end(), ids.begin(), ids.end());
    stream.push_back(tokenizer.eos_id());
  }
  if (max_tokens != 0 && stream.size() > max_tokens) stream.resize(max_tokens);
  return stream;
}

std::vector<uint32_t> heldout_token_stream_from_file(const Tokenizer& tokenizer, const std::filesystem::path& path,
                                                     uint64_t max_tokens) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw UsageError("cannot read text file '" + path.string() + "'");
  std::ostringstream contents;
  contents << file.rdbuf();
  auto stream = heldout_token_stream(tokenizer, contents.str(), max_tokens);
  if (stream.empty()) throw UsageError("text file '" + path.string() + "' has no text");
  return stream;
}

}  // namespace mmfree
