#include "mmfree/sim/axi_memory_slave.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

#include "mmfree/error.hpp"

namespace mmfree::sim {

namespace {

constexpr uint8_t kBurstFixed = 0;
constexpr uint8_t kBurstIncr = 1;
constexpr uint8_t kBurstWrap = 2;
constexpr uint64_t kRespOkay = 0;
constexpr uint64_t kRespDecErr = 3;
constexpr int64_t kCreditUnit = 256;  // credit is kept in 1/256 byte
constexpr uint64_t kDeviceCache = 0b0011;  // the AxCACHE every mmfree master drives

std::string hex(uint64_t v) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
  return text;
}

}  // namespace

AxiMemorySlave::AxiMemorySlave(std::string port_name, const AxiMasterPins& pins, SimMemory& memory,
                               const MemoryTiming& timing)
    : port_name_(std::move(port_name)),
      pins_(pins),
      memory_(memory),
      timing_(timing),
      reads_(std::max(1u, timing.max_outstanding)),
      writes_(std::max(1u, timing.max_outstanding)) {
  if (!pins_.rdata.present() || !pins_.araddr.present()) {
    throw DeviceError("sim: AXI port " + port_name_ + " has no read channels bound");
  }
  bus_bytes_ = pins_.rdata.storage_bytes();
  if (!std::has_single_bit(bus_bytes_)) {
    throw DeviceError("sim: AXI port " + port_name_ + " has a data bus of " + std::to_string(bus_bytes_) +
                      " bytes; only power-of-two widths are modelled");
  }
  bus_size_log2_ = static_cast<uint32_t>(std::countr_zero(bus_bytes_));
  has_write_channels_ = pins_.awvalid.present() && pins_.wdata.present();
  if (timing_.bytes_per_cycle < 0 || !std::isfinite(timing_.bytes_per_cycle)) {
    throw UsageError("sim: memory timing '" + timing_.name + "' has an invalid bandwidth");
  }
  credit_per_cycle_ = static_cast<int64_t>(std::llround(timing_.bytes_per_cycle * kCreditUnit));
  credit_cap_ = static_cast<int64_t>(bus_bytes_) * kCreditUnit + credit_per_cycle_;
  // Each channel gets its own stream so that, e.g., read stalls do not shift with write traffic.
  ar_stall_ = StallGenerator(timing_.stall_probability, timing_.stall_seed * 8 + 1);
  r_stall_ = StallGenerator(timing_.stall_probability, timing_.stall_seed * 8 + 2);
  aw_stall_ = StallGenerator(timing_.stall_probability, timing_.stall_seed * 8 + 3);
  w_stall_ = StallGenerator(timing_.stall_probability, timing_.stall_seed * 8 + 4);
  b_stall_ = StallGenerator(timing_.stall_probability, timing_.stall_seed * 8 + 5);
  strobe_scratch_.resize((bus_bytes_ + 7) / 8);
  data_scratch_.resize(bus_bytes_);
  reset();
}

void AxiMemorySlave::reset() {
  reads_.clear();
  writes_.clear();
  write_data_index_ = 0;
  arready_ = awready_ = wready_ = rvalid_ = bvalid_ = false;
  credit_ = 0;
  pins_.arready.set(0);
  pins_.rvalid.set(0);
  pins_.rlast.set(0);
  pins_.awready.set(0);
  pins_.wready.set(0);
  pins_.bvalid.set(0);
}

bool AxiMemorySlave::take_credit(uint32_t bytes) {
  if (credit_per_cycle_ == 0) return true;
  const int64_t cost = int64_t{bytes} * kCreditUnit;
  if (credit_ < cost) return false;
  credit_ -= cost;
  return true;
}

uint64_t AxiMemorySlave::beat_address(const Burst& b) const {
  const uint64_t size = b.size_bytes;
  switch (b.burst_type) {
    case kBurstFixed:
      return b.start;
    case kBurstWrap: {
      const uint64_t span = size * b.beats;
      const uint64_t boundary = b.start / span * span;
      return boundary + (b.start - boundary + uint64_t{b.done} * size) % span;
    }
    default:
      return b.done == 0 ? b.start : (b.start & ~(size - 1)) + uint64_t{b.done} * size;
  }
}

void AxiMemorySlave::note_protocol_error(const std::string& what, uint64_t cycle) {
  if (protocol_error_.empty()) {
    protocol_error_ = port_name_ + " at cycle " + std::to_string(cycle) + ": " + what;
  }
}

AxiMemorySlave::Burst AxiMemorySlave::accept_burst(bool write, uint64_t cycle) {
  const AxiMasterPins& p = pins_;
  Burst b;
  b.start = (write ? p.awaddr : p.araddr).get();
  b.beats = static_cast<uint32_t>((write ? p.awlen : p.arlen).get() & 0xFF) + 1;
  const SignalRef& size_pin = write ? p.awsize : p.arsize;
  const uint32_t size_log2 = size_pin.present() ? static_cast<uint32_t>(size_pin.get() & 7) : bus_size_log2_;
  const SignalRef& burst_pin = write ? p.awburst : p.arburst;
  b.burst_type = burst_pin.present() ? static_cast<uint8_t>(burst_pin.get() & 3) : kBurstIncr;
  b.id = (write ? p.awid : p.arid).get();
  const char* dir = write ? "write" : "read";

  if (size_log2 > bus_size_log2_) {
    note_protocol_error(std::string(dir) + " burst size 2^" + std::to_string(size_log2) + " exceeds the " +
                            std::to_string(bus_bytes_) + "-byte bus",
                        cycle);
  }
  b.size_bytes = 1u << std::min(size_log2, bus_size_log2_);
  if (b.burst_type == 3) {
    note_protocol_error(std::string(dir) + " burst type 3 is reserved", cycle);
    b.burst_type = kBurstIncr;
  }
  if (full_width_incr_only_ && (b.burst_type != kBurstIncr || size_log2 != bus_size_log2_ || b.start % bus_bytes_)) {
    note_protocol_error(std::string(dir) + " burst at " + hex(b.start) + " is not a full-width, aligned INCR burst",
                        cycle);
  }
  // docs/device.md: AxCACHE = 0b0011 (normal, non-cacheable, bufferable), AxPROT = 0.
  const SignalRef& cache_pin = write ? p.awcache : p.arcache;
  const SignalRef& prot_pin = write ? p.awprot : p.arprot;
  if (full_width_incr_only_ && cache_pin.present() && (cache_pin.get() & 0xF) != kDeviceCache) {
    note_protocol_error(std::string(dir) + " burst at " + hex(b.start) + " has " + (write ? "AWCACHE " : "ARCACHE ") +
                            hex(cache_pin.get() & 0xF) + ", not 0x3",
                        cycle);
  }
  if (full_width_incr_only_ && prot_pin.present() && (prot_pin.get() & 0x7) != 0) {
    note_protocol_error(std::string(dir) + " burst at " + hex(b.start) + " has " + (write ? "AWPROT " : "ARPROT ") +
                            hex(prot_pin.get() & 0x7) + ", not 0",
                        cycle);
  }
  // The bytes the burst touches, widened to whole bus words (the model moves whole words).
  uint64_t first = b.start, end = b.start + b.size_bytes;
  if (b.burst_type == kBurstIncr) {
    end = (b.start & ~uint64_t{b.size_bytes - 1}) + uint64_t{b.size_bytes} * b.beats;
    if ((b.start >> 12) != ((end - 1) >> 12)) {
      note_protocol_error(std::string(dir) + " burst at " + hex(b.start) + " of " + std::to_string(b.beats) +
                              " beats crosses a 4 KiB boundary",
                          cycle);
    }
  } else if (b.burst_type == kBurstWrap) {
    const uint64_t span = uint64_t{b.size_bytes} * b.beats;
    if (!(b.beats == 2 || b.beats == 4 || b.beats == 8 || b.beats == 16) || (b.start & (b.size_bytes - 1))) {
      note_protocol_error(std::string(dir) + " WRAP burst at " + hex(b.start) + " has an illegal length or alignment",
                          cycle);
    }
    first = b.start / span * span;
    end = first + span;
  }
  first &= ~uint64_t{bus_bytes_ - 1};
  end = (end + bus_bytes_ - 1) & ~uint64_t{bus_bytes_ - 1};
  b.decode_error = !memory_.contains(first, end - first);
  if (b.decode_error) ++stats_.decode_errors;
  b.ready_cycle = cycle + 1 + (write ? 0 : timing_.read_latency_cycles);
  if (write) {
    ++stats_.write_bursts;
  } else {
    ++stats_.read_bursts;
    if (stats_.first_read_cycle == 0) stats_.first_read_cycle = cycle;
  }
  return b;
}

void AxiMemorySlave::drive(uint64_t cycle) {
  if (credit_per_cycle_ != 0) credit_ = std::min(credit_ + credit_per_cycle_, credit_cap_);

  // Read data: offer the next beat once its burst's latency has passed and bandwidth allows.
  if (!rvalid_ && !reads_.empty()) {
    const Burst& b = reads_.front();
    if (cycle >= b.ready_cycle && !r_stall_.stall() && take_credit(b.size_bytes)) {
      const uint64_t window = beat_address(b) & ~uint64_t{bus_bytes_ - 1};
      if (b.decode_error) {
        pins_.rdata.clear();
        pins_.rresp.set(kRespDecErr);
      } else {
        pins_.rdata.copy_in(memory_.at(window), bus_bytes_);
        pins_.rresp.set(kRespOkay);
      }
      pins_.rlast.set(b.done + 1 == b.beats);
      pins_.rid.set(b.id);
      rvalid_ = true;
    }
  }
  pins_.rvalid.set(rvalid_);
  arready_ = !reads_.full() && !ar_stall_.stall();
  pins_.arready.set(arready_);

  if (!has_write_channels_) return;
  awready_ = !writes_.full() && !aw_stall_.stall();
  pins_.awready.set(awready_);
  wready_ = false;
  if (write_data_index_ < writes_.size()) {
    const Burst& b = writes_[write_data_index_];
    const bool bandwidth_ok = credit_per_cycle_ == 0 || credit_ >= int64_t{b.size_bytes} * kCreditUnit;
    wready_ = bandwidth_ok && !w_stall_.stall();
  }
  pins_.wready.set(wready_);
  if (!bvalid_ && !writes_.empty()) {
    const Burst& b = writes_.front();
    if (b.data_complete && cycle >= b.ready_cycle && !b_stall_.stall()) {
      pins_.bresp.set(b.decode_error ? kRespDecErr : kRespOkay);
      pins_.bid.set(b.id);
      bvalid_ = true;
    }
  }
  pins_.bvalid.set(bvalid_);
}

void AxiMemorySlave::sample(uint64_t cycle) {
  if (arready_ && pins_.arvalid.high()) reads_.push(accept_burst(false, cycle));

  if (rvalid_ && pins_.rready.high()) {
    Burst& b = reads_.front();
    if (beat_log_) beat_log_->push_back({false, beat_address(b), b.size_bytes, cycle});
    ++stats_.read_beats;
    stats_.read_bytes += b.size_bytes;
    stats_.last_read_cycle = cycle;
    if (++b.done == b.beats) reads_.pop();
    rvalid_ = false;
  }

  if (!has_write_channels_) return;
  if (awready_ && pins_.awvalid.high()) writes_.push(accept_burst(true, cycle));

  if (wready_ && pins_.wvalid.high()) {
    Burst& b = writes_[write_data_index_];
    take_credit(b.size_bytes);
    const uint64_t address = beat_address(b);
    const uint64_t window = address & ~uint64_t{bus_bytes_ - 1};
    pins_.wstrb.copy_out(strobe_scratch_.data(), strobe_scratch_.size());
    pins_.wdata.copy_out(data_scratch_.data(), bus_bytes_);
    uint32_t written = 0;
    std::byte* dst = b.decode_error ? nullptr : memory_.at(window);
    for (std::size_t lane = 0; lane < bus_bytes_; ++lane) {
      if ((std::to_integer<unsigned>(strobe_scratch_[lane / 8]) >> (lane % 8)) & 1u) {
        if (dst) dst[lane] = data_scratch_[lane];
        ++written;
      }
    }
    if (beat_log_) beat_log_->push_back({true, address, b.size_bytes, cycle});
    ++stats_.write_beats;
    stats_.write_bytes += written;
    const bool last = ++b.done == b.beats;
    if (pins_.wlast.high() != last) {
      note_protocol_error("WLAST " + std::string(last ? "missing on" : "set before") + " the last beat of the write burst at " +
                              hex(b.start),
                          cycle);
    }
    if (last) {
      b.data_complete = true;
      b.ready_cycle = cycle + 1 + timing_.write_latency_cycles;
      ++write_data_index_;
    }
  }

  if (bvalid_ && pins_.bready.high()) {
    writes_.pop();
    --write_data_index_;
    bvalid_ = false;
  }
}

std::string AxiMemorySlave::describe_state(uint64_t cycle) const {
  std::string s = port_name_ + ": " + std::to_string(reads_.size()) + " read bursts outstanding";
  if (!reads_.empty()) {
    const Burst& b = reads_.front();
    s += " (oldest at " + hex(b.start) + ", beat " + std::to_string(b.done) + "/" + std::to_string(b.beats);
    if (rvalid_) {
      s += ", RVALID held waiting for RREADY";
    } else if (cycle < b.ready_cycle) {
      s += ", data due at cycle " + std::to_string(b.ready_cycle);
    }
    s += ")";
  }
  if (has_write_channels_) {
    s += ", " + std::to_string(writes_.size()) + " write bursts outstanding";
    if (write_data_index_ < writes_.size()) s += " (waiting for W data)";
    if (bvalid_) s += " (BVALID held waiting for BREADY)";
  }
  s += "; " + std::to_string(stats_.read_beats) + " beats read, " + std::to_string(stats_.write_beats) + " written";
  return s;
}

}  // namespace mmfree::sim
