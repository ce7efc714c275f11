// `mmfree compare`: several backends fed the same tokens in one pass, measured against the
// first: top-1 agreement of the next-token argmax, mean KL(baseline || other), perplexity.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "engine_flags.hpp"
#include "heldout_flags.hpp"
#include "parse_flags.hpp"
#include "mmfree/error.hpp"
#include "mmfree/reference/next_token_evaluation.hpp"
#include "mmfree/util/progress.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {
namespace {

std::vector<std::string> split_backends(const std::string& list) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    const std::string name = list.substr(start, end - start);
    if (name.empty()) throw UsageError("empty backend name in --backends '" + list + "'");
    names.push_back(name);
    start = end + 1;
  }
  return names;
}

}  // namespace

int run_compare(const Args& args) {
  EngineFlags flags;
  HeldoutFlags heldout;
  std::string backends_text;
  bool json = false;
  po::options_description description(
      "mmfree compare: feed several backends the same held-out tokens in one pass (the perplexity rule:\n"
      "lines as [BOS] ids [EOS], sequences of --seq from a zero state) and report, against the FIRST\n"
      "backend: top-1 agreement of the next-token argmax, mean KL(first || other), and each perplexity.\n"
      "A device backend reads each sequence in prefill blocks: B tokens per weight pass, a chain of the\n"
      "kernel's B lanes (docs/device.md, Lanes and chains); the figures are those of token-by-token.\n\n"
      "Options");
  description.add_options()("help,h", "show this help")  //
      ("backends", po::value(&backends_text)->required(),
       ("comma-separated backends, baseline first (available: " + backend_list() + ")").c_str());
  add_heldout_flags(description, heldout);
  description.add_options()  //
      ("json", po::bool_switch(&json), "print the figures as JSON");
  add_engine_flags(description, flags, /*with_backend=*/false);
  po::variables_map vm;
  if (!parse_flags_or_help(args, description, vm)) return 0;
  check_heldout_flags(heldout);
  const auto names = split_backends(backends_text);
  if (names.size() < 2) throw UsageError("--backends needs at least two backends to compare");

  const Model model = open_model(flags);
  const auto tokens = heldout_tokens(heldout, model);
  std::vector<std::unique_ptr<Engine>> owned;
  std::vector<Engine*> engines;
  for (const auto& name : names) {
    owned.push_back(make_flagged_engine(flags, names, name, model));
    engines.push_back(owned.back().get());
  }

  Progress progress("compare", tokens.size(), Progress::stderr_is_terminal());
  const auto result = reference::evaluate_next_token(engines, tokens, heldout.sequence_length,
                                                     [&](uint64_t fed) { progress.advance(fed); });
  progress.finish();

  if (json) {
    nlohmann::json per_backend = nlohmann::json::array();
    for (std::size_t k = 0; k < names.size(); ++k)
      per_backend.push_back({{"name", names[k]},
                             {"ppl", result.perplexity(k)},
                             {"nll", result.mean_nll(k)},
                             {"top1_agreement", result.top1_agreement(k)},
                             {"mean_kl", result.mean_kl(k)}});
    const nlohmann::json out = {{"baseline", names[0]},   {"predictions", result.predictions},
                                {"tokens", tokens.size()}, {"seq", heldout.sequence_length},
                                {"backends", std::move(per_backend)}};
    std::cout << out.dump() << "\n";
  } else {
    std::printf("%llu predictions over %zu tokens (sequences of %u); baseline %s\n",
                static_cast<unsigned long long>(result.predictions), tokens.size(), heldout.sequence_length,
                names[0].c_str());
    std::printf("%-12s %12s %12s %14s %14s\n", "backend", "perplexity", "mean NLL", "top-1 agree", "mean KL");
    for (std::size_t k = 0; k < names.size(); ++k)
      std::printf("%-12s %12.4f %12.6f %13.4f%% %14.6g\n", names[k].c_str(), result.perplexity(k),
                  result.mean_nll(k), 100.0 * result.top1_agreement(k), result.mean_kl(k));
  }
  return 0;
}

}  // namespace mmfree::cli
