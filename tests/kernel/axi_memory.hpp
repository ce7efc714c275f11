// C++ AXI4 slave models serving a SparseMemory to the RTL's masters, with randomized ready and
// valid stalls and a random latency per burst, and checking the protocol rules the masters
// promise (INCR, full-width beats, at most 256 beats, no 4 KiB crossing, aligned addresses,
// wlast on the last beat). Violations are recorded as messages for the test to assert on.
//
// The port structs hold pointers into the Verilated model's port variables, so one model
// serves a unit's ports (arvalid_o, ...) and the Vitis top's (m_axi_w00_arvalid, ...) alike.
// Data ports wider than 64 bits are Verilator VlWide arrays of 32-bit words.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "sparse_memory.hpp"

namespace mmfree::kernel_test {

// How adversarial the memory is. Probabilities are per cycle.
struct AxiTiming {
  double addr_ready = 1.0;    // arready / awready
  double data_valid = 1.0;    // rvalid may rise (read data available)
  double data_ready = 1.0;    // wready
  double resp_valid = 1.0;    // bvalid may rise
  unsigned min_latency = 1;   // cycles from the address handshake to the first data beat
  unsigned max_latency = 1;

  static AxiTiming ideal() { return {}; }
  static AxiTiming random_stalls() { return {0.6, 0.7, 0.7, 0.5, 2, 40}; }
};

struct AxiReadPort {
  const uint8_t* arvalid;
  uint8_t* arready;
  const uint64_t* araddr;
  const uint8_t* arlen;
  const uint8_t* arsize;
  const uint8_t* arburst;
  uint8_t* rvalid;
  const uint8_t* rready;
  uint32_t* rdata;  // data_bytes / 4 words
  uint8_t* rresp;
  uint8_t* rlast;
  unsigned data_bytes;
};

struct AxiWritePort {
  const uint8_t* awvalid;
  uint8_t* awready;
  const uint64_t* awaddr;
  const uint8_t* awlen;
  const uint8_t* awsize;
  const uint8_t* awburst;
  const uint8_t* wvalid;
  uint8_t* wready;
  const uint32_t* wdata;
  const uint64_t* wstrb;  // data_bytes <= 64: one bit per byte
  const uint8_t* wlast;
  uint8_t* bvalid;
  const uint8_t* bready;
  uint8_t* bresp;
  unsigned data_bytes;
};

// Checks one burst request against the rules every mmfree master follows.
inline void check_burst(std::vector<std::string>& errors, const char* channel, uint64_t addr,
                        unsigned len, unsigned size, unsigned burst, unsigned data_bytes) {
  const uint64_t bytes = uint64_t(len + 1) * data_bytes;
  if (burst != 1) errors.push_back(std::string(channel) + ": burst type is not INCR");
  if ((1u << size) != data_bytes) errors.push_back(std::string(channel) + ": size is not the full width");
  if (addr % data_bytes) errors.push_back(std::string(channel) + ": unaligned address " + std::to_string(addr));
  if ((addr % 4096) + bytes > 4096)
    errors.push_back(std::string(channel) + ": burst crosses 4 KiB at " + std::to_string(addr));
}

class AxiReadMemory {
 public:
  AxiReadMemory(AxiReadPort port, SparseMemory& memory, AxiTiming timing, uint32_t seed)
      : port_(port), memory_(memory), timing_(timing), rng_(seed) {}

  // Addresses in [begin, end) answer SLVERR.
  void set_error_range(uint64_t begin, uint64_t end) { error_begin_ = begin, error_end_ = end; }

  void drive(uint64_t cycle) {
    *port_.arready = chance(timing_.addr_ready);
    if (!holding_) {
      holding_ = !bursts_.empty() && cycle >= bursts_.front().ready_at && chance(timing_.data_valid);
    }
    *port_.rvalid = holding_;
    if (holding_) {
      const Burst& b = bursts_.front();
      uint8_t bytes[64 * 4] = {};
      memory_.read(b.addr, std::span<uint8_t>(bytes, port_.data_bytes));
      for (unsigned w = 0; w < port_.data_bytes / 4; ++w) {
        port_.rdata[w] = uint32_t(bytes[4 * w]) | uint32_t(bytes[4 * w + 1]) << 8 |
                         uint32_t(bytes[4 * w + 2]) << 16 | uint32_t(bytes[4 * w + 3]) << 24;
      }
      *port_.rlast = b.beats_left == 1;
      *port_.rresp = (b.addr >= error_begin_ && b.addr < error_end_) ? 2 : 0;
    } else {
      *port_.rlast = 0;
      *port_.rresp = 0;
    }
  }

  void observe(uint64_t cycle) {
    if (*port_.arvalid && *port_.arready) {
      check_burst(errors, "AR", *port_.araddr, *port_.arlen, *port_.arsize, *port_.arburst, port_.data_bytes);
      std::uniform_int_distribution<unsigned> lat(timing_.min_latency, timing_.max_latency);
      bursts_.push_back({*port_.araddr, unsigned(*port_.arlen) + 1, cycle + lat(rng_)});
      ++bursts_accepted;
      if (bursts_.size() > max_outstanding) max_outstanding = bursts_.size();
    }
    if (*port_.rvalid && *port_.rready) {
      holding_ = false;
      Burst& b = bursts_.front();
      b.addr += port_.data_bytes;
      ++beats_delivered;
      if (--b.beats_left == 0) bursts_.pop_front();
    }
  }

  std::vector<std::string> errors;
  std::size_t max_outstanding = 0;
  uint64_t bursts_accepted = 0;
  uint64_t beats_delivered = 0;

 private:
  struct Burst {
    uint64_t addr;
    unsigned beats_left;
    uint64_t ready_at;
  };
  bool chance(double p) { return p >= 1.0 || std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  AxiReadPort port_;
  SparseMemory& memory_;
  AxiTiming timing_;
  std::mt19937 rng_;
  std::deque<Burst> bursts_;
  bool holding_ = false;
  uint64_t error_begin_ = 0, error_end_ = 0;
};

class AxiWriteMemory {
 public:
  AxiWriteMemory(AxiWritePort port, SparseMemory& memory, AxiTiming timing, uint32_t seed)
      : port_(port), memory_(memory), timing_(timing), rng_(seed) {}

  void set_error_range(uint64_t begin, uint64_t end) { error_begin_ = begin, error_end_ = end; }

  void drive(uint64_t cycle) {
    *port_.awready = chance(timing_.addr_ready);
    *port_.wready = chance(timing_.data_ready);
    if (!holding_) {
      holding_ = !responses_.empty() && cycle >= responses_.front().ready_at && chance(timing_.resp_valid);
    }
    *port_.bvalid = holding_;
    *port_.bresp = holding_ ? responses_.front().resp : 0;
  }

  void observe(uint64_t cycle) {
    if (*port_.awvalid && *port_.awready) {
      check_burst(errors, "AW", *port_.awaddr, *port_.awlen, *port_.awsize, *port_.awburst, port_.data_bytes);
      bursts_.push_back({*port_.awaddr, unsigned(*port_.awlen) + 1, 0, false});
      ++bursts_accepted;
    }
    if (*port_.wvalid && *port_.wready) {
      Beat beat;
      for (unsigned i = 0; i < port_.data_bytes; ++i) {
        beat.data[i] = uint8_t(port_.wdata[i / 4] >> (8 * (i % 4)));
      }
      beat.strb = *port_.wstrb;
      beat.last = *port_.wlast;
      beats_.push_back(beat);
    }
    // Apply data beats to the oldest burst whose address has arrived.
    while (!bursts_.empty() && !beats_.empty()) {
      Burst& b = bursts_.front();
      const Beat& beat = beats_.front();
      const uint64_t addr = b.addr + uint64_t(b.done) * port_.data_bytes;
      for (unsigned i = 0; i < port_.data_bytes; ++i) {
        if ((beat.strb >> i) & 1) memory_.write(addr + i, beat.data[i]);
      }
      bytes_written += __builtin_popcountll(beat.strb);
      const bool should_be_last = b.done + 1 == b.beats;
      if (beat.last != should_be_last) errors.push_back("W: wlast wrong at beat " + std::to_string(b.done));
      if (addr >= error_begin_ && addr < error_end_) b.error = true;
      beats_.pop_front();
      if (++b.done == b.beats) {
        std::uniform_int_distribution<unsigned> lat(timing_.min_latency, timing_.max_latency);
        responses_.push_back({uint8_t(b.error ? 2 : 0), cycle + lat(rng_)});
        bursts_.pop_front();
      }
    }
    if (*port_.bvalid && *port_.bready) {
      holding_ = false;
      responses_.pop_front();
    }
  }

  std::vector<std::string> errors;
  uint64_t bursts_accepted = 0;
  uint64_t bytes_written = 0;

 private:
  struct Burst {
    uint64_t addr;
    unsigned beats;
    unsigned done;
    bool error;
  };
  struct Beat {
    uint8_t data[64];
    uint64_t strb;
    bool last;
  };
  struct Response {
    uint8_t resp;
    uint64_t ready_at;
  };
  bool chance(double p) { return p >= 1.0 || std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  AxiWritePort port_;
  SparseMemory& memory_;
  AxiTiming timing_;
  std::mt19937 rng_;
  std::deque<Burst> bursts_;
  std::deque<Beat> beats_;
  std::deque<Response> responses_;
  bool holding_ = false;
  uint64_t error_begin_ = 0, error_end_ = 0;
};

}  // namespace mmfree::kernel_test
