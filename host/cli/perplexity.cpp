// `mmfree perplexity`: held-out perplexity of one backend (docs/model-spec.md's rule).
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "bounded_value.hpp"
#include "command.hpp"
#include "engine_flags.hpp"
#include "heldout_flags.hpp"
#include "parse_flags.hpp"
#include "mmfree/error.hpp"
#include "mmfree/reference/next_token_evaluation.hpp"
#include "mmfree/util/progress.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {

int run_perplexity(const Args& args) {
  EngineFlags flags;
  HeldoutFlags heldout;
  unsigned threads = 1;
  bool json = false;
  po::options_description description(
      "mmfree perplexity: perplexity on a text file. Each line is encoded as [BOS] ids [EOS], the lines are\n"
      "concatenated, the first --max-tokens tokens are cut into sequences of --seq tokens, each sequence\n"
      "starts from a zero state, and every next-token prediction inside a sequence is counted.\n"
      "A device backend reads each sequence in prefill blocks: B tokens per weight pass, a chain of the\n"
      "kernel's B lanes (docs/device.md, Lanes and chains); the figures are those of token-by-token.\n\nOptions");
  description.add_options()("help,h", "show this help");
  add_heldout_flags(description, heldout);
  description.add_options()  //
      ("threads", bounded_value(&threads, 1u, 1024u)->default_value(1),
       "score sequences on this many engines in parallel (CPU backends such as reference; same result)")  //
      ("json", po::bool_switch(&json), "print {\"ppl\",\"nll\",\"predictions\",...} as JSON");
  add_engine_flags(description, flags);
  po::variables_map vm;
  if (!parse_flags_or_help(args, description, vm)) return 0;
  check_heldout_flags(heldout);
  if (threads < 1) throw UsageError("--threads must be at least 1");

  const Model model = open_model(flags);
  const auto tokens = heldout_tokens(heldout, model);
  // An engine made up front reports a bad --backend before any work starts.
  auto engine = make_flagged_engine(flags, model);

  Progress progress("perplexity", tokens.size(), Progress::stderr_is_terminal());
  const auto on_tokens_fed = [&](uint64_t fed) { progress.advance(fed); };
  reference::NextTokenEvaluation result;
  if (threads == 1) {
    Engine* engines[] = {engine.get()};
    result = reference::evaluate_next_token(engines, tokens, heldout.sequence_length, on_tokens_fed);
  } else {
    engine.reset();
    result = reference::evaluate_next_token_parallel(
        [&] { return make_flagged_engine(flags, model); }, tokens, heldout.sequence_length, threads,
        on_tokens_fed);
  }
  progress.finish();

  if (json) {
    const nlohmann::json out = {{"backend", flags.backend},        {"ppl", result.perplexity(0)},
                                {"nll", result.mean_nll(0)},       {"predictions", result.predictions},
                                {"tokens", tokens.size()},         {"seq", heldout.sequence_length}};
    std::cout << out.dump() << "\n";
  } else {
    std::printf("%s: perplexity %.4f (mean NLL %.6f nats) over %llu predictions, %zu tokens, sequences of %u\n",
                flags.backend.c_str(), result.perplexity(0), result.mean_nll(0),
                static_cast<unsigned long long>(result.predictions), tokens.size(), heldout.sequence_length);
  }
  return 0;
}

}  // namespace mmfree::cli
