// `mmfree bench`: prefill and decode throughput of one backend, in the manner of llama-bench.
//
// pp<N>: a prompt of N tokens from a fresh sequence, in one call (on a device backend in
// prefill blocks: chains of the kernel's B lanes, ceil(N/B) weight passes); tg<N>: N greedy
// decode steps from a fresh sequence (argmax-only commands on a device backend, so only four
// bytes per token cross the bus). --batch S runs S sequences together in each call (on a device,
// S lanes of one weight pass as far as the kernel has them): t/s is then all sequences'
// tokens together, and per sequence t/s / S. Each test runs -r times after one untimed warm-up
// token; the table shows mean ± sample standard deviation of host tokens/s, and pp its time to
// first token. Device backends add the counters of their last call (cycles per token where the
// device counts cycles).
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
#include <cstdio>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bounded_value.hpp"
#include "bench_projection.hpp"
#include "command.hpp"
#include "engine_flags.hpp"
#include "mmfree/error.hpp"
#include "mmfree/measure/bench_report.hpp"
#include "mmfree/measure/board.hpp"
#include "mmfree/measure/measured_energy.hpp"
#include "mmfree/measure/model_shape.hpp"
#include "mmfree/sequence.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {
namespace {

using Clock = std::chrono::steady_clock;

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

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

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

}  // namespace

int run_bench(const Args& raw_args) {
  const Args args = with_placeholder_model(raw_args);
  EngineFlags flags;
  int n_prompt = 64, n_gen = 128, repetitions = 3;
  unsigned batch = 1;
  bool json = false, selftest = false, energy = false;
  std::string shapes, boards, plot_file, points_files;
  std::string weights(mmf::weight_encoding_name(mmf::kDefaultWeightEncoding));
  unsigned layers = 0;
  double idle_seconds = 10, energy_seconds = 30;
  po::options_description description(
      "mmfree bench: prefill (pp) and decode (tg) throughput of one backend, mean ± standard\n"
      "deviation of host tokens/s over -r repetitions (llama-bench style). Device backends also\n"
      "print their performance counters. Progress goes to stderr.\n\nOptions");
  description.add_options()("help,h", "show this help")                                          //
      ("n-prompt,p", bounded_value(&n_prompt, 0, int(kMaxTokenCount))->default_value(64),
       "prompt tokens of the pp test (0: skip); with --shape: the prompt of the time to first token (default 512)")  //
      ("n-gen,n", bounded_value(&n_gen, 0, int(kMaxTokenCount))->default_value(128), "generated tokens of the tg test (0: skip)")     //
      ("repetitions,r", bounded_value(&repetitions, 1, 1000)->default_value(3), "runs of each test")                   //
      ("batch", bounded_value(&batch, 1u, 1024u)->default_value(1),
       "sequences run together in each pp/tg call (on a device: lanes of one weight pass); with --shape: "
       "the lanes of the simulated decode pass and prefill chain")  //
      ("selftest", po::bool_switch(&selftest),
       "device backends: time the weight-path self-test (one weight pass per run) instead of pp/tg")  //
      ("json", po::bool_switch(&json), "print the results as JSON")  //
      ("shape", po::value(&shapes),
       "project released model shapes (370M,1.3B,2.7B or all) onto --board from the RTL simulation "
       "(--backend sim; builds random ternary weights, needs no --model)")  //
      ("board", po::value(&boards), "with --shape: boards of bitstreams/ (u55c,u280,u250,kv260 or all)")  //
      ("weights", po::value(&weights), "with --shape: weight encoding of the synthetic models (trit5 or 2bit)")  //
      ("layers", bounded_value(&layers, 0u, 1024u)->default_value(0),
       "with --shape: simulate N layers + the LM head and extrapolate to all layers (0: all)")  //
      ("energy", po::bool_switch(&energy),
       "energy per token: measured on --backend xrt (idle, then >= 30 s of decoding), estimated "
       "from the counters with --shape")  //
      ("idle-seconds", bounded_value(&idle_seconds, 0.001, 86400.0)->default_value(10.0), "--energy on a board: idle window")  //
      ("energy-seconds", bounded_value(&energy_seconds, 0.001, 86400.0)->default_value(30.0),
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
    const auto encoding = mmf::parse_weight_encoding(weights);
    if (!encoding) throw UsageError("--weights: '" + weights + "' is not a weight encoding (trit5 or 2bit)");
    request.encoding = *encoding;
    request.energy = energy;
    request.plot_file = plot_file;
    request.json = json;
    // --memory (the sim backend's flag) names the memory of a projection: nominal, sustained or both.
    const std::string memory = flags.options.text("memory", "nominal");
    request.memory = memory == "ideal" ? "nominal" : memory;
    request.timeout_seconds = std::max(flags.options.number("timeout", 60.0, 0.001, 1e6), 3600.0);
    request.lanes = batch;
    request.prompt_tokens = vm["n-prompt"].defaulted() ? 512u : static_cast<uint32_t>(n_prompt);
    return run_projection(request);
  }
  if (layers != 0) throw UsageError("--layers goes with --shape");
  if (energy && flags.backend == "xrt" && energy_seconds < 30)
    throw UsageError("--energy-seconds must be >= 30: Alveo sensors update about once a second");
  if (energy && !(idle_seconds > 0)) throw UsageError("--idle-seconds must be > 0");

  const Model model = open_model(flags);
  const ModelConfig& config = model.config();
  std::fprintf(stderr, "bench: %s on %s\n", flags.model_path.c_str(), flags.backend.c_str());
  auto engine = make_flagged_engine(flags, model);
  if (batch > engine->max_sequences())
    throw UsageError("--batch " + std::to_string(batch) + ": backend '" + flags.backend + "' holds " +
                     std::to_string(engine->max_sequences()) + " sequences at once");
  std::vector<SequenceId> sequences;
  for (unsigned k = 0; k < batch; ++k) sequences.push_back(engine->open_sequence());
  const std::vector<uint32_t> prompt = bench_prompt(static_cast<uint32_t>(std::max(n_prompt, 1)), config);
  // One call of every sequence: `tokens(k)` for sequence k. Counters::Read only in the last call
  // of a test's last repetition: a counter read is dozens of register reads, which would slow
  // the timed calls on a board.
  const auto call = [&](const auto& tokens, Outputs outputs, OutputKind kind, bool read_counters) {
    std::vector<SequenceInput> inputs;
    for (unsigned k = 0; k < batch; ++k) inputs.push_back({sequences[k], tokens(k), outputs, kind});
    return engine->decode(inputs, read_counters ? Counters::Read : Counters::Skip);
  };
  const auto reset_all = [&] {
    for (const SequenceId id : sequences) engine->reset_sequence(id);
  };

  // Warm-up: first touches of the weights (page faults of an mmapped image, device buffers).
  // A self-test run warms up with a self-test pass: a kernel without token mode refuses tokens.
  if (!selftest) {
    const SequenceInput first{sequences[0], std::span<const uint32_t>(prompt).first(1), Outputs::Last, OutputKind::Logits};
    engine->decode(std::span(&first, 1));
  }

  std::vector<measure::BenchTest> results;
  if (selftest) {
    // Fixed pseudo-random activations in [-127, 127]: the kernel's work does not depend on them.
    std::vector<int8_t> qd(config.hidden_size), qi(config.intermediate_size);
    uint32_t lcg = 12345;
    for (auto* q : {&qd, &qi})
      for (auto& v : *q) v = static_cast<int8_t>(int((lcg = lcg * 1664525u + 1013904223u) >> 24) % 255 - 127);
    measure::BenchTest r{"selftest", 1, {}, {}};
    engine->run_matvec_selftest(qd, qi);  // the warm-up; UsageError on a backend without the command
    for (int k = 0; k < repetitions; ++k) {
      std::fprintf(stderr, "bench: selftest run %d/%d\n", k + 1, repetitions);
      const auto start = Clock::now();
      auto pass = engine->run_matvec_selftest(qd, qi);
      r.tokens_per_second.push_back(1.0 / seconds_since(start));
      r.counters = std::move(pass.counters);
    }
    results.push_back(std::move(r));
    n_prompt = n_gen = 0;
  }
  if (n_prompt > 0) {
    measure::BenchTest r{"pp" + std::to_string(n_prompt), static_cast<uint32_t>(n_prompt), {}, {}};
    r.batch = batch;
    for (int k = 0; k < repetitions; ++k) {
      std::fprintf(stderr, "bench: %s run %d/%d\n", r.name.c_str(), k + 1, repetitions);
      reset_all();
      const auto start = Clock::now();
      auto result = call([&](unsigned) { return std::span<const uint32_t>(prompt); }, Outputs::Last,
                         OutputKind::Logits, k + 1 == repetitions);
      const double seconds = seconds_since(start);
      r.seconds.push_back(seconds);
      r.tokens_per_second.push_back(double(n_prompt) * batch / seconds);
      r.counters = std::move(result.counters);
    }
    results.push_back(std::move(r));
  }
  if (n_gen > 0) {
    measure::BenchTest r{"tg" + std::to_string(n_gen), static_cast<uint32_t>(n_gen), {}, {}};
    r.batch = batch;
    for (int k = 0; k < repetitions; ++k) {
      std::fprintf(stderr, "bench: %s run %d/%d\n", r.name.c_str(), k + 1, repetitions);
      reset_all();
      const auto start = Clock::now();
      // n greedy steps from BOS, argmax only (on a device four bytes per token cross the bus).
      std::vector<uint32_t> next(batch, config.bos_token_id);
      for (int step = 0; step < n_gen; ++step) {
        auto result = call([&](unsigned s) { return std::span<const uint32_t>(&next[s], 1); }, Outputs::Last,
                           OutputKind::Argmax, k + 1 == repetitions && step + 1 == n_gen);
        for (unsigned s = 0; s < batch; ++s) next[s] = result.outputs[s].argmax.front();
        if (!result.counters.empty()) r.counters = std::move(result.counters);
      }
      r.tokens_per_second.push_back(double(n_gen) * batch / seconds_since(start));
    }
    results.push_back(std::move(r));
  }
  for (const SequenceId id : sequences) engine->close_sequence(id);

  const std::string model_name = std::filesystem::path(flags.model_path).filename().string().empty()
                                     ? std::filesystem::path(flags.model_path).parent_path().filename().string()
                                     : std::filesystem::path(flags.model_path).filename().string();
  if (json)
    measure::print_bench_json(model_name, config, flags.backend, results);
  else
    measure::print_bench_table(model_name, config, flags.backend, results);
  if (energy && flags.backend == "xrt") {
    std::fprintf(stderr, "bench: energy: %.0f s idle, then >= %.0f s of decoding\n", idle_seconds, energy_seconds);
    measure::PowerSampler sampler(flags.options.count("device", 0, 0, 1023));
    measure::print_measured_energy(
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
