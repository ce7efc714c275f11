// `mmfree bench`: prefill and decode throughput of one backend, in the manner of llama-bench.
//
// pp<N>: a prompt of N tokens from a fresh sequence (one start command per
// max_tokens_per_command on a device backend, a step per token elsewhere); tg<N>: N greedy
// decode steps from a fresh sequence (argmax-only commands on a device backend, so only four
// bytes per token cross the bus). Each test runs -r times after one untimed warm-up token;
// the table shows mean ± sample standard deviation of host tokens/s. Device backends add
// the counters of their last command (cycles per token where the device counts cycles).
//
// --selftest (device backends) measures instead the kernel's weight-path self-test
// (docs/device.md): one command streams every weight once through the ternary arrays, the
// same bytes a token streams, without the element-wise phases. Its rate is in passes/s.
//
// --shape/--board (with --backend sim) project the released model shapes onto the boards of
// bitstreams/ from a simulation of the RTL instead (bench_projection.cpp); --energy adds energy
// per token: measured from the card's sensors on --backend xrt, estimated from the counters in
// a projection (docs/energy.md); --plot draws the projections as a roofline SVG.
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_projection.hpp"
#include "command.hpp"
#include "engine_flags.hpp"
#include "mmfree/device/cycle_breakdown.hpp"
#include "mmfree/device/device_runtime.hpp"
#include "mmfree/error.hpp"
#include "mmfree/measure/board.hpp"
#include "mmfree/measure/measured_energy.hpp"
#include "mmfree/measure/model_shape.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct TestResult {
  std::string name;  // pp64, tg128, selftest
  uint32_t tokens = 0;  // per run; a self-test run is one weight pass
  std::vector<double> tokens_per_second;
  std::vector<device::Counter> counters;  // of the last command of the last repetition
  double mean() const {
    double sum = 0;
    for (double v : tokens_per_second) sum += v;
    return tokens_per_second.empty() ? 0.0 : sum / double(tokens_per_second.size());
  }
  double stddev() const {
    if (tokens_per_second.size() < 2) return 0.0;
    const double m = mean();
    double sum = 0;
    for (double v : tokens_per_second) sum += (v - m) * (v - m);
    return std::sqrt(sum / double(tokens_per_second.size() - 1));
  }
  uint64_t counter(const std::string& name) const { return device::counter_value(counters, name); }
};

// A fixed, model-independent prompt: token ids spread over the vocabulary (skipping the
// control ids), so every run of every backend sees the same input.
std::vector<uint32_t> bench_prompt(uint32_t length, const ModelConfig& config) {
  std::vector<uint32_t> ids;
  ids.reserve(length);
  ids.push_back(config.bos_token_id);
  const uint32_t first = config.vocab_size > 3 ? 3 : 0;  // past <unk>, <s>, </s> when there are other ids
  for (uint32_t k = 1; ids.size() < length; ++k)
    ids.push_back(first + uint32_t((uint64_t(k) * 2654435761u) % (config.vocab_size - first)));
  ids.resize(length);
  return ids;
}

uint32_t argmax(std::span<const float> logits) {
  return static_cast<uint32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The prompt, the device way when the engine is a device sequence.
void prefill(Engine& engine, std::span<const uint32_t> prompt) {
  if (auto* sequence = dynamic_cast<device::DeviceSequence*>(&engine)) {
    sequence->prefill(prompt);
    return;
  }
  for (uint32_t id : prompt) engine.step(id);
}

// n greedy steps from `first`.
void decode(Engine& engine, uint32_t first, uint32_t steps) {
  auto* sequence = dynamic_cast<device::DeviceSequence*>(&engine);
  uint32_t next = first;
  for (uint32_t k = 0; k < steps; ++k) next = sequence ? sequence->step_argmax(next) : argmax(engine.step(next));
}

std::vector<device::Counter> device_counters(Engine& engine) {
  if (auto* sequence = dynamic_cast<device::DeviceSequence*>(&engine)) return sequence->runtime().read_counters();
  return {};
}

std::string format_rate(const TestResult& r) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f ± %.2f", r.mean(), r.stddev());
  return text;
}

void print_table(const std::string& model, const ModelConfig& config, const std::string& backend,
                 const std::vector<TestResult>& results) {
  std::printf("| model | params | backend | test | t/s |\n|---|---|---|---|---:|\n");
  char shape[96];
  std::snprintf(shape, sizeof shape, "d=%u L=%u I=%u V=%u", config.hidden_size, config.num_layers,
                config.intermediate_size, config.vocab_size);
  for (const auto& r : results)
    std::printf("| %s | %s | %s | %s | %s |\n", model.c_str(), shape, backend.c_str(), r.name.c_str(),
                format_rate(r).c_str());
  for (const auto& r : results)
    if (r.name == "selftest") std::printf("\nselftest: t/s counts weight passes (one command streams every weight once)\n");
  for (const auto& r : results) {
    if (r.counters.empty()) continue;
    const bool selftest = r.name == "selftest";
    const uint64_t units = selftest ? 1 : std::max<uint64_t>(r.counter("tokens"), 1);
    if (selftest)
      std::printf("\n%s device counters (last command, one weight pass):\n", r.name.c_str());
    else
      std::printf("\n%s device counters (last command, %llu token%s):\n", r.name.c_str(),
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

void print_json(const std::string& model, const ModelConfig& config, const std::string& backend,
                const std::vector<TestResult>& results) {
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
                            {"counters", counters}};
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

// --shape and --points need no --model (it builds its own): give the required flag a placeholder.
Args with_placeholder_model(const Args& args) {
  bool shape = false, model = false;
  for (const auto& a : args) {
    shape = shape || a == "--shape" || a.starts_with("--shape=") || a == "--points" || a.starts_with("--points=");
    model = model || a == "--model" || a.starts_with("--model=");
  }
  Args out = args;
  if (shape && !model) out.insert(out.end(), {"--model", "(synthetic)"});
  return out;
}

void print_measured_energy(const measure::MeasuredEnergy& m, bool json) {
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

}  // namespace

int run_bench(const Args& raw_args) {
  const Args args = with_placeholder_model(raw_args);
  EngineFlags flags;
  int n_prompt = 64, n_gen = 128, repetitions = 3;
  bool json = false, selftest = false, energy = false;
  std::string shapes, boards, plot_file, points_files;
  unsigned layers = 0;
  double idle_seconds = 10, energy_seconds = 30;
  po::options_description description(
      "mmfree bench: prefill (pp) and decode (tg) throughput of one backend, mean ± standard\n"
      "deviation of host tokens/s over -r repetitions (llama-bench style). Device backends also\n"
      "print their performance counters. Progress goes to stderr.\n\nOptions");
  description.add_options()("help,h", "show this help")                                          //
      ("n-prompt,p", po::value(&n_prompt)->default_value(64), "prompt tokens of the pp test (0: skip)")  //
      ("n-gen,n", po::value(&n_gen)->default_value(128), "generated tokens of the tg test (0: skip)")     //
      ("repetitions,r", po::value(&repetitions)->default_value(3), "runs of each test")                   //
      ("selftest", po::bool_switch(&selftest),
       "device backends: time the weight-path self-test (one weight pass per run) instead of pp/tg")  //
      ("json", po::bool_switch(&json), "print the results as JSON")  //
      ("shape", po::value(&shapes),
       "project released model shapes (370M,1.3B,2.7B or all) onto --board from the RTL simulation "
       "(--backend sim; builds random ternary weights, needs no --model)")  //
      ("board", po::value(&boards), "with --shape: boards of bitstreams/ (u55c,u280,u250,kv260 or all)")  //
      ("layers", po::value(&layers)->default_value(0),
       "with --shape: simulate N layers + the LM head and extrapolate to all layers (0: all)")  //
      ("energy", po::bool_switch(&energy),
       "energy per token: measured on --backend xrt (idle, then >= 30 s of decoding), estimated "
       "from the counters with --shape")  //
      ("idle-seconds", po::value(&idle_seconds)->default_value(10.0), "--energy on a board: idle window")  //
      ("energy-seconds", po::value(&energy_seconds)->default_value(30.0),
       "--energy on a board: decode window (>= 30 s)")  //
      ("plot", po::value(&plot_file), "with --shape: write a roofline SVG of the projections here")  //
      ("points", po::value(&points_files),
       "with --plot: draw the rows of earlier `bench --shape ... --json` outputs (FILE[,FILE...]) "
       "instead of simulating");
  add_engine_flags(description, flags);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(description).run(), vm);
  if (vm.count("help")) {
    std::cout << description << "\n";
    return 0;
  }
  po::notify(vm);
  if (n_prompt < 0 || n_gen < 0) throw UsageError("-p and -n must be >= 0");
  if (n_prompt == 0 && n_gen == 0 && !selftest) throw UsageError("nothing to measure: -p and -n are both 0");
  if (repetitions < 1) throw UsageError("-r must be >= 1");

  if (!points_files.empty()) {
    if (plot_file.empty()) throw UsageError("--points goes with --plot FILE.svg");
    std::vector<std::string> files;
    std::stringstream list(points_files);
    for (std::string file; std::getline(list, file, ',');) files.push_back(file);
    return plot_from_json(files, plot_file);
  }
  if (!shapes.empty() || !boards.empty() || !plot_file.empty()) {
    if (shapes.empty() || boards.empty())
      throw UsageError("--shape, --board and --plot go together: give --shape and --board (names or all)");
    if (flags.backend != "sim")
      throw UsageError("--shape projects from the RTL simulation: add --backend sim (got '" + flags.backend + "')");
    std::vector<std::string> known_shapes;
    for (const auto& s : measure::released_shapes()) known_shapes.push_back(s.name);
    ProjectionRequest request;
    request.shapes = parse_name_list(shapes, known_shapes, "--shape");
    request.boards = parse_name_list(boards, measure::board_names(), "--board");
    request.layers = layers;
    request.energy = energy;
    request.plot_file = plot_file;
    request.json = json;
    // --memory (an engine flag) names the memory of a projection: nominal, sustained or both.
    request.memory = flags.options.memory_preset == "ideal" ? "nominal" : flags.options.memory_preset;
    request.timeout_seconds = std::max(flags.options.timeout_seconds, 3600.0);
    return run_projection(request);
  }
  if (layers != 0) throw UsageError("--layers goes with --shape");
  if (energy && flags.backend == "xrt" && energy_seconds < 30)
    throw UsageError("--energy-seconds must be >= 30: Alveo sensors update about once a second");
  if (energy && !(idle_seconds > 0)) throw UsageError("--idle-seconds must be > 0");

  const Model model = open_model(flags);
  const ModelConfig& config = model.config();
  std::fprintf(stderr, "bench: %s on %s\n", flags.model_path.c_str(), flags.backend.c_str());
  auto engine = make_engine(flags.backend, model, flags.options);
  const std::vector<uint32_t> prompt = bench_prompt(static_cast<uint32_t>(std::max(n_prompt, 1)), config);

  // Warm-up: first touches of the weights (page faults of an mmapped image, device buffers).
  // A self-test run warms up with a self-test pass: a kernel without token mode refuses tokens.
  if (!selftest) {
    engine->reset();
    engine->step(prompt[0]);
  }

  std::vector<TestResult> results;
  if (selftest) {
    auto* sequence = dynamic_cast<device::DeviceSequence*>(engine.get());
    if (sequence == nullptr)
      throw UsageError("--selftest needs a device backend (golden-kernel, sim, xrt), not '" + flags.backend + "'");
    // Fixed pseudo-random activations in [-127, 127]: the kernel's work does not depend on them.
    std::vector<int8_t> qd(config.hidden_size), qi(config.intermediate_size);
    uint32_t lcg = 12345;
    for (auto* q : {&qd, &qi})
      for (auto& v : *q) v = static_cast<int8_t>(int((lcg = lcg * 1664525u + 1013904223u) >> 24) % 255 - 127);
    TestResult r{"selftest", 1, {}, {}};
    sequence->runtime().run_matvec_selftest(qd, qi);
    for (int k = 0; k < repetitions; ++k) {
      std::fprintf(stderr, "bench: selftest run %d/%d\n", k + 1, repetitions);
      const auto start = Clock::now();
      sequence->runtime().run_matvec_selftest(qd, qi);
      r.tokens_per_second.push_back(1.0 / seconds_since(start));
    }
    r.counters = device_counters(*engine);
    results.push_back(std::move(r));
    n_prompt = n_gen = 0;
  }
  if (n_prompt > 0) {
    TestResult r{"pp" + std::to_string(n_prompt), static_cast<uint32_t>(n_prompt), {}, {}};
    for (int k = 0; k < repetitions; ++k) {
      std::fprintf(stderr, "bench: %s run %d/%d\n", r.name.c_str(), k + 1, repetitions);
      engine->reset();
      const auto start = Clock::now();
      prefill(*engine, prompt);
      r.tokens_per_second.push_back(double(n_prompt) / seconds_since(start));
    }
    r.counters = device_counters(*engine);
    results.push_back(std::move(r));
  }
  if (n_gen > 0) {
    TestResult r{"tg" + std::to_string(n_gen), static_cast<uint32_t>(n_gen), {}, {}};
    for (int k = 0; k < repetitions; ++k) {
      std::fprintf(stderr, "bench: %s run %d/%d\n", r.name.c_str(), k + 1, repetitions);
      engine->reset();
      const auto start = Clock::now();
      decode(*engine, config.bos_token_id, static_cast<uint32_t>(n_gen));
      r.tokens_per_second.push_back(double(n_gen) / seconds_since(start));
    }
    r.counters = device_counters(*engine);
    results.push_back(std::move(r));
  }

  const std::string model_name = std::filesystem::path(flags.model_path).filename().string().empty()
                                     ? std::filesystem::path(flags.model_path).parent_path().filename().string()
                                     : std::filesystem::path(flags.model_path).filename().string();
  if (json)
    print_json(model_name, config, flags.backend, results);
  else
    print_table(model_name, config, flags.backend, results);
  if (energy && flags.backend == "xrt") {
    std::fprintf(stderr, "bench: energy: %.0f s idle, then >= %.0f s of decoding\n", idle_seconds, energy_seconds);
    measure::PowerSampler sampler(flags.options.device_index);
    print_measured_energy(
        measure::measure_decode_energy(*engine, config.bos_token_id, sampler, idle_seconds, energy_seconds), json);
  } else if (energy) {
    // With --json, stdout stays one JSON document: the notes go to stderr.
    FILE* notes = json ? stderr : stdout;
    std::fprintf(notes, "\nmeasured energy: not available: measuring needs a board (--backend xrt --xclbin FILE)\n");
    std::fprintf(notes, "estimated energy: use --shape/--board --backend sim (the estimate needs a board's "
                        "coefficients and the simulated cycles)\n");
  }
  return 0;
}

}  // namespace mmfree::cli
