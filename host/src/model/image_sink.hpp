// Where an image being built goes: a heap buffer (opening a Hugging Face directory) or a
// file (`mmfree convert`). Both start zero-filled, so padding needs no writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace mmfree::model {

class ImageSink {
 public:
  virtual ~ImageSink() = default;
  // Called once, first, with the size of the whole image; afterwards every byte not
  // written reads as zero.
  virtual void reserve(uint64_t image_bytes) = 0;
  virtual void write(uint64_t offset, std::span<const std::byte> bytes) = 0;
};

class MemoryImageSink final : public ImageSink {
 public:
  void reserve(uint64_t image_bytes) override;
  void write(uint64_t offset, std::span<const std::byte> bytes) override;
  std::vector<std::byte> take() { return std::move(image_); }

 private:
  std::vector<std::byte> image_;
};

// Writes through pwrite into a new file at `path`, created by reserve() (so nothing exists
// until the image's size is known) and never over an existing name. The OS page cache, not
// this process, holds what has been written, so memory stays bounded.
class FileImageSink final : public ImageSink {
 public:
  explicit FileImageSink(const std::filesystem::path& path);
  FileImageSink(const FileImageSink&) = delete;
  FileImageSink& operator=(const FileImageSink&) = delete;
  ~FileImageSink() override;
  void reserve(uint64_t image_bytes) override;
  void write(uint64_t offset, std::span<const std::byte> bytes) override;
  // Flushes to disk and closes; throws ModelError on failure.
  void close();
  // Whether reserve() created the file (and so whether a failed conversion must remove it).
  bool created() const { return created_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool created_ = false;
};

}  // namespace mmfree::model
