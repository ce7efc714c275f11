#include "device/device_memory.hpp"

#include <cstring>

namespace mmfree::device {

uint64_t DeviceMemory::allocate(std::size_t bytes) {
  const uint64_t address = next_address_;
  buffers_.emplace(address, std::make_unique<std::vector<std::byte>>(bytes));
  const uint64_t rounded = (uint64_t(bytes) + kAlignment - 1) / kAlignment * kAlignment;
  next_address_ = address + rounded + kAlignment;  // guard page: overruns never alias
  return address;
}

std::span<std::byte> DeviceMemory::at(uint64_t address, std::size_t size) {
  auto it = buffers_.upper_bound(address);
  if (it == buffers_.begin()) return {};
  --it;
  std::vector<std::byte>& buffer = *it->second;
  const uint64_t offset = address - it->first;
  if (offset > buffer.size() || size > buffer.size() - offset) return {};
  return std::span<std::byte>(buffer.data() + offset, size);
}

std::pair<uint64_t, uint64_t> DeviceMemory::extent_of(uint64_t address) const {
  auto it = buffers_.upper_bound(address);
  if (it == buffers_.begin()) return {0, 0};
  --it;
  const uint64_t end = it->first + it->second->size();
  return address < end ? std::pair{it->first, end} : std::pair<uint64_t, uint64_t>{0, 0};
}

bool DeviceMemory::read(uint64_t address, std::span<std::byte> out) {
  const std::span<std::byte> source = at(address, out.size());
  if (source.data() == nullptr) return false;
  if (!out.empty()) std::memcpy(out.data(), source.data(), out.size());
  return true;
}

bool DeviceMemory::write(uint64_t address, std::span<const std::byte> in) {
  const std::span<std::byte> target = at(address, in.size());
  if (target.data() == nullptr) return false;
  if (!in.empty()) std::memcpy(target.data(), in.data(), in.size());
  return true;
}

}  // namespace mmfree::device
