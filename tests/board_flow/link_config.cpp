#include "link_config.hpp"

#include <fstream>
#include <regex>

#include "mmfree/error.hpp"

namespace board_flow {

MemoryRange parse_memory(const std::string& memory) {
  static const std::regex bank(R"(([A-Z]+)\[(\d+)(?::(\d+))?\])");
  static const std::regex port(R"((HPC|HP)(\d))");
  std::smatch m;
  if (std::regex_match(memory, m, bank)) {
    const int first = std::stoi(m[2]);
    return {m[1], first, m[3].matched ? std::stoi(m[3]) : first};
  }
  if (std::regex_match(memory, m, port)) return {m[1], std::stoi(m[2]), std::stoi(m[2])};
  throw mmfree::Error("unknown memory resource '" + memory + "'");
}

LinkConfig read_link_config(const std::filesystem::path& cfg) {
  std::ifstream in(cfg);
  if (!in) throw mmfree::Error("cannot read " + cfg.string());
  LinkConfig config{cfg, {}, {}, {}};
  static const std::regex sp_value(R"(([A-Za-z0-9_]+)\.([A-Za-z0-9_]+):(\S+))");
  std::string section;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = line.substr(0, line.find('#'));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    line.erase(0, line.find_first_not_of(" \t"));
    if (line.empty()) continue;
    if (line.front() == '[') {
      section = line;
      continue;
    }
    if (section != "[connectivity]") continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) {
      throw mmfree::Error(cfg.string() + ":" + std::to_string(number) + ": expected key=value");
    }
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    if (key == "nk") {
      config.kernel_instances.push_back(value);
    } else if (key == "slr") {
      config.slr_assignments.push_back(value);
    } else if (key == "sp") {
      std::smatch m;
      if (!std::regex_match(value, m, sp_value)) {
        throw mmfree::Error(cfg.string() + ":" + std::to_string(number) +
                            ": sp= must be <compute unit>.<port>:<memory>, got '" + value + "'");
      }
      config.connections.push_back({m[1], m[2], m[3], number});
    } else {
      throw mmfree::Error(cfg.string() + ":" + std::to_string(number) + ": unexpected [connectivity] key '" +
                          key + "'");
    }
  }
  return config;
}

}  // namespace board_flow
