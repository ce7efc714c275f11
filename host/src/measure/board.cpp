#include "mmfree/measure/board.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "mmfree/error.hpp"

namespace mmfree::measure {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "section.key" -> raw value (strings without their quotes), per the flat TOML subset of
// bitstreams/README.md: no arrays, no inline tables, `#` never inside a string.
std::map<std::string, std::string> read_flat_toml(std::string_view text, const std::string& source) {
  std::map<std::string, std::string> values;
  std::string section;
  std::istringstream lines{std::string(text)};
  std::string raw;
  for (unsigned number = 1; std::getline(lines, raw); ++number) {
    std::string_view line = raw;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line.back() != ']') throw Error(source + ":" + std::to_string(number) + ": unterminated section header");
      section = std::string(trim(line.substr(1, line.size() - 2)));
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) throw Error(source + ":" + std::to_string(number) + ": expected key = value");
    std::string_view value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    values[section + "." + std::string(trim(line.substr(0, eq)))] = std::string(value);
  }
  return values;
}

const std::string& required(const std::map<std::string, std::string>& values, const std::string& key,
                            const std::string& source) {
  auto it = values.find(key);
  if (it == values.end()) throw Error(source + ": missing key " + key);
  return it->second;
}

double positive_number(const std::map<std::string, std::string>& values, const std::string& key,
                       const std::string& source) {
  const std::string& text = required(values, key, source);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !(value > 0))
    throw Error(source + ": " + key + " = '" + text + "' is not a positive number");
  return value;
}

}  // namespace

double BoardConfig::weight_streaming_bandwidth_bytes_per_second() const {
  const double port_channel = weight_port_bandwidth_gbps * 1e9;
  const double port_bus = double(beat_bytes()) * kernel_clock_hz();
  return double(weight_ports) * std::min(port_channel, port_bus);
}

std::filesystem::path default_bitstreams_dir() {
  if (const char* env = std::getenv("MMFREE_BITSTREAMS_DIR"); env != nullptr && *env != '\0') return env;
  return std::filesystem::path(MMFREE_ASSETS_DIR).parent_path() / "bitstreams";
}

std::vector<std::string> board_names(const std::filesystem::path& bitstreams_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(bitstreams_dir, ec))
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "platform.toml"))
      names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

BoardConfig parse_platform_toml(std::string_view text, std::string name, const std::string& source) {
  const auto values = read_flat_toml(text, source);
  BoardConfig board;
  board.name = std::move(name);
  board.description = required(values, "platform.board", source);
  board.kernel_clock_mhz = positive_number(values, "platform.kernel_clock_mhz", source);
  board.memory = required(values, "platform.memory", source);
  if (board.memory != "HBM2" && board.memory != "DDR4")
    throw Error(source + ": platform.memory = '" + board.memory + "' (known: HBM2, DDR4)");
  board.memory_bandwidth_gbps = positive_number(values, "platform.memory_bandwidth_gbps", source);
  board.weight_port_bandwidth_gbps = positive_number(values, "platform.weight_port_bandwidth_gbps", source);
  const double ports = positive_number(values, "kernel.NumWeightPorts", source);
  const double width = positive_number(values, "kernel.WeightDataWidth", source);
  if (ports != double(unsigned(ports)) || ports > 32)
    throw Error(source + ": kernel.NumWeightPorts must be an integer in 1..32");
  if (width != double(unsigned(width)) || unsigned(width) % 8 != 0)
    throw Error(source + ": kernel.WeightDataWidth must be a whole number of bytes");
  board.weight_ports = unsigned(ports);
  board.weight_data_width = unsigned(width);
  return board;
}

BoardConfig load_board(std::string_view name, const std::filesystem::path& bitstreams_dir) {
  const auto file = bitstreams_dir / std::string(name) / "platform.toml";
  std::ifstream in(file);
  if (name.empty() || name.find('/') != std::string_view::npos || !in) {
    std::string known;
    for (const auto& n : board_names(bitstreams_dir)) known += (known.empty() ? "" : ", ") + n;
    throw UsageError("unknown board '" + std::string(name) + "': no " + file.string() + " (known: " +
                     (known.empty() ? "none" : known) + ")");
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_platform_toml(text.str(), std::string(name), file.string());
}

}  // namespace mmfree::measure
