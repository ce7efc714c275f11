// `mmfree perplexity`: held-out perplexity of one backend (docs/model-spec.md's rule).
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "command.hpp"
#include "engine_flags.hpp"
#include "mmfree/error.hpp"
#include "mmfree/reference/next_token_evaluation.hpp"
#include "mmfree/tokenizer/heldout_corpus.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "mmfree/util/progress.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {

int run_perplexity(const Args& args) {
  EngineFlags flags;
  std::string text_file;
  uint32_t sequence_length = 512;
  uint64_t max_tokens = 65536;
  unsigned threads = 1;
  bool json = false;
  po::options_description description(
      "mmfree perplexity: perplexity on a text file. Each line is encoded as [BOS] ids [EOS], the lines are\n"
      "concatenated, the first --max-tokens tokens are cut into sequences of --seq tokens, each sequence\n"
      "starts from a zero state, and every next-token prediction inside a sequence is counted.\n\nOptions");
  description.add_options()("help,h", "show this help")                                    //
      ("text-file", po::value(&text_file)->required(), "the text, one document per line")  //
      ("seq", po::value(&sequence_length)->default_value(512), "tokens per sequence")      //
      ("max-tokens", po::value(&max_tokens)->default_value(65536), "tokens of the stream to use (0: all)")  //
      ("threads", po::value(&threads)->default_value(1),
       "score sequences on this many engines in parallel (CPU backends such as reference; same result)")  //
      ("json", po::bool_switch(&json), "print {\"ppl\",\"nll\",\"predictions\",...} as JSON");
  add_engine_flags(description, flags);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(description).run(), vm);
  if (vm.count("help")) {
    std::cout << description << "\n";
    return 0;
  }
  po::notify(vm);
  if (sequence_length < 2) throw UsageError("--seq must be at least 2");
  if (threads < 1) throw UsageError("--threads must be at least 1");

  const Model model = open_model(flags);
  const Tokenizer tokenizer(model.tokenizer_model());
  const auto tokens = heldout_token_stream_from_file(tokenizer, text_file, max_tokens);
  // An engine made up front reports a bad --backend before any work starts.
  auto engine = make_engine(flags.backend, model, flags.options);

  Progress progress("perplexity", tokens.size(), Progress::stderr_is_terminal());
  const auto on_tokens_fed = [&](uint64_t fed) { progress.advance(fed); };
  reference::NextTokenEvaluation result;
  if (threads == 1) {
    Engine* engines[] = {engine.get()};
    result = reference::evaluate_next_token(engines, tokens, sequence_length, on_tokens_fed);
  } else {
    engine.reset();
    result = reference::evaluate_next_token_parallel(
        [&] { return make_engine(flags.backend, model, flags.options); }, tokens, sequence_length, threads,
        on_tokens_fed);
  }
  progress.finish();

  if (json) {
    const nlohmann::json out = {{"backend", flags.backend},        {"ppl", result.perplexity(0)},
                                {"nll", result.mean_nll(0)},       {"predictions", result.predictions},
                                {"tokens", tokens.size()},         {"seq", sequence_length}};
    std::cout << out.dump() << "\n";
  } else {
    std::printf("%s: perplexity %.4f (mean NLL %.6f nats) over %llu predictions, %zu tokens, sequences of %u\n",
                flags.backend.c_str(), result.perplexity(0), result.mean_nll(0),
                static_cast<unsigned long long>(result.predictions), tokens.size(), sequence_length);
  }
  return 0;
}

}  // namespace mmfree::cli
