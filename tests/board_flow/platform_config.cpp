#include "platform_config.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <regex>

#include "mmfree/error.hpp"

namespace board_flow {
namespace fs = std::filesystem;

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

PlatformConfig read_platform_config(const fs::path& toml, const std::string& folder) {
  std::ifstream in(toml);
  if (!in) throw mmfree::Error("cannot read " + toml.string());
  PlatformConfig config{folder, toml, {}, {}};
  static const std::regex section_line(R"(\[([A-Za-z0-9_]+)\])");
  static const std::regex key_line(R"(([A-Za-z0-9_]+)\s*=\s*("[^"#]*"|[-+0-9.eE]+))");
  std::string section;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = line.substr(0, line.find('#'));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    line.erase(0, line.find_first_not_of(" \t"));
    if (line.empty()) continue;
    std::smatch m;
    if (std::regex_match(line, m, section_line)) {
      section = m[1];
    } else if (std::regex_match(line, m, key_line) && !section.empty()) {
      std::string value = m[2];
      if (value.front() == '"') value = value.substr(1, value.size() - 2);
      const std::string key = section + "." + m[1].str();
      if (!config.values.emplace(key, value).second) {
        throw mmfree::Error(toml.string() + ":" + std::to_string(number) + ": " + key + " given twice");
      }
      if (section == "kernel") config.kernel_parameters.push_back(m[1]);
    } else {
      throw mmfree::Error(toml.string() + ":" + std::to_string(number) +
                          ": not a [section] or a key = number / \"string\" line inside a section");
    }
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

PlatformConfig platform_config(const std::string& folder) {
  return read_platform_config(bitstreams_dir() / folder / "platform.toml", folder);
}

}  // namespace board_flow
