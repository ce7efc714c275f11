// `mmfree generate`: continue a prompt, printing the text as each token is produced; or every
// prompt of a file, together (generate_batch.hpp).
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "bounded_value.hpp"
#include "command.hpp"
#include "engine_flags.hpp"
#include "generate_batch.hpp"
#include "parse_flags.hpp"
#include "mmfree/device/cycle_breakdown.hpp"
#include "mmfree/error.hpp"
#include "mmfree/measure/generation_stats.hpp"
#include "mmfree/sampling/sampler.hpp"
#include "mmfree/sequence.hpp"
#include "mmfree/tokenizer/streaming_detokenizer.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {
namespace {

void print_now(const std::string& text) {
  if (text.empty()) return;
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

double seconds(std::chrono::steady_clock::duration elapsed) { return std::chrono::duration<double>(elapsed).count(); }

}  // namespace

int run_generate(const Args& args) {
  EngineFlags flags;
  std::string prompt, prompts_file;
  uint32_t max_new_tokens = 64;
  SamplingOptions sampling;
  bool stats = false, ignore_eos = false, json = false;
  po::options_description description(
      "mmfree generate: continue a prompt (BOS + the encoded prompt), streaming the text as it is\n"
      "produced. Greedy unless --temperature > 0. Stops after -n tokens or at EOS.\n"
      "With --prompts-file, every prompt of the file (one a line, blank lines skipped) is continued\n"
      "at once: the sequences share each decode call (on a device backend, the kernel's lanes:\n"
      "one per decoding sequence, a prompt as a chain of lanes), and each text is the one it gets\n"
      "alone. The texts are printed as --prompt prints them, in file order, each streaming once\n"
      "the ones before it are done.\n\nOptions");
  description.add_options()("help,h", "show this help")                                          //
      ("prompt,p", po::value(&prompt), "the text to continue")                                    //
      ("prompts-file", po::value(&prompts_file), "continue every line of this file instead, together")  //
      ("json", po::bool_switch(&json),
       "print a JSON array of {\"prompt\", \"text\"} (text: the continuation only), in prompt order, "
       "at the end instead of streaming")  //
      ("tokens,n", bounded_value(&max_new_tokens, 0u, kMaxTokenCount)->default_value(64), "tokens to generate")           //
      ("temperature", po::value(&sampling.temperature)->default_value(0.0f), "0 = greedy")         //
      ("top-k", bounded_value(&sampling.top_k, 0u, kMaxTokenCount)->default_value(0), "sample among the k most likely (0 = all)")  //
      ("top-p", po::value(&sampling.top_p)->default_value(1.0f), "sample among the most likely tokens of this total probability")  //
      ("seed", bounded_value<uint64_t>(&sampling.seed, 0, UINT64_MAX)->default_value(0), "random seed: the same seed gives the same text")  //
      ("ignore-eos", po::bool_switch(&ignore_eos), "keep going after an end-of-sequence token")     //
      ("stats", po::bool_switch(&stats), "print prefill and decode tokens/s to stderr (with --prompts-file: the "
                                           "tokens/s of all prompts together)");
  add_engine_flags(description, flags);
  po::variables_map vm;
  if (!parse_flags_or_help(args, description, vm)) return 0;
  if (vm.count("prompt") && vm.count("prompts-file")) throw UsageError("give --prompt or --prompts-file, not both");
  if (!vm.count("prompt") && !vm.count("prompts-file")) throw UsageError("give --prompt TEXT or --prompts-file FILE");
  if (vm.count("prompt") && prompt.empty()) throw UsageError("--prompt is empty");
  Sampler sampler(sampling);  // validates the sampling flags before the model is loaded
  if (!prompts_file.empty() || json) {
    BatchGeneration request;
    request.prompts = prompts_file.empty() ? std::vector<std::string>{prompt} : read_prompts_file(prompts_file);
    request.max_new_tokens = max_new_tokens;
    request.sampling = sampling;
    request.ignore_eos = ignore_eos;
    request.json = json;
    request.stats = stats;
    const Model model = open_model(flags);
    const Tokenizer tokenizer(model.tokenizer_model());
    auto engine = make_flagged_engine(flags, model);
    run_batch_generation(*engine, tokenizer, request);
    return 0;
  }

  const Model model = open_model(flags);
  const Tokenizer tokenizer(model.tokenizer_model());
  std::vector<uint32_t> ids{tokenizer.bos_id()};
  const auto encoded = tokenizer.encode(prompt);
  ids.insert(ids.end(), encoded.begin(), encoded.end());
  auto engine = make_flagged_engine(flags, model);
  // Device backends count kernel clock cycles per start command (cleared at each start), so
  // summing them over the decode steps gives simulated (sim) or real (xrt) cycles per token,
  // and summing their causes says where those cycles went.
  Sequence sequence(*engine, stats ? Counters::Read : Counters::Skip);

  // The prompt is echoed through the same detokenizer, so the continuation joins it exactly.
  StreamingDetokenizer detokenizer(tokenizer);
  for (uint32_t id : ids) print_now(detokenizer.push(id));

  using Clock = std::chrono::steady_clock;
  const auto prefill_start = Clock::now();
  // Greedy decoding needs only the argmax: on a device four bytes per token cross the bus.
  const bool greedy = sampler.is_greedy();
  const OutputKind kind = greedy ? OutputKind::Argmax : OutputKind::Logits;
  const SequenceOutput* output = &sequence.feed(ids, Outputs::Last, kind);
  const auto prefill_time = Clock::now() - prefill_start;

  measure::GenerationStats measured;
  Clock::duration decode_time{};
  while (measured.generated < max_new_tokens) {
    const auto decode_start = Clock::now();
    const uint32_t next = greedy ? output->argmax.front() : sampler.sample(output->row(0));
    ++measured.generated;
    const bool stop = (next == tokenizer.eos_id() && !ignore_eos) || measured.generated == max_new_tokens;
    if (!stop) {
      output = &sequence.feed(std::span<const uint32_t>(&next, 1), Outputs::Last, kind);
      ++measured.decode_steps;
      measured.decode_cycles += device::cycle_breakdown(sequence.counters());
    }
    decode_time += Clock::now() - decode_start;
    print_now(detokenizer.push(next));
    if (stop) break;
  }
  print_now(detokenizer.finish());
  print_now("\n");

  if (stats) {
    measured.backend = flags.backend;
    measured.prompt_tokens = ids.size();
    measured.prefill_seconds = seconds(prefill_time);
    measured.decode_seconds = seconds(decode_time);
    measured.simulated = flags.backend == "sim";
    measure::print_generation_stats(stderr, measured);
  }
  return 0;
}

}  // namespace mmfree::cli
