#include "mmfree/measure/bench_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "mmfree/device/cycle_breakdown.hpp"

namespace mmfree::measure {

double BenchTest::mean() const {
  double sum = 0;
  for (double v : tokens_per_second) sum += v;
  return tokens_per_second.empty() ? 0.0 : sum / double(tokens_per_second.size());
}

double BenchTest::mean_seconds() const {
  double sum = 0;
  for (double v : seconds) sum += v;
  return seconds.empty() ? 0.0 : sum / double(seconds.size());
}

double BenchTest::stddev() const {
  if (tokens_per_second.size() < 2) return 0.0;
  const double m = mean();
  double sum = 0;
  for (double v : tokens_per_second) sum += (v - m) * (v - m);
  return std::sqrt(sum / double(tokens_per_second.size() - 1));
}

namespace {

std::string format_rate(const BenchTest& r) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f ± %.2f", r.mean(), r.stddev());
  return text;
}

}  // namespace

void print_bench_table(const std::string& model, const ModelConfig& config, const std::string& backend,
                       const std::vector<BenchTest>& results) {
  std::printf("| model | params | backend | test | batch | t/s | t/s per sequence |\n|---|---|---|---|---:|---:|---:|\n");
  char shape[96];
  std::snprintf(shape, sizeof shape, "d=%u L=%u I=%u V=%u", config.hidden_size, config.num_layers,
                config.intermediate_size, config.vocab_size);
  for (const auto& r : results)
    std::printf("| %s | %s | %s | %s | %u | %s | %.2f |\n", model.c_str(), shape, backend.c_str(), r.name.c_str(),
                r.batch, format_rate(r).c_str(), r.mean_per_sequence());
  for (const auto& r : results)
    if (r.batch > 1) {
      std::printf("\nbatch %u: t/s counts the tokens of all %u sequences together; per sequence = t/s / %u\n", r.batch,
                  r.batch, r.batch);
      break;
    }
  for (const auto& r : results)
    if (r.name.starts_with("pp") && !r.seconds.empty())
      std::printf("%s: time to first token %.4f s (the whole prompt%s read)\n", r.name.c_str(), r.mean_seconds(),
                  r.batch > 1 ? " of every sequence" : "");
  for (const auto& r : results)
    if (r.name == "selftest") std::printf("\nselftest: t/s counts weight passes (one command streams every weight once)\n");
  for (const auto& r : results) {
    if (r.counters.empty()) continue;
    const bool selftest = r.name == "selftest";
    const uint64_t units = selftest ? 1 : std::max<uint64_t>(r.counter("tokens"), 1);
    if (selftest)
      std::printf("\n%s device counters (last call, one weight pass):\n", r.name.c_str());
    else
      std::printf("\n%s device counters (last call, %llu token%s):\n", r.name.c_str(),
                  static_cast<unsigned long long>(r.counter("tokens")), units == 1 ? "" : "s");
    if (r.counter("cycles") != 0) {
      std::printf("  cycles/%-19s %.1f\n", selftest ? "pass" : "token", double(r.counter("cycles")) / double(units));
      std::printf("  weight bytes/cycle         %.2f\n", double(r.counter("weight_bytes")) / double(r.counter("cycles")));
    }
    if (const auto breakdown = device::cycle_breakdown(r.counters); breakdown.available())
      std::printf("  cycles: %s\n", breakdown.describe().c_str());
    for (const auto& c : r.counters)
      std::printf("  %-26s %llu\n", c.name.c_str(), static_cast<unsigned long long>(c.value));
  }
}

void print_bench_json(const std::string& model, const ModelConfig& config, const std::string& backend,
                      const std::vector<BenchTest>& results) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : results) {
    nlohmann::json counters = nlohmann::json::object();
    for (const auto& c : r.counters) counters[c.name] = c.value;
    nlohmann::json entry = {{"model", model},
                            {"hidden_size", config.hidden_size},
                            {"num_layers", config.num_layers},
                            {"intermediate_size", config.intermediate_size},
                            {"vocab_size", config.vocab_size},
                            {"backend", backend},
                            {"test", r.name},
                            {"n_prompt", r.name.starts_with("pp") ? r.tokens : 0},
                            {"n_gen", r.name.starts_with("tg") ? r.tokens : 0},
                            {"repetitions", r.tokens_per_second.size()},
                            {"samples_ts", r.tokens_per_second},
                            {"avg_ts", r.mean()},
                            {"stddev_ts", r.stddev()},
                            {"batch", r.batch},
                            {"avg_ts_per_sequence", r.mean_per_sequence()},
                            {"counters", counters}};
    if (r.name.starts_with("pp") && !r.seconds.empty()) entry["time_to_first_token_s"] = r.mean_seconds();
    if (r.counter("cycles") != 0 && r.name == "selftest")
      entry["cycles_per_pass"] = double(r.counter("cycles"));
    else if (r.counter("cycles") != 0 && r.counter("tokens") != 0)
      entry["cycles_per_token"] = double(r.counter("cycles")) / double(r.counter("tokens"));
    if (const auto breakdown = device::cycle_breakdown(r.counters); breakdown.available())
      entry["cycle_breakdown"] = breakdown.to_json();
    out.push_back(entry);
  }
  std::printf("%s\n", out.dump(2).c_str());
}

void print_measured_energy(const MeasuredEnergy& m, bool json) {
  if (json) {
    nlohmann::json out = {{"kind", "measured"},
                          {"idle_watts", m.idle_watts},
                          {"idle_seconds", m.idle_seconds},
                          {"decode_watts", m.decode_watts},
                          {"decode_seconds", m.decode_seconds},
                          {"tokens", m.tokens},
                          {"joules_per_token", m.joules_per_token},
                          {"above_idle_joules_per_token", m.above_idle_joules_per_token},
                          {"poll_interval_seconds", m.poll_interval_seconds},
                          {"sensor_update_interval_seconds", m.sensor_update_interval_seconds},
                          {"samples", m.samples},
                          {"distinct_readings", m.distinct_readings}};
    std::printf("%s\n", nlohmann::json{{"energy_measured", out}}.dump(2).c_str());
    return;
  }
  // Power is measured; J/token is derived from it (mean power x decode time / tokens).
  std::printf("\nEnergy per token, derived from measured power (XRT electrical sensors, whole card):\n");
  std::printf("  idle power            %.2f W over %.1f s\n", m.idle_watts, m.idle_seconds);
  std::printf("  decode power          %.2f W over %.1f s, %llu tokens\n", m.decode_watts, m.decode_seconds,
              static_cast<unsigned long long>(m.tokens));
  std::printf("  total                 %.4f J/token\n", m.joules_per_token);
  std::printf("  above idle            %.4f J/token\n", m.above_idle_joules_per_token);
  std::printf("  sampling              polled every %.2f s, %u samples, %u distinct readings; ", m.poll_interval_seconds,
              m.samples, m.distinct_readings);
  if (m.distinct_readings < 2)
    std::printf("the sensor never changed during decoding: the figures rest on one reading\n");
  else
    std::printf("sensor changed every %.2f s (median)\n", m.sensor_update_interval_seconds);
}

}  // namespace mmfree::measure
