// `mmfree generate --prompts-file FILE`: every prompt of the file (one a line) continued
// together, the sequences sharing the engine's decode calls (on a device: the kernel's lanes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmfree/engine.hpp"
#include "mmfree/sampling/sampler.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"

namespace mmfree::cli {

struct BatchGeneration {
  std::vector<std::string> prompts;  // in file order
  uint32_t max_new_tokens = 64;
  SamplingOptions sampling;          // each prompt gets a sampler of its own, seeded alike
  bool ignore_eos = false;
  bool json = false;                 // print [{"prompt", "text"}] at the end instead of streaming
  bool stats = false;                // aggregate figures to stderr
};

// The non-blank lines of `path`, in order (UsageError when it cannot be read or has none).
std::vector<std::string> read_prompts_file(const std::string& path);

// Runs the generation on `engine`: as many sequences at once as the engine holds (more wait for
// a free one), each fed its prompt (BOS + the encoded line) in one call and then one token per
// call, all open sequences in the same call. Text mode prints what `generate --prompt` prints
// for each prompt, in file order: the first unfinished prompt streams as it is produced, the
// ones after it as soon as it is done. Each prompt's text equals its text alone.
void run_batch_generation(Engine& engine, const Tokenizer& tokenizer, const BatchGeneration& request);

}  // namespace mmfree::cli
