// The bundled demo model and the authors' outputs for it, loaded once per test binary.
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "mmfree/model.hpp"

namespace mmfree::test {

inline std::filesystem::path demo_model_dir() {
  return std::filesystem::path(MMFREE_ASSETS_DIR) / "models" / "mmfree-demo-d256-l6";
}
inline std::filesystem::path heldout_text_path() {
  return std::filesystem::path(MMFREE_ASSETS_DIR) / "data" / "heldout.txt";
}

inline const Model& demo_model() {
  static const Model model = Model::open(demo_model_dir());
  return model;
}

inline const nlohmann::json& reference_outputs() {
  static const nlohmann::json outputs = [] {
    std::ifstream file(demo_model_dir() / "reference_outputs.json");
    return nlohmann::json::parse(file);
  }();
  return outputs;
}

}  // namespace mmfree::test
