// What `mmfree bench` measured on one backend (pp/tg/selftest tests, llama-bench style) and
// its two printed forms: a Markdown table with the device counters, or JSON; plus the board
// energy measurement's report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmfree/device/device.hpp"
#include "mmfree/measure/measured_energy.hpp"
#include "mmfree/model.hpp"

namespace mmfree::measure {

struct BenchTest {
  std::string name;     // pp64, tg128, selftest
  uint32_t tokens = 0;  // per run and sequence; a self-test run is one weight pass
  std::vector<double> tokens_per_second;  // all `batch` sequences together (aggregate)
  std::vector<device::Counter> counters;  // of the last call of the last repetition
  uint32_t batch = 1;                     // sequences run together
  std::vector<double> seconds;            // per run: pp: until every sequence has its first token

  double mean() const;
  double stddev() const;  // sample standard deviation, 0 with fewer than two runs
  double mean_per_sequence() const { return mean() / batch; }
  double mean_seconds() const;
  uint64_t counter(const std::string& name) const { return device::counter_value(counters, name); }
};

// To stdout.
void print_bench_table(const std::string& model, const ModelConfig& config, const std::string& backend,
                       const std::vector<BenchTest>& tests);
void print_bench_json(const std::string& model, const ModelConfig& config, const std::string& backend,
                      const std::vector<BenchTest>& tests);

// To stdout, as {"energy_measured": {...}} with `json`, else as text.
void print_measured_energy(const MeasuredEnergy& energy, bool json);

}  // namespace mmfree::measure
