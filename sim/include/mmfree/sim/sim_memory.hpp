// The simulated device memory: one flat byte-addressed space that every AXI port model reads
// and writes, carved into 4 KiB-aligned buffers. Placement per port is recorded only: the
// simulation gives each port its own timing (AxiMemorySlave) but one shared storage, which is
// what a kernel observes on a board whose ports can all reach all banks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mmfree::sim {

class SimMemory {
 public:
  // Device addresses start away from 0 so that a null pointer argument faults (DECERR).
  static constexpr uint64_t kBaseAddress = 0x1000'0000;
  static constexpr uint64_t kAlignment = 4096;

  // Reserves `bytes` (zero-filled) and returns its device address. Throws DeviceError beyond
  // `capacity_limit` (default 4 GiB, the 32-bit window every port can address).
  uint64_t allocate(std::size_t bytes);

  // True when [address, address + bytes) lies inside allocated memory.
  bool contains(uint64_t address, std::size_t bytes) const {
    return address >= kBaseAddress && bytes <= storage_.size() &&
           address - kBaseAddress <= storage_.size() - bytes;
  }

  // Direct access for the port models; the range must satisfy contains().
  std::byte* at(uint64_t address) { return storage_.data() + (address - kBaseAddress); }
  const std::byte* at(uint64_t address) const { return storage_.data() + (address - kBaseAddress); }

  // Host copies; DeviceError when out of range.
  void write(uint64_t address, std::span<const std::byte> data);
  void read(uint64_t address, std::span<std::byte> data) const;

  std::size_t allocated_bytes() const { return storage_.size(); }
  void set_capacity_limit(std::size_t bytes) { capacity_limit_ = bytes; }

 private:
  std::vector<std::byte> storage_;
  std::size_t capacity_limit_ = std::size_t{4} << 30;
};

}  // namespace mmfree::sim
