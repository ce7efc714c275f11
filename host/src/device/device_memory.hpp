// A byte-addressed device memory made of separately allocated buffers, as the golden kernel
// model sees it: the host allocates and copies by buffer, the kernel reads and writes by
// address. An access that does not fall entirely inside one buffer is what a real memory
// system answers with DECERR; here it returns false and the kernel reports status.axi_error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace mmfree::device {

class DeviceMemory {
 public:
  // Buffers start at this address (not 0, so a missing argument never reads a real buffer)
  // and are 4 KiB aligned with a guard page between neighbours.
  static constexpr uint64_t kBaseAddress = 0x1'0000'0000ull;
  static constexpr uint64_t kAlignment = 4096;

  // Returns the address of a new zero-filled buffer of `bytes`.
  uint64_t allocate(std::size_t bytes);

  // The bytes [address, address + size) if they lie inside one buffer, else an empty span
  // (size 0 with a null data pointer; a valid zero-length access returns a non-null span).
  std::span<std::byte> at(uint64_t address, std::size_t size);

  // [first, last) of the buffer holding `address`, or {0, 0} when none does.
  std::pair<uint64_t, uint64_t> extent_of(uint64_t address) const;

  bool read(uint64_t address, std::span<std::byte> out);
  bool write(uint64_t address, std::span<const std::byte> in);

 private:
  uint64_t next_address_ = kBaseAddress;
  // Keyed by start address; the vectors never move once allocated (held by unique_ptr).
  std::map<uint64_t, std::unique_ptr<std::vector<std::byte>>> buffers_;
};

}  // namespace mmfree::device
