// Temporary places for tests that write files: each is unique (suites run in parallel) and a
// TempDir removes itself, so a failing test leaves nothing behind.
#pragma once

#include <filesystem>

namespace mmfree::test {

// A fresh directory under the system temp directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A new empty file of our own in the system temp directory, named `stem`-XXXXXX; the caller
// removes it.
std::filesystem::path unique_temp_file(const char* stem);

}  // namespace mmfree::test
