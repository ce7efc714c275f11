// The host side of the kernel's AXI4-Lite control port: one register write or read at a time,
// driven pin by pin in the same drive/sample rhythm as the memory models (axi_memory_slave.hpp).
//
// A transaction is begun with begin_write()/begin_read() and the harness clocks the DUT until
// busy() is false. A write presents AW and W together (both held until each is accepted), then
// takes the B response; a read presents AR, then takes R.
#pragma once

#include <cstdint>
#include <string>

#include "mmfree/sim/axi_pins.hpp"

namespace mmfree::sim {

class AxiLiteDriver {
 public:
  explicit AxiLiteDriver(const AxiLitePins& pins);

  void reset();
  // Only the bytes whose bit is set in `strobe` are written (WSTRB).
  void begin_write(uint32_t address, uint32_t value, uint32_t strobe = 0xF);
  void begin_read(uint32_t address);
  // Holds back each channel's valid (AW, W, AR) and ready (B, R) for a random 0..max_delay
  // cycles per transaction, so that a slave sees every channel order AXI allows (W before
  // AW, late BREADY/RREADY). 0 (the default): no delays.
  void set_random_delays(unsigned max_delay, uint64_t seed);
  bool busy() const { return phase_ != Phase::Idle; }

  void drive();
  void sample();

  // Of the last finished transaction.
  uint32_t read_value() const { return read_value_; }
  uint32_t response() const { return response_; }  // BRESP / RRESP (0 = OKAY)

  // For timeout messages: which handshake the transaction is waiting on.
  std::string describe_state() const;

 private:
  enum class Phase : uint8_t { Idle, Write, Read };
  unsigned random_delay();

  AxiLitePins pins_;
  Phase phase_ = Phase::Idle;
  uint32_t address_ = 0;
  uint32_t value_ = 0;
  uint32_t strobe_ = 0xF;
  bool aw_done_ = false, w_done_ = false, ar_done_ = false;
  // Cycles each channel still waits before it may handshake (set_random_delays).
  unsigned max_delay_ = 0;
  uint64_t delay_state_ = 1;
  unsigned aw_wait_ = 0, w_wait_ = 0, b_wait_ = 0, ar_wait_ = 0, r_wait_ = 0;
  uint32_t read_value_ = 0;
  uint32_t response_ = 0;
};

}  // namespace mmfree::sim
