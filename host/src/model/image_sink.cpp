#include "model/image_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mmfree/error.hpp"

namespace mmfree::model {

void MemoryImageSink::reserve(uint64_t image_bytes) { image_.assign(image_bytes, std::byte{0}); }

void MemoryImageSink::write(uint64_t offset, std::span<const std::byte> bytes) {
  if (offset + bytes.size() > image_.size()) throw ModelError("internal: image write out of bounds");
  std::memcpy(image_.data() + offset, bytes.data(), bytes.size());
}

FileImageSink::FileImageSink(const std::filesystem::path& path) : path_(path) {}

FileImageSink::~FileImageSink() {
  if (fd_ >= 0) ::close(fd_);
}

void FileImageSink::reserve(uint64_t image_bytes) {
  // Created only now, once the checkpoint has been checked, so a refused checkpoint leaves no
  // file behind even if the process dies. O_EXCL | O_NOFOLLOW: a file or symlink that appeared
  // at this name is never written through.
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd_ < 0) throw ModelError(path_.string() + ": cannot create: " + std::strerror(errno));
  created_ = true;
  // A sparse file of the final size: the unwritten padding reads back as zeros.
  if (::ftruncate(fd_, static_cast<off_t>(image_bytes)) != 0) {
    throw ModelError(path_.string() + ": cannot size to " + std::to_string(image_bytes) +
                     " bytes: " + std::strerror(errno));
  }
}

void FileImageSink::write(uint64_t offset, std::span<const std::byte> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw ModelError(path_.string() + ": write failed: " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

void FileImageSink::close() {
  if (fd_ < 0) return;
  const int fd = fd_;
  fd_ = -1;
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    throw ModelError(path_.string() + ": cannot flush: " + std::strerror(errno));
  }
}

}  // namespace mmfree::model
