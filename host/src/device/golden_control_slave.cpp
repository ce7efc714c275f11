#include "device/golden_control_slave.hpp"

namespace mmfree::device {

GoldenControlSlave::GoldenControlSlave(const GoldenHardwareInfo& info) {
  const auto mark = [this](uint32_t offset, uint32_t bytes, Access access) {
    for (uint32_t w = offset / 4; w < (offset + bytes) / 4; ++w) access_[w] = access;
  };
  mark(regmap::ctrl::kOffset, 4, Access::Ctrl);
  mark(regmap::gie::kOffset, 4, Access::Gie);
  mark(regmap::ier::kOffset, 4, Access::Ier);
  mark(regmap::isr::kOffset, 4, Access::Isr);
  for (const auto& a : regmap::kArguments) mark(a.offset, a.size, Access::Argument);
  for (unsigned p = 0; p < regmap::kMaxWeightPorts; ++p) mark(regmap::weight_port_offset(p), 8, Access::Argument);
  for (const uint32_t ro : {regmap::status::kOffset, regmap::hw_magic::kOffset, regmap::hw_version::kOffset,
                            regmap::hw_weight_ports::kOffset, regmap::hw_weight_data_width::kOffset,
                            regmap::hw_max_hidden::kOffset, regmap::hw_max_intermediate::kOffset,
                            regmap::hw_batch_lanes::kOffset})
    mark(ro, 4, Access::ReadOnly);
  const auto mark_counter = [&](uint32_t offset) {
    access_[offset / 4] = Access::CounterLow;
    access_[offset / 4 + 1] = Access::CounterHigh;
  };
  for (const auto& c : regmap::kCounters) mark_counter(c.offset);
  for (unsigned p = 0; p < regmap::kMaxWeightPorts; ++p) mark_counter(regmap::weight_port_bytes_offset(p));

  words_[regmap::hw_magic::kOffset / 4] = regmap::kKernelMagic;
  words_[regmap::hw_version::kOffset / 4] = regmap::kInterfaceVersion;
  words_[regmap::hw_weight_ports::kOffset / 4] = info.weight_ports;
  words_[regmap::hw_weight_data_width::kOffset / 4] = info.weight_data_width;
  words_[regmap::hw_max_hidden::kOffset / 4] = info.max_hidden;
  words_[regmap::hw_max_intermediate::kOffset / 4] = info.max_intermediate;
  words_[regmap::hw_batch_lanes::kOffset / 4] = info.batch_lanes;
}

uint32_t GoldenControlSlave::read(uint32_t offset) {
  const uint32_t w = offset / 4;
  if (offset % 4 != 0 || w >= kWords) return 0;
  switch (access_[w]) {
    case Access::Ctrl: {
      const uint32_t value = (start_ ? regmap::ctrl::kApStart : 0) | (done_ ? regmap::ctrl::kApDone : 0) |
                             (idle_ ? regmap::ctrl::kApIdle : 0) | (ready_ ? regmap::ctrl::kApReady : 0) |
                             (auto_restart_ ? regmap::ctrl::kAutoRestart : 0);
      done_ = false;  // clear on read
      ready_ = false;
      return value;
    }
    case Access::CounterLow:
      latched_high_ = words_[w + 1];
      return words_[w];
    case Access::CounterHigh:
      return latched_high_;
    case Access::Unmapped:
      return 0;
    default:
      return words_[w];
  }
}

bool GoldenControlSlave::write(uint32_t offset, uint32_t value) {
  const uint32_t w = offset / 4;
  if (offset % 4 != 0 || w >= kWords) return false;
  switch (access_[w]) {
    case Access::Ctrl: {
      auto_restart_ = (value & regmap::ctrl::kAutoRestart) != 0;
      if (!(value & regmap::ctrl::kApStart)) return false;  // writing 0 never clears ap_start
      const bool starts = idle_ && !start_;
      start_ = true;
      return starts;
    }
    case Access::Gie:
      words_[w] = value & regmap::gie::kEnable;
      return false;
    case Access::Ier:
      words_[w] = value & (regmap::ier::kDone | regmap::ier::kReady);
      return false;
    case Access::Isr:
      words_[w] ^= value & (regmap::isr::kDone | regmap::isr::kReady);
      return false;
    case Access::Argument:
      words_[w] = value;
      return false;
    default:
      return false;  // read-only and unmapped words ignore writes
  }
}

std::array<uint32_t, GoldenControlSlave::kWords> GoldenControlSlave::accept() {
  idle_ = false;
  for (uint32_t w = 0; w < kWords; ++w)
    if (access_[w] == Access::CounterLow || access_[w] == Access::CounterHigh) words_[w] = 0;
  words_[regmap::status::kOffset / 4] = 0;
  return words_;
}

bool GoldenControlSlave::complete(uint32_t status) {
  words_[regmap::status::kOffset / 4] = status;
  done_ = true;
  ready_ = true;
  idle_ = true;
  if (!auto_restart_) start_ = false;
  const uint32_t enabled = words_[regmap::ier::kOffset / 4];
  if (enabled & regmap::ier::kDone) words_[regmap::isr::kOffset / 4] |= regmap::isr::kDone;
  if (enabled & regmap::ier::kReady) words_[regmap::isr::kOffset / 4] |= regmap::isr::kReady;
  return start_;
}

void GoldenControlSlave::set_counter(uint32_t offset, uint64_t value) {
  words_[offset / 4] = static_cast<uint32_t>(value);
  words_[offset / 4 + 1] = static_cast<uint32_t>(value >> 32);
}

uint64_t GoldenControlSlave::counter(uint32_t offset) const {
  return (uint64_t(words_[offset / 4 + 1]) << 32) | words_[offset / 4];
}

bool GoldenControlSlave::interrupt() const {
  return (words_[regmap::gie::kOffset / 4] & regmap::gie::kEnable) && words_[regmap::isr::kOffset / 4] != 0;
}

}  // namespace mmfree::device
