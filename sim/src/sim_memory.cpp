#include "mmfree/sim/sim_memory.hpp"

#include <cstring>
#include <string>

#include "mmfree/error.hpp"

namespace mmfree::sim {

namespace {

std::string hex(uint64_t v) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
  return text;
}

}  // namespace

uint64_t SimMemory::allocate(std::size_t bytes) {
  const std::size_t start = (storage_.size() + kAlignment - 1) / kAlignment * kAlignment;
  const std::size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (bytes == 0 || start + rounded > capacity_limit_) {
    throw DeviceError("sim memory: cannot allocate " + std::to_string(bytes) + " bytes (" +
                      std::to_string(storage_.size()) + " of " + std::to_string(capacity_limit_) +
                      " bytes in use)");
  }
  storage_.resize(start + rounded);  // zero-fills, as a freshly allocated board buffer reads
  return kBaseAddress + start;
}

void SimMemory::write(uint64_t address, std::span<const std::byte> data) {
  if (!contains(address, data.size())) {
    throw DeviceError("sim memory: write of " + std::to_string(data.size()) + " bytes at " + hex(address) +
                      " is outside allocated memory");
  }
  if (!data.empty()) std::memcpy(at(address), data.data(), data.size());
}

void SimMemory::read(uint64_t address, std::span<std::byte> data) const {
  if (!contains(address, data.size())) {
    throw DeviceError("sim memory: read of " + std::to_string(data.size()) + " bytes at " + hex(address) +
                      " is outside allocated memory");
  }
  if (!data.empty()) std::memcpy(data.data(), at(address), data.size());
}

}  // namespace mmfree::sim
