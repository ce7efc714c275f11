#include "platform_config.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "mmfree/error.hpp"

namespace board_flow {
namespace fs = std::filesystem;
using mmfree::test::ChildResult;
using mmfree::test::python3;
using mmfree::test::run_child;
using mmfree::test::TempDir;

const std::string& PlatformConfig::text(const std::string& key) const {
  const auto it = values.find(key);
  if (it == values.end()) throw mmfree::Error(file.string() + ": missing " + key);
  return it->second;
}

int64_t PlatformConfig::integer(const std::string& key) const {
  const std::string& v = text(key);
  int64_t result = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), result);
  if (ec != std::errc() || end != v.data() + v.size()) {
    throw mmfree::Error(file.string() + ": " + key + " = " + v + " is not an integer");
  }
  return result;
}

double PlatformConfig::number(const std::string& key) const {
  const std::string& v = text(key);
  try {
    size_t used = 0;
    const double result = std::stod(v, &used);
    if (used == v.size()) return result;
  } catch (const std::exception&) {
  }
  throw mmfree::Error(file.string() + ": " + key + " = " + v + " is not a number");
}

PlatformConfig read_platform_config(const std::string& folder, const fs::path& bitstreams) {
  // scripts/platform_config.py is the one reader of platform.toml; its JSON is what every
  // tool sees (with the contract's parameter defaults filled in).
  const fs::path tool = fs::path(MMFREE_SOURCE_ROOT) / "scripts" / "platform_config.py";
  const ChildResult r =
      run_child({python3(), tool.string(), folder, "--bitstreams", bitstreams.string(), "--format", "json"});
  if (r.exit_code != 0) throw mmfree::Error("platform_config.py " + folder + " failed: " + r.err);
  const auto doc = nlohmann::json::parse(r.out);
  PlatformConfig config{folder, doc.at("file").get<std::string>(), {}, {}};
  const auto text_of = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  for (const auto& section : {"platform", "limits"}) {
    for (const auto& [key, value] : doc.at(section).items()) config.values[std::string(section) + "." + key] = text_of(value);
  }
  for (const auto& parameter : doc.at("kernel")) {
    const std::string name = parameter.at("name").get<std::string>();
    config.values["kernel." + name] = text_of(parameter.at("value"));
    config.kernel_parameters.push_back(name);
  }
  return config;
}

fs::path bitstreams_dir() { return fs::path(MMFREE_SOURCE_ROOT) / "bitstreams"; }

std::vector<std::string> platform_folders() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(bitstreams_dir())) {
    if (entry.is_directory() && fs::exists(entry.path() / "platform.toml")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

PlatformConfig platform_config(const std::string& folder) { return read_platform_config(folder); }

}  // namespace board_flow
