// The authors' outputs for the demo model, for checking what the CLI prints.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mmfree::test {

inline const nlohmann::json& reference_outputs() {
  static const nlohmann::json outputs = [] {
    std::ifstream file(std::string(MMFREE_ASSETS_DIR) + "/models/mmfree-demo-d256-l6/reference_outputs.json");
    return nlohmann::json::parse(file);
  }();
  return outputs;
}

inline std::string join_ids(const std::vector<uint32_t>& ids) {
  std::string text;
  for (uint32_t id : ids) {
    if (!text.empty()) text.push_back(',');
    text.append(std::to_string(id));
  }
  return text;
}

}  // namespace mmfree::test
