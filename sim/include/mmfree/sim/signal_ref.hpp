// A reference to one port of a Verilated model, whatever C++ type Verilator chose for its width.
//
// Verilator stores a port of up to 8/16/32/64 bits in a uint8/16/32/64_t and anything wider in a
// VlWide<N> (N 32-bit words, least significant first). The AXI models must work with ports of any
// width (a 32-bit control bus, a 512-bit weight port) without being templates over the top
// module, so they hold SignalRefs: a pointer plus the storage size, read and written byte-wise.
// On a little-endian host the storage bytes are the signal's bytes, least significant first,
// which is exactly the AXI byte-lane order, so wide data moves with one memcpy.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <verilated.h>

namespace mmfree::sim {

class SignalRef {
 public:
  SignalRef() = default;

  template <std::unsigned_integral T>
  SignalRef(T* storage) : storage_(storage), bytes_(sizeof(T)) {}  // NOLINT: implicit on purpose

  template <std::size_t Words>
  SignalRef(VlWide<Words>* storage) : storage_(storage->data()), bytes_(Words * 4) {}  // NOLINT

  // False for a port the top does not have (e.g. an AXI master without ID signals).
  bool present() const { return storage_ != nullptr; }
  // Bytes of storage (8 for a 33..64-bit port); the usable signal width may be smaller.
  std::size_t storage_bytes() const { return bytes_; }

  // The low 64 bits of the signal (0 for an absent port).
  uint64_t get() const {
    switch (bytes_) {
      case 0: return 0;
      case 1: return *static_cast<const uint8_t*>(storage_);
      case 2: return *static_cast<const uint16_t*>(storage_);
      case 4: return *static_cast<const uint32_t*>(storage_);
      default: {
        uint64_t v = 0;
        std::memcpy(&v, storage_, bytes_ < 8 ? bytes_ : 8);
        return v;
      }
    }
  }

  // Sets the signal to `value` (zero-extended over a wide port). Writes to an absent port are
  // ignored, so an optional output (e.g. RID) needs no special case at the call site.
  void set(uint64_t value) const {
    switch (bytes_) {
      case 0: return;
      case 1: *static_cast<uint8_t*>(storage_) = static_cast<uint8_t>(value); return;
      case 2: *static_cast<uint16_t*>(storage_) = static_cast<uint16_t>(value); return;
      case 4: *static_cast<uint32_t*>(storage_) = static_cast<uint32_t>(value); return;
      case 8: *static_cast<uint64_t*>(storage_) = value; return;
      default:
        std::memset(storage_, 0, bytes_);
        std::memcpy(storage_, &value, 8);
        return;
    }
  }

  bool high() const { return get() != 0; }

  // Byte-wise access for data buses: `count` bytes from/to the signal's least significant end.
  void copy_out(std::byte* dst, std::size_t count) const { std::memcpy(dst, storage_, count); }
  void copy_in(const std::byte* src, std::size_t count) const { std::memcpy(storage_, src, count); }
  void clear() const {
    if (storage_) std::memset(storage_, 0, bytes_);
  }

 private:
  void* storage_ = nullptr;
  std::size_t bytes_ = 0;
};

}  // namespace mmfree::sim
