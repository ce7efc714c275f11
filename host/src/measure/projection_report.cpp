#include "mmfree/measure/projection_report.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "mmfree/device/cycle_breakdown.hpp"
#include "mmfree/measure/model_shape.hpp"

namespace mmfree::measure {

void print_projection_table(const std::vector<ProjectionRow>& rows, bool energy) {
  std::printf("Projected from simulation of the RTL (Verilator), not measured on a board.\n\n");
  std::printf("| model | board | clock | ports | weight MB/token | simulated | sim cycles | cycles/token | "
              "projected t/s | bandwidth bound t/s | port bound t/s | bandwidth efficiency | of bound |\n");
  std::printf("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& r : rows) {
    const auto& p = r.projection;
    std::printf("| %s | %s | %.0f MHz | %u | %.1f | %u/%u layers, P=%u | %llu | %.0f | %.1f | %.1f | %.1f | %.1f%% | "
                "%.1f%% |\n",
                r.shape.c_str(), (r.board.name + (r.memory == "sustained" ? " (sustained)" : "")).c_str(),
                r.board.kernel_clock_mhz, r.board.weight_ports,
                double(r.full_weight_bytes) / 1e6, r.simulated.num_layers,
                released_shape(r.shape).config.num_layers, r.pass.weight_ports,
                static_cast<unsigned long long>(r.pass.cycles), p.cycles_per_token, p.tokens_per_second,
                p.bandwidth_bound_tokens_per_second, p.port_bound_tokens_per_second, 100 * p.bandwidth_efficiency,
                100 * p.fraction_of_bandwidth_bound);
  }
  bool batched = false;
  for (const auto& r : rows) batched = batched || r.batch.lanes > 1;
  if (batched) {
    // With lanes, the table above is per weight pass (one token of each sequence).
    std::printf("\nWith lanes (the rows above are per weight pass, i.e. per sequence):\n\n");
    std::printf("| model | board | lanes | aggregate t/s | per-sequence t/s | prefill pass cycles | "
                "time to first token |\n|---|---|---:|---:|---:|---:|---:|\n");
    for (const auto& r : rows)
      std::printf("| %s | %s | %u | %.1f | %.1f | %.0f | %.1f ms (%u-token prompt, %.0f passes) |\n", r.shape.c_str(),
                  (r.board.name + (r.memory == "sustained" ? " (sustained)" : "")).c_str(), r.batch.lanes,
                  r.batch.tokens_per_second, r.batch.tokens_per_second_per_sequence, r.chain_cycles,
                  1e3 * r.batch.time_to_first_token_seconds, r.batch.prompt_tokens, r.batch.prefill_passes);
  } else {
    for (const auto& r : rows)
      std::printf("%s on %s: time to first token of a %u-token prompt: %.1f ms (%.0f passes)\n", r.shape.c_str(),
                  r.board.name.c_str(), r.batch.prompt_tokens, 1e3 * r.batch.time_to_first_token_seconds,
                  r.batch.prefill_passes);
  }
  std::printf("\nbandwidth bound: board peak memory bandwidth / weight bytes per token (docs/targets.md)\n");
  std::printf("port bound: weight ports x min(port channel, beat x clock) / weight bytes per token\n");
  std::printf("bandwidth efficiency: weight bytes / (ports x bytes per beat) / cycles per token\n");
  for (const auto& r : rows) std::printf("%s on %s: %s\n", r.shape.c_str(), r.board.name.c_str(), r.label.c_str());
  for (const auto& r : rows)
    if (const auto breakdown = device::cycle_breakdown(r.pass.counters); breakdown.available())
      std::printf("%s on %s: simulated cycles (%s, unscaled): %s\n", r.shape.c_str(), r.board.name.c_str(),
                  r.pass.what.c_str(), breakdown.describe().c_str());
  for (const auto& r : rows)
    if (!r.pass.fallback_reason.empty()) {
      std::printf("note: %s\n", r.pass.fallback_reason.c_str());
      break;
    }
  if (!energy) return;
  std::printf("\nEnergy per token, estimated from the counters (docs/energy.md; not measured)%s:\n\n",
              batched ? "; a pass's energy shared by its lanes' tokens" : "");
  std::printf("| model | board | memory mJ | on-chip buffers mJ | ternary adds mJ | dynamic mJ | static mJ "
              "| total mJ | static power |\n|---|---|---:|---:|---:|---:|---:|---:|---|\n");
  for (const auto& r : rows) {
    const auto& e = r.energy;
    std::printf("| %s | %s | %.3f | %.3f | %.4f | %.3f | %.3f | %.3f | %.1f W (%s) |\n", r.shape.c_str(),
                r.board.name.c_str(), 1e3 * e.memory_joules, 1e3 * e.sram_joules, 1e3 * e.ternary_joules,
                1e3 * e.dynamic_joules, 1e3 * e.static_joules, 1e3 * e.total_joules, r.coefficients.static_watts,
                r.coefficients.static_source.c_str());
  }
  std::printf("\nmeasured energy: not available: measuring needs a board (--backend xrt --xclbin FILE --energy "
              "samples XRT's electrical sensors over >= 30 s of decoding)\n");
}

void print_projection_json(const std::vector<ProjectionRow>& rows, bool energy) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    const auto& p = r.projection;
    nlohmann::json counters = nlohmann::json::object();
    for (const auto& c : r.pass.counters) counters[c.name] = c.value;
    nlohmann::json entry = {{"model", r.shape},
                            {"board", r.board.name},
                            {"memory", r.memory},
                            {"memory_bandwidth_gbps", r.board.memory_bandwidth_gbps},
                            {"backend", "sim"},
                            {"kind", "projected"},
                            {"label", r.label},
                            {"decode_token", r.pass.decode_token},
                            {"kernel_clock_mhz", r.board.kernel_clock_mhz},
                            {"weight_ports", r.board.weight_ports},
                            {"simulated_weight_ports", r.pass.weight_ports},
                            {"simulated_device", r.pass.device},
                            {"simulated_layers", r.simulated.num_layers},
                            {"num_layers", released_shape(r.shape).config.num_layers},
                            {"simulated_cycles", r.pass.cycles},
                            {"simulated_stream_cycles", r.stream_cycles},
                            {"simulation_host_seconds", r.pass.host_seconds},
                            {"weight_encoding", std::string(mmf::weight_encoding_name(r.encoding))},
                            {"weight_bytes_per_token", r.full_weight_bytes},
                            {"cycles_per_token", p.cycles_per_token},
                            {"tokens_per_second", p.tokens_per_second},
                            {"bandwidth_bound_tokens_per_second", p.bandwidth_bound_tokens_per_second},
                            {"port_bound_tokens_per_second", p.port_bound_tokens_per_second},
                            {"ideal_streaming_cycles", p.ideal_streaming_cycles},
                            {"bandwidth_efficiency", p.bandwidth_efficiency},
                            {"fraction_of_bandwidth_bound", p.fraction_of_bandwidth_bound},
                            {"batch_lanes", r.batch.lanes},
                            {"tokens_per_second_aggregate", r.batch.tokens_per_second},
                            {"tokens_per_second_per_sequence", r.batch.tokens_per_second_per_sequence},
                            {"prefill_pass_cycles", r.chain_cycles},
                            {"ttft_prompt_tokens", r.batch.prompt_tokens},
                            {"time_to_first_token_s", r.batch.time_to_first_token_seconds},
                            {"counters", counters}};
    if (const auto breakdown = device::cycle_breakdown(r.pass.counters); breakdown.available())
      entry["simulated_cycle_breakdown"] = breakdown.to_json();
    if (energy)
      entry["energy_estimated"] = {{"kind", "estimated"},
                                   {"memory_joules", r.energy.memory_joules},
                                   {"sram_joules", r.energy.sram_joules},
                                   {"ternary_joules", r.energy.ternary_joules},
                                   {"dynamic_joules", r.energy.dynamic_joules},
                                   {"static_joules", r.energy.static_joules},
                                   {"total_joules", r.energy.total_joules},
                                   {"static_watts", r.coefficients.static_watts},
                                   {"static_source", r.coefficients.static_source}};
    if (energy) entry["energy_measured"] = {{"kind", "measured"}, {"available", false},
                                            {"reason", "measuring needs a board (--backend xrt)"}};
    out.push_back(entry);
  }
  std::printf("%s\n", out.dump(2).c_str());
}

}  // namespace mmfree::measure
