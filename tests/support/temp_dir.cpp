#include "support/temp_dir.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "mmfree/error.hpp"

namespace mmfree::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "mmfree-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw Error("cannot create a temporary directory from " + pattern + ": " + std::strerror(errno));
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;  // a destructor must not throw; a leftover temp directory is harmless
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path unique_temp_file(const char* stem) {
  std::string pattern = (std::filesystem::temp_directory_path() / (std::string(stem) + "-XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw Error("cannot create a temporary file from " + pattern + ": " + std::strerror(errno));
  ::close(fd);
  return pattern;
}

}  // namespace mmfree::test
