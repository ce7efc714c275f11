// The flags every model-running subcommand shares (--model, --backend and the backends'
// options), and opening what they name. Used by logits, perplexity, compare, generate, bench.
#pragma once

#include <boost/program_options.hpp>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "mmfree/backends.hpp"
#include "mmfree/engine.hpp"
#include "mmfree/model.hpp"

namespace mmfree::cli {

struct EngineFlags {
  std::string model_path;
  std::string backend = "reference";
  BackendOptions options;  // only the backend flags given on the command line
};

// Adds --model, and --backend unless `with_backend` is false (compare takes a list instead),
// plus one flag per option any backend of this build declares (backend.hpp).
void add_engine_flags(boost::program_options::options_description& description, EngineFlags& flags,
                      bool with_backend = true);

// "reference, golden, ..." for help texts.
std::string backend_list();

// Throws UsageError when --model is missing or names nothing; ModelError from Model::open.
Model open_model(const EngineFlags& flags);

// The engine of --backend with the flags given (UsageError naming a flag the backend does not take).
std::unique_ptr<Engine> make_flagged_engine(const EngineFlags& flags, const Model& model);

// For several backends at once (compare): UsageError for a flag none of `backends` takes; each
// backend then gets the flags it takes.
std::unique_ptr<Engine> make_flagged_engine(const EngineFlags& flags, std::span<const std::string> backends,
                                            std::string_view backend, const Model& model);

}  // namespace mmfree::cli
