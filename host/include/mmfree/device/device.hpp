// The one interface between the host runtime and an mmfree kernel, wherever it runs: the
// golden kernel model, the Verilator simulation of the RTL, or an Alveo board through XRT.
//
// It is deliberately the shape of the hardware: device buffers with the addresses the kernel
// dereferences, 32-bit control registers at byte offsets of the AXI4-Lite slave, and a
// start/wait handshake. Everything model-specific (what goes where, which register means
// what) lives above it, in the device runtime, written against the generated register map.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mmfree::device {

// A region of device memory. `address` is what the kernel sees (what its pointer argument
// holds). A buffer is allocated for one kernel argument ("params", "w03", ... as named in the
// register map) so that, on a board, it lands in the memory bank that argument's AXI master
// is connected to; `bank` says which (0 where the memory is flat).
struct Buffer {
  uint32_t handle = 0;  // the backend's own index; meaningless to callers
  uint64_t address = 0;
  std::size_t size = 0;
  int bank = 0;
};

// One performance counter, named as in the generated register map.
struct Counter {
  std::string name;
  uint64_t value = 0;
};

// The value of counter `name` in `counters`, or 0 when the device has no such counter.
inline uint64_t counter_value(std::span<const Counter> counters, std::string_view name) {
  for (const auto& c : counters)
    if (c.name == name) return c.value;
  return 0;
}

class Device {
 public:
  virtual ~Device() = default;

  // A short description for messages and benchmark output ("golden-kernel", "xrt:0 u55c ...").
  virtual std::string description() const = 0;

  // Allocates `bytes` (> 0) of device memory, 4 KiB aligned, in the bank of the kernel's
  // buffer argument `argument`. Throws DeviceError when the kernel has no such argument or
  // the memory is exhausted.
  virtual Buffer allocate(std::size_t bytes, std::string_view argument) = 0;

  // Host <-> device copies at a byte offset inside a buffer; DeviceError when out of range.
  virtual void write(const Buffer& buffer, std::size_t offset, std::span<const std::byte> data) = 0;
  virtual void read(const Buffer& buffer, std::size_t offset, std::span<std::byte> data) = 0;

  // The kernel's AXI4-Lite control registers, by byte offset (a multiple of 4).
  virtual void write_register(uint32_t offset, uint32_t value) = 0;
  virtual uint32_t read_register(uint32_t offset) = 0;

  // Starts the kernel (ap_start) with the arguments already written to the registers.
  virtual void start() = 0;
  // Blocks until the started command is done (ap_done); throws DeviceError naming the
  // timeout when it does not finish in time.
  virtual void wait(std::chrono::duration<double> timeout) = 0;

  // The performance counters of the register map, read after a command has finished.
  // Empty when the device has none (a board whose kernel was built without them).
  virtual std::vector<Counter> read_counters() = 0;

  // Convenience for typed host data.
  template <typename T>
  void write_span(const Buffer& buffer, std::size_t offset, std::span<const T> data) {
    write(buffer, offset, std::as_bytes(data));
  }
  template <typename T>
  void read_span(const Buffer& buffer, std::size_t offset, std::span<T> data) {
    read(buffer, offset, std::as_writable_bytes(data));
  }
};

}  // namespace mmfree::device
