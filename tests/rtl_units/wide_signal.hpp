// Packing helpers for Verilator's wide ports (VlWide: arrays of 32-bit words, bit 0 first).
#pragma once

#include <cstddef>
#include <cstdint>

#include <verilated.h>

namespace mmfree::rtl_test {

// Writes `bits` bits (at most 32) of `value` at bit offset `lsb` of a wide port.
template <std::size_t Words>
void put_bits(VlWide<Words>& port, std::size_t lsb, unsigned bits, std::uint32_t value) {
  for (unsigned b = 0; b < bits; ++b) {
    const std::size_t pos = lsb + b;
    const std::uint32_t mask = std::uint32_t{1} << (pos % 32);
    if ((value >> b) & 1u) {
      port[pos / 32] |= mask;
    } else {
      port[pos / 32] &= ~mask;
    }
  }
}

template <std::size_t Words>
std::uint32_t get_bits(const VlWide<Words>& port, std::size_t lsb, unsigned bits) {
  std::uint32_t value = 0;
  for (unsigned b = 0; b < bits; ++b) {
    const std::size_t pos = lsb + b;
    value |= ((port[pos / 32] >> (pos % 32)) & 1u) << b;
  }
  return value;
}

}  // namespace mmfree::rtl_test
