// The table of subcommands. Add a line here when adding a host/cli/<name>.cpp.
#include "command.hpp"

namespace mmfree::cli {

int run_version(const Args& args);
int run_convert(const Args& args);
int run_inspect(const Args& args);
int run_logits(const Args& args);
int run_perplexity(const Args& args);
int run_compare(const Args& args);
int run_generate(const Args& args);
int run_bench(const Args& args);
int run_serve(const Args& args);
int run_bench_serve(const Args& args);

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"version", "print the version of this build", run_version},
      {"convert", "Hugging Face MMfreeLM directory -> packed .mmf image", run_convert},
      {"inspect", "config, device descriptor and section table of a model", run_inspect},
      {"logits", "next-token logits after each position of a token sequence", run_logits},
      {"perplexity", "held-out perplexity of one backend", run_perplexity},
      {"compare", "top-1 agreement, KL and perplexity of backends against a baseline", run_compare},
      {"generate", "continue a prompt, streaming the text", run_generate},
      {"bench", "prefill and decode tokens/s of a backend (llama-bench style)", run_bench},
      {"serve", "OpenAI-compatible HTTP server with continuous batching", run_serve},
      {"bench-serve", "requests/s, tokens/s, TTFT and inter-token latency of mmfree serve", run_bench_serve},
  };
  return table;
}

}  // namespace mmfree::cli
