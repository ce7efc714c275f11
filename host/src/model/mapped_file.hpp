// A read-only memory map of a whole file, so checkpoints and images are read without
// copying them into the heap (the kernel pages them in and out as needed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

namespace mmfree::model {

class MappedFile {
 public:
  // Throws ModelError naming the file when it cannot be opened or mapped.
  explicit MappedFile(const std::filesystem::path& path);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::span<const std::byte> bytes() const { return {data_, size_}; }
  std::size_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

  // Tells the kernel the pages overlapping [offset, offset + length) are no longer needed,
  // so a streaming pass over a large file keeps its resident set small.
  void release(std::size_t offset, std::size_t length) const;

 private:
  void unmap();

  std::filesystem::path path_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace mmfree::model
