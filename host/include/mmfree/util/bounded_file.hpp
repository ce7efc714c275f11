// Opening and reading files whose names come from users or model directories, without trusting
// what the name points at: a FIFO blocks open() for ever, a device such as /dev/zero never ends,
// and a "small" JSON file may be gigabytes. Only regular files are accepted, opened without
// blocking, and small files are read whole only below a size cap.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace mmfree::util {

// Opens `path` read-only and returns its descriptor, after checking it is a regular file.
// The open itself never blocks (O_NONBLOCK: a FIFO opens at once and is then refused).
// Throws ModelError naming the path when it cannot be opened or is not a regular file.
int open_regular_file(const std::filesystem::path& path);

// The whole of a regular file of at most `max_bytes` bytes (config.json, an index). Throws
// ModelError naming the path when it is not a regular file or is larger than `max_bytes`.
std::string read_small_file(const std::filesystem::path& path, uint64_t max_bytes);

// "a FIFO", "a directory", "a character device", ... for messages about what a path names;
// "missing" when nothing is there. Does not follow a final symlink when `follow` is false.
std::string file_type_name(const std::filesystem::path& path, bool follow = true);

}  // namespace mmfree::util
