// The flags every model-running subcommand shares (--model, --backend and the device
// options), and opening what they name. Used by logits, perplexity, compare, generate.
#pragma once

#include <boost/program_options.hpp>
#include <memory>
#include <span>
#include <string>

#include "mmfree/engine.hpp"
#include "mmfree/model.hpp"

namespace mmfree::cli {

struct EngineFlags {
  std::string model_path;
  std::string backend = "reference";
  EngineOptions options;
  bool memory_given = false;     // --memory was on the command line
  bool has_backend_flag = true;  // --backend exists (compare takes --backends instead)
};

// Adds --model, and --backend unless `with_backend` is false (compare takes a list instead),
// plus the device options the non-reference backends read.
void add_engine_flags(boost::program_options::options_description& description, EngineFlags& flags,
                      bool with_backend = true);

// "reference, golden, ..." for help texts.
std::string backend_list();

// Throws UsageError when --memory was given but none of `backends` has a memory model (only
// sim does): a flag that would be silently ignored is refused instead.
void check_memory_flag(const EngineFlags& flags, std::span<const std::string> backends);

// Throws UsageError when --model is missing or names nothing, or --memory does not apply to
// --backend; ModelError from Model::open.
Model open_model(const EngineFlags& flags);

}  // namespace mmfree::cli
