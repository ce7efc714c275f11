#include "support/demo_fixtures.hpp"

#include <fstream>

#include "support/temp_dir.hpp"

namespace mmfree::test {

const std::filesystem::path& demo_model_dir() {
  static const std::filesystem::path dir = std::filesystem::path(MMFREE_ASSETS_DIR) / "models/mmfree-demo-d256-l6";
  return dir;
}

const std::filesystem::path& heldout_text_path() {
  static const std::filesystem::path path = std::filesystem::path(MMFREE_ASSETS_DIR) / "data/heldout.txt";
  return path;
}

const Model& demo_model() {
  static const Model model = Model::open(demo_model_dir());
  return model;
}

const std::filesystem::path& demo_mmf() {
  static const TempDir dir;
  static const std::filesystem::path image = [] {
    const std::filesystem::path path = dir.path() / "mmfree-demo-d256-l6.mmf";
    convert_checkpoint(demo_model_dir(), path);
    return path;
  }();
  return image;
}

const nlohmann::json& reference_outputs() {
  static const nlohmann::json outputs = [] {
    std::ifstream file(demo_model_dir() / "reference_outputs.json");
    return nlohmann::json::parse(file);
  }();
  return outputs;
}

}  // namespace mmfree::test
