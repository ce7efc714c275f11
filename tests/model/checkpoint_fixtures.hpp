// Test fixtures of the model suite: edited copies of the demo checkpoint (other dtypes, shards,
// missing or reshaped tensors, edited config.json). The demo's paths, temporary directories and
// whole-file reads come from the shared test support library (tests/support/).
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "model/safetensors_writer.hpp"
#include "support/demo_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "support/text_file.hpp"

namespace mmfree::test {

struct DemoCopy {
  std::string dtype = "BF16";  // of every rewritten tensor
  int shards = 1;              // > 1: model-0000k-of-0000n.safetensors + index
  // Called on each tensor spec; return false to leave the tensor out. May change the
  // shape or dtype (values are the original ones, zero-extended past the original data).
  std::function<bool(model::TensorSpec&)> edit_tensor = {};
  std::function<void(nlohmann::json&)> edit_config = {};
};

// Copies the demo model into `dir`, rewriting its weights as `options` says.
void copy_demo(const std::filesystem::path& dir, const DemoCopy& options = {});

}  // namespace mmfree::test
