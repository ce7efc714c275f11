#include "mmfree/tokenizer/heldout_corpus.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "mmfree/error.hpp"
#include "mmfree/util/bounded_file.hpp"

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
  int fd = -1;
  try {
    fd = util::open_regular_file(path);
  } catch (const ModelError& e) {
    throw UsageError(std::string("cannot read text file: ") + e.what());
  }
  struct CloseOnExit {
    int fd;
    ~CloseOnExit() { ::close(fd); }
  } const close_on_exit{fd};

  std::vector<uint32_t> stream;
  const auto full = [&] { return max_tokens != 0 && stream.size() >= max_tokens; };
  std::string pending;  // the start of a line whose '\n' has not been read yet
  std::vector<char> chunk(1u << 16);
  bool at_end = false;
  while (!at_end && !full()) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw UsageError("cannot read text file '" + path.string() + "': " + std::strerror(errno));
    at_end = n == 0;
    pending.append(chunk.data(), static_cast<std::size_t>(n));
    // Whole lines go through the in-memory splitter; at the end the rest is the last line.
    const std::size_t cut = at_end ? pending.size() : pending.rfind('\n');
    if (cut == std::string::npos) {
      if (pending.size() > kMaxHeldoutLineBytes) {
        throw UsageError("text file '" + path.string() + "' has a line longer than " +
                         std::to_string(kMaxHeldoutLineBytes) + " bytes: not a text corpus");
      }
      continue;
    }
    const uint64_t room = max_tokens == 0 ? 0 : max_tokens - stream.size();
    const auto part = heldout_token_stream(tokenizer, std::string_view(pending).substr(0, cut), room);
    stream.insert(stream.end(), part.begin(), part.end());
    pending.erase(0, at_end ? pending.size() : cut + 1);
  }
  if (stream.empty()) throw UsageError("text file '" + path.string() + "' has no text");
  return stream;
}

}  // namespace mmfree
