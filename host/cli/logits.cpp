// `mmfree logits`: the next-token logits after each position of a token sequence.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "engine_flags.hpp"
#include "parse_flags.hpp"
#include "mmfree/error.hpp"
#include "mmfree/sampling/sampler.hpp"
#include "mmfree/sequence.hpp"
#include "mmfree/tokenizer/id_list.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {

int run_logits(const Args& args) {
  EngineFlags flags;
  std::string ids_text, prompt;
  bool all = false, json = false;
  po::options_description description(
      "mmfree logits: feed a token sequence from a zero state and report the next-token logits.\n"
      "Every position gets its argmax; the full logits vector is given for the LAST position only,\n"
      "or for every position with --all.\n\nOptions");
  description.add_options()("help,h", "show this help")  //
      ("ids", po::value(&ids_text), "token ids, comma separated, e.g. 1,349,448 (put BOS=1 first yourself)")  //
      ("prompt", po::value(&prompt), "text instead of --ids: encoded and preceded by BOS")                    //
      ("all", po::bool_switch(&all), "logits for every position, not only the last")                           //
      ("json", po::bool_switch(&json), "print {\"positions\":[{\"argmax\":N,\"logits\":[...]},...]}");
  add_engine_flags(description, flags);
  po::variables_map vm;
  if (!parse_flags_or_help(args, description, vm)) return 0;
  if (vm.count("ids") == vm.count("prompt")) throw UsageError("give exactly one of --ids or --prompt");

  const Model model = open_model(flags);
  const Tokenizer tokenizer(model.tokenizer_model());
  std::vector<uint32_t> ids;
  if (vm.count("ids")) {
    ids = parse_id_list(ids_text, model.config().vocab_size);
  } else {
    if (prompt.empty()) throw UsageError("--prompt is empty");
    ids.push_back(tokenizer.bos_id());
    const auto encoded = tokenizer.encode(prompt);
    ids.insert(ids.end(), encoded.begin(), encoded.end());
  }

  auto engine = make_flagged_engine(flags, model);
  Sequence sequence(*engine);
  // One call with the logits after every position: each line shows its argmax's logit.
  const SequenceOutput& output = sequence.feed(ids, Outputs::All, OutputKind::Logits);
  nlohmann::json positions = nlohmann::json::array();
  for (std::size_t pos = 0; pos < ids.size(); ++pos) {
    const auto logits = output.row(pos);
    const uint32_t best = output.argmax[pos];
    const bool with_logits = all || pos + 1 == ids.size();
    if (json) {
      nlohmann::json entry = {{"position", pos}, {"token", ids[pos]}, {"argmax", best}};
      if (with_logits) entry["logits"] = std::vector<float>(logits.begin(), logits.end());
      positions.push_back(std::move(entry));
    } else {
      std::printf("position %zu token %u '%s' -> argmax %u '%s' logit %.6f\n", pos, ids[pos],
                  tokenizer.piece(ids[pos]).c_str(), best, tokenizer.piece(best).c_str(), double(logits[best]));
      if (with_logits && all) {
        std::printf("  logits:");
        for (float v : logits) std::printf(" %.6g", double(v));
        std::printf("\n");
      }
    }
  }
  if (json) {
    const nlohmann::json out = {{"backend", flags.backend}, {"ids", ids}, {"positions", std::move(positions)}};
    std::cout << out.dump() << "\n";
  }
  return 0;
}

}  // namespace mmfree::cli
