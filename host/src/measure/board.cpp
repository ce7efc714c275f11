#include "mmfree/measure/board.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "mmfree/error.hpp"

namespace mmfree::measure {

namespace {

// scripts/platform_config.py has checked every value already (types, positive numbers, the
// memory kind, the port count); a value of the wrong JSON type here means a stale or foreign file.
const nlohmann::json& required(const nlohmann::json& object, const std::string& key, const std::string& where,
                               const std::string& source) {
  if (!object.is_object() || !object.contains(key)) throw Error(source + ": missing key " + where + "." + key);
  return object.at(key);
}

double number(const nlohmann::json& object, const std::string& key, const std::string& where,
              const std::string& source) {
  const auto& value = required(object, key, where, source);
  if (!value.is_number() || !(value.get<double>() > 0))
    throw Error(source + ": " + where + "." + key + " = " + value.dump() + " is not a positive number");
  return value.get<double>();
}

std::string text(const nlohmann::json& object, const std::string& key, const std::string& where,
                 const std::string& source) {
  const auto& value = required(object, key, where, source);
  if (!value.is_string()) throw Error(source + ": " + where + "." + key + " = " + value.dump() + " is not a string");
  return value.get<std::string>();
}

}  // namespace

double BoardConfig::weight_streaming_bandwidth_bytes_per_second() const {
  const double port_channel = weight_port_bandwidth_gbps * 1e9;
  const double port_bus = double(beat_bytes()) * kernel_clock_hz();
  return double(weight_ports) * std::min(port_channel, port_bus);
}

std::filesystem::path default_boards_dir() {
  if (const char* env = std::getenv("MMFREE_BOARDS_DIR"); env != nullptr && *env != '\0') return env;
  return MMFREE_BOARDS_DIR;
}

std::vector<std::string> board_names(const std::filesystem::path& boards_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(boards_dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

BoardConfig parse_board_json(std::string_view text_in, std::string name, const std::string& source) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text_in);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(source + ": not JSON (" + e.what() + ")");
  }
  const auto& platform = required(doc, "platform", "", source);
  BoardConfig board;
  board.name = std::move(name);
  board.description = text(platform, "board", "platform", source);
  board.kernel_clock_mhz = number(platform, "kernel_clock_mhz", "platform", source);
  board.memory = text(platform, "memory", "platform", source);
  board.memory_bandwidth_gbps = number(platform, "memory_bandwidth_gbps", "platform", source);
  board.weight_port_bandwidth_gbps = number(platform, "weight_port_bandwidth_gbps", "platform", source);
  const auto& kernel = required(doc, "kernel", "", source);
  for (const auto& parameter : kernel) {
    const std::string key = parameter.value("name", "");
    if (key == "NumWeightPorts") board.weight_ports = parameter.at("value").get<unsigned>();
    if (key == "WeightDataWidth") board.weight_data_width = parameter.at("value").get<unsigned>();
  }
  if (board.weight_ports == 0 || board.weight_data_width == 0)
    throw Error(source + ": kernel NumWeightPorts or WeightDataWidth missing");
  return board;
}

BoardConfig load_board(std::string_view name, const std::filesystem::path& boards_dir) {
  const auto file = boards_dir / (std::string(name) + ".json");
  std::ifstream in(file);
  if (name.empty() || name.find('/') != std::string_view::npos || !in) {
    std::string known;
    for (const auto& n : board_names(boards_dir)) known += (known.empty() ? "" : ", ") + n;
    throw UsageError("unknown board '" + std::string(name) + "': no " + file.string() + " (known: " +
                     (known.empty() ? "none" : known) + ")");
  }
  std::stringstream contents;
  contents << in.rdbuf();
  return parse_board_json(contents.str(), std::string(name), file.string());
}

}  // namespace mmfree::measure
