// A byte-addressed memory over the whole 64-bit space, allocated 4 KiB page by page as it is
// touched; untouched bytes read as zero. The AXI memory models serve it to the RTL.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <unordered_map>

namespace mmfree::kernel_test {

class SparseMemory {
 public:
  static constexpr uint64_t kPage = 4096;

  uint8_t read(uint64_t addr) const {
    auto it = pages_.find(addr / kPage);
    return it == pages_.end() ? 0 : it->second[addr % kPage];
  }
  void write(uint64_t addr, uint8_t value) { pages_[addr / kPage][addr % kPage] = value; }

  void write(uint64_t addr, std::span<const uint8_t> bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i) write(addr + i, bytes[i]);
  }
  void read(uint64_t addr, std::span<uint8_t> bytes) const {
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = read(addr + i);
  }
  template <class T>
  T load(uint64_t addr) const {
    T v;
    uint8_t b[sizeof(T)];
    read(addr, b);
    std::memcpy(&v, b, sizeof(T));
    return v;
  }
  template <class T>
  void store(uint64_t addr, T v) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    write(addr, std::span<const uint8_t>(b, sizeof(T)));
  }

 private:
  std::unordered_map<uint64_t, std::array<uint8_t, kPage>> pages_;
};

}  // namespace mmfree::kernel_test
