// A cycle-level AXI4 memory slave attached to one master port of the Verilated kernel.
//
// Each clock cycle the harness calls drive() (set the DUT's inputs for this cycle from the
// model's state), evaluates the DUT with the clock low so its combinational outputs settle,
// then calls sample() (see which valid/ready pairs are both high, i.e. which transfers happen at
// the coming rising edge, and update the model's state), and then clocks the DUT.
//
// What it models: INCR, FIXED and WRAP bursts of any size up to the bus width; a read latency
// from the AR handshake to the first data beat; a sustained bandwidth in bytes per cycle shared
// by reads and writes (a token bucket, so partial-width beats cost less); a limit on outstanding
// bursts per direction; in-order responses; DECERR for an access outside allocated memory; and
// optional randomized withholding of every ready/valid it drives. Once it raises RVALID or
// BVALID it holds the beat stable until the handshake, as AXI requires.
//
// It also checks the master's side of the protocol (4 KiB crossings, WLAST on the wrong beat,
// a size wider than the bus) and records the first violation instead of failing silently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmfree/sim/axi_pins.hpp"
#include "mmfree/sim/fixed_ring.hpp"
#include "mmfree/sim/memory_timing.hpp"
#include "mmfree/sim/sim_memory.hpp"
#include "mmfree/sim/stall_generator.hpp"

namespace mmfree::sim {

struct AxiPortStats {
  uint64_t read_bursts = 0;
  uint64_t read_beats = 0;
  uint64_t read_bytes = 0;  // bytes the bursts asked for (2^size per beat)
  uint64_t write_bursts = 0;
  uint64_t write_beats = 0;
  uint64_t write_bytes = 0;  // bytes with their strobe set
  uint64_t decode_errors = 0;
  uint64_t first_read_cycle = 0;  // of the first AR handshake (0 if none)
  uint64_t last_read_cycle = 0;   // of the last R handshake
};

// One transferred data beat, for tests that check order and coverage (off by default).
struct AxiBeatRecord {
  bool write = false;
  uint64_t address = 0;  // the beat's address (unaligned for the first beat of an unaligned burst)
  uint32_t bytes = 0;    // 2^size
  uint64_t cycle = 0;
};

class AxiMemorySlave {
 public:
  AxiMemorySlave(std::string port_name, const AxiMasterPins& pins, SimMemory& memory, const MemoryTiming& timing);

  // Forgets every transaction in flight and drives all its valid/ready outputs low.
  void reset();
  void drive(uint64_t cycle);
  void sample(uint64_t cycle);

  const std::string& port_name() const { return port_name_; }
  const AxiPortStats& stats() const { return stats_; }
  std::size_t bus_bytes() const { return bus_bytes_; }
  bool idle() const { return reads_.empty() && writes_.empty(); }

  // Empty while the master has kept to the protocol; otherwise the first violation seen.
  const std::string& protocol_error() const { return protocol_error_; }

  // What is in flight, for a timeout message ("m_axi_w00: 2 reads outstanding, ...").
  std::string describe_state(uint64_t cycle) const;

  // Also reports, as protocol errors, bursts that are not INCR, not of the full bus width or
  // not aligned to it, and (where the master has the pins) AxCACHE other than 0b0011 or AxPROT
  // other than 0: what every mmfree master promises (docs/device.md). Off by default.
  void set_full_width_incr_only(bool on) { full_width_incr_only_ = on; }

  // Appends every data beat to `log` (nullptr turns it off). Tests only: it allocates.
  void set_beat_log(std::vector<AxiBeatRecord>* log) { beat_log_ = log; }

 private:
  struct Burst {
    uint64_t start = 0;
    uint32_t beats = 0;
    uint32_t done = 0;  // beats transferred so far
    uint32_t size_bytes = 0;
    uint8_t burst_type = 1;  // 0 FIXED, 1 INCR, 2 WRAP
    uint64_t id = 0;
    uint64_t ready_cycle = 0;  // first data beat (reads) or response (writes) not before this
    bool decode_error = false;
    bool data_complete = false;  // writes: WLAST seen
  };

  Burst accept_burst(bool write, uint64_t cycle);
  uint64_t beat_address(const Burst& b) const;
  void note_protocol_error(const std::string& what, uint64_t cycle);
  bool take_credit(uint32_t bytes);

  std::string port_name_;
  AxiMasterPins pins_;
  SimMemory& memory_;
  MemoryTiming timing_;
  std::size_t bus_bytes_ = 0;
  uint32_t bus_size_log2_ = 0;
  bool has_write_channels_ = false;
  bool full_width_incr_only_ = false;

  // Bandwidth token bucket in 1/256 byte units; 0 per cycle means unlimited.
  int64_t credit_ = 0;
  int64_t credit_per_cycle_ = 0;
  int64_t credit_cap_ = 0;

  FixedRing<Burst> reads_;
  FixedRing<Burst> writes_;  // AW accepted, B not yet given; data fills them in order
  std::size_t write_data_index_ = 0;  // first entry of writes_ still taking W beats

  // What drive() put on the pins this cycle.
  bool arready_ = false, awready_ = false, wready_ = false;
  bool rvalid_ = false, bvalid_ = false;  // held until the handshake

  StallGenerator ar_stall_, r_stall_, aw_stall_, w_stall_, b_stall_;
  AxiPortStats stats_;
  std::string protocol_error_;
  std::vector<AxiBeatRecord>* beat_log_ = nullptr;
  std::vector<std::byte> strobe_scratch_;
  std::vector<std::byte> data_scratch_;
};

}  // namespace mmfree::sim
