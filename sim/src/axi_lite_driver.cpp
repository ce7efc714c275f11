#include "mmfree/sim/axi_lite_driver.hpp"

#include <cstdio>

namespace mmfree::sim {

AxiLiteDriver::AxiLiteDriver(const AxiLitePins& pins) : pins_(pins) { reset(); }

void AxiLiteDriver::reset() {
  phase_ = Phase::Idle;
  aw_done_ = w_done_ = ar_done_ = false;
  drive();
}

void AxiLiteDriver::begin_write(uint32_t address, uint32_t value, uint32_t strobe) {
  phase_ = Phase::Write;
  address_ = address;
  value_ = value;
  strobe_ = strobe;
  aw_done_ = w_done_ = false;
  aw_wait_ = random_delay();
  w_wait_ = random_delay();
  b_wait_ = random_delay();
}

void AxiLiteDriver::begin_read(uint32_t address) {
  phase_ = Phase::Read;
  address_ = address;
  ar_done_ = false;
  ar_wait_ = random_delay();
  r_wait_ = random_delay();
}

void AxiLiteDriver::set_random_delays(unsigned max_delay, uint64_t seed) {
  max_delay_ = max_delay;
  delay_state_ = seed * 0x9E3779B97F4A7C15ull | 1;
}

unsigned AxiLiteDriver::random_delay() {
  if (max_delay_ == 0) return 0;
  delay_state_ ^= delay_state_ >> 12;  // xorshift64*
  delay_state_ ^= delay_state_ << 25;
  delay_state_ ^= delay_state_ >> 27;
  return static_cast<unsigned>(((delay_state_ * 0x2545F4914F6CDD1Dull) >> 32) % (max_delay_ + 1));
}

void AxiLiteDriver::drive() {
  const bool writing = phase_ == Phase::Write;
  const bool reading = phase_ == Phase::Read;
  pins_.awvalid.set(writing && !aw_done_ && aw_wait_ == 0);
  pins_.awaddr.set(address_);
  pins_.wvalid.set(writing && !w_done_ && w_wait_ == 0);
  pins_.wdata.set(value_);
  pins_.wstrb.set(strobe_);
  pins_.bready.set(writing && aw_done_ && w_done_ && b_wait_ == 0);
  pins_.arvalid.set(reading && !ar_done_ && ar_wait_ == 0);
  pins_.araddr.set(address_);
  pins_.rready.set(reading && ar_done_ && r_wait_ == 0);
}

void AxiLiteDriver::sample() {
  if (phase_ == Phase::Write) {
    // The B handshake can only happen in a cycle after both AW and W were accepted (bready
    // was driven from the flags as they stood at drive time).
    const bool b_fire = aw_done_ && w_done_ && b_wait_ == 0 && pins_.bvalid.high();
    if (aw_done_ && w_done_ && b_wait_ != 0) --b_wait_;
    if (!aw_done_ && aw_wait_ == 0 && pins_.awready.high()) aw_done_ = true;
    if (!w_done_ && w_wait_ == 0 && pins_.wready.high()) w_done_ = true;
    if (aw_wait_ != 0) --aw_wait_;
    if (w_wait_ != 0) --w_wait_;
    if (b_fire) {
      response_ = static_cast<uint32_t>(pins_.bresp.get());
      phase_ = Phase::Idle;
    }
  } else if (phase_ == Phase::Read) {
    const bool r_fire = ar_done_ && r_wait_ == 0 && pins_.rvalid.high();
    if (ar_done_ && r_wait_ != 0) --r_wait_;
    if (!ar_done_ && ar_wait_ == 0 && pins_.arready.high()) ar_done_ = true;
    if (ar_wait_ != 0) --ar_wait_;
    if (r_fire) {
      read_value_ = static_cast<uint32_t>(pins_.rdata.get());
      response_ = static_cast<uint32_t>(pins_.rresp.get());
      phase_ = Phase::Idle;
    }
  }
}

std::string AxiLiteDriver::describe_state() const {
  char text[128];
  switch (phase_) {
    case Phase::Write:
      std::snprintf(text, sizeof text, "write of 0x%x to 0x%03x waiting for %s", value_, address_,
                    !aw_done_ ? "AWREADY" : (!w_done_ ? "WREADY" : "BVALID"));
      return text;
    case Phase::Read:
      std::snprintf(text, sizeof text, "read of 0x%03x waiting for %s", address_, !ar_done_ ? "ARREADY" : "RVALID");
      return text;
    default:
      return "idle";
  }
}

}  // namespace mmfree::sim
