#include "mmfree/util/bounded_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mmfree/error.hpp"

namespace mmfree::util {

namespace {

std::string type_of_mode(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string file_type_name(const std::filesystem::path& path, bool follow) {
  struct stat st {};
  const int rc = follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  if (rc != 0) return "missing";
  return type_of_mode(st.st_mode);
}

int open_regular_file(const std::filesystem::path& path) {
  // O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer; O_NOCTTY: a terminal
  // named here must not become our controlling terminal. Neither changes a regular file.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) throw ModelError(path.string() + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw ModelError(path.string() + ": cannot stat: " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw ModelError(path.string() + ": is " + type_of_mode(st.st_mode) + ", not a regular file");
  }
  // Reads of a regular file never block; clearing the flag keeps later readers conventional.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

std::string read_small_file(const std::filesystem::path& path, uint64_t max_bytes) {
  const Descriptor fd(open_regular_file(path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw ModelError(path.string() + ": cannot stat: " + std::strerror(errno));
  const auto too_large = [&] {
    return ModelError(path.string() + ": larger than " + std::to_string(max_bytes) +
                      " bytes, too large for this kind of file");
  };
  if (static_cast<uint64_t>(st.st_size) > max_bytes) throw too_large();
  // Read until end of file, not st_size: a file still growing must not slip past the cap.
  std::string text;
  text.resize(static_cast<std::size_t>(st.st_size));
  std::size_t used = 0;
  while (true) {
    if (used == text.size()) {
      if (text.size() > max_bytes) throw too_large();
      text.resize(std::min<uint64_t>(max_bytes + 1, text.size() + 4096));
    }
    const ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw ModelError(path.string() + ": read failed: " + std::strerror(errno));
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > max_bytes) throw too_large();
  text.resize(used);
  return text;
}

}  // namespace mmfree::util
