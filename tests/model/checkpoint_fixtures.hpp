// Test fixtures of the model suite: temporary directories and edited copies of the demo
// checkpoint (other dtypes, shards, missing or reshaped tensors, edited config.json).
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "../support/child_process.hpp"  // TempDir
#include "model/safetensors_writer.hpp"

namespace mmfree::test {

const std::filesystem::path& demo_dir();

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

// The whole content of a file.
std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& bytes);

}  // namespace mmfree::test
