#include "mmfree/device/cycle_breakdown.hpp"

#include <cstdio>

namespace mmfree::device {

bool CycleBreakdown::available() const {
  return cycles != 0 && streaming + weight_memory + element_wise + control == cycles;
}

double CycleBreakdown::share(uint64_t part) const { return cycles == 0 ? 0.0 : double(part) / double(cycles); }

std::string CycleBreakdown::describe() const {
  char text[160];
  std::snprintf(text, sizeof text, "%.1f%% streaming, %.1f%% weight-memory stall, %.1f%% element-wise, %.1f%% control",
                100 * share(streaming), 100 * share(weight_memory), 100 * share(element_wise), 100 * share(control));
  return text;
}

nlohmann::json CycleBreakdown::to_json() const {
  return {{"cycles", cycles},
          {"streaming_cycles", streaming},
          {"weight_memory_stall_cycles", weight_memory},
          {"element_wise_cycles", element_wise},
          {"control_cycles", control},
          {"streaming_share", share(streaming)},
          {"weight_memory_stall_share", share(weight_memory)},
          {"element_wise_share", share(element_wise)},
          {"control_share", share(control)}};
}

CycleBreakdown& CycleBreakdown::operator+=(const CycleBreakdown& other) {
  cycles += other.cycles;
  streaming += other.streaming;
  weight_memory += other.weight_memory;
  element_wise += other.element_wise;
  control += other.control;
  return *this;
}

CycleBreakdown cycle_breakdown(std::span<const Counter> counters) {
  CycleBreakdown b;
  b.cycles = counter_value(counters, "cycles");
  b.streaming = counter_value(counters, "cause_streaming_cycles");
  b.weight_memory = counter_value(counters, "cause_weight_memory_cycles");
  b.element_wise = counter_value(counters, "cause_element_wise_cycles");
  b.control = counter_value(counters, "cause_control_cycles");
  return b;
}

}  // namespace mmfree::device
