// A C++ AXI4-Lite master (the host's view of s_axi_control): single-word reads and writes, with
// optional random delays between the address, data and response channels so the slave sees the
// orders AXI allows (address before data, data before address, late bready/rready).
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>

namespace mmfree::kernel_test {

struct AxiLitePort {
  uint8_t* awvalid;
  const uint8_t* awready;
  uint16_t* awaddr;
  uint8_t* wvalid;
  const uint8_t* wready;
  uint32_t* wdata;
  uint8_t* wstrb;
  const uint8_t* bvalid;
  uint8_t* bready;
  const uint8_t* bresp;
  uint8_t* arvalid;
  const uint8_t* arready;
  uint16_t* araddr;
  const uint8_t* rvalid;
  uint8_t* rready;
  const uint32_t* rdata;
  const uint8_t* rresp;
};

class AxiLiteDriver {
 public:
  // `settle` evaluates the model with the clock low; `tick` makes one rising edge (during which
  // the rest of the testbench may run its own agents).
  AxiLiteDriver(AxiLitePort port, std::function<void()> settle, std::function<void()> tick)
      : port_(port), settle_(std::move(settle)), tick_(std::move(tick)) {
    *port_.awvalid = *port_.wvalid = *port_.bready = *port_.arvalid = *port_.rready = 0;
  }

  // Random 0..max_delay idle cycles before each channel's valid/ready (0 = back to back).
  void set_random_delays(unsigned max_delay, uint32_t seed) {
    max_delay_ = max_delay;
    rng_.seed(seed);
  }

  void write(uint32_t addr, uint32_t data, uint8_t strb = 0xF) {
    unsigned aw_wait = delay(), w_wait = delay(), b_wait = delay();
    bool aw_done = false, w_done = false, b_done = false;
    for (unsigned guard = 0; !b_done; ++guard) {
      if (guard > kTimeout) throw std::runtime_error("AXI-Lite write timed out at " + std::to_string(addr));
      *port_.awvalid = !aw_done && aw_wait == 0;
      *port_.awaddr = uint16_t(addr);
      *port_.wvalid = !w_done && w_wait == 0;
      *port_.wdata = data;
      *port_.wstrb = strb;
      *port_.bready = aw_done && w_done && b_wait == 0;
      settle_();
      const bool aw_fire = *port_.awvalid && *port_.awready;
      const bool w_fire = *port_.wvalid && *port_.wready;
      const bool b_fire = *port_.bready && *port_.bvalid;
      if (b_fire && *port_.bresp != 0) throw std::runtime_error("AXI-Lite write error response");
      tick_();
      aw_done |= aw_fire;
      w_done |= w_fire;
      b_done |= b_fire;
      if (aw_wait) --aw_wait;
      if (w_wait) --w_wait;
      if (aw_done && w_done && b_wait) --b_wait;
    }
    *port_.awvalid = *port_.wvalid = *port_.bready = 0;
  }

  uint32_t read(uint32_t addr) {
    unsigned ar_wait = delay(), r_wait = delay();
    bool ar_done = false;
    for (unsigned guard = 0;; ++guard) {
      if (guard > kTimeout) throw std::runtime_error("AXI-Lite read timed out at " + std::to_string(addr));
      *port_.arvalid = !ar_done && ar_wait == 0;
      *port_.araddr = uint16_t(addr);
      *port_.rready = ar_done && r_wait == 0;
      settle_();
      const bool ar_fire = *port_.arvalid && *port_.arready;
      const bool r_fire = *port_.rready && *port_.rvalid;
      const uint32_t data = *port_.rdata;
      if (r_fire && *port_.rresp != 0) throw std::runtime_error("AXI-Lite read error response");
      tick_();
      ar_done |= ar_fire;
      if (ar_wait) --ar_wait;
      if (ar_done && r_wait) --r_wait;
      if (r_fire) {
        *port_.arvalid = *port_.rready = 0;
        return data;
      }
    }
  }

  uint64_t read64(uint32_t addr) {
    const uint64_t lo = read(addr);
    return lo | uint64_t(read(addr + 4)) << 32;
  }
  void write64(uint32_t addr, uint64_t value) {
    write(addr, uint32_t(value));
    write(addr + 4, uint32_t(value >> 32));
  }

 private:
  static constexpr unsigned kTimeout = 10000;
  unsigned delay() { return max_delay_ ? std::uniform_int_distribution<unsigned>(0, max_delay_)(rng_) : 0; }

  AxiLitePort port_;
  std::function<void()> settle_, tick_;
  unsigned max_delay_ = 0;
  std::mt19937 rng_;
};

}  // namespace mmfree::kernel_test
