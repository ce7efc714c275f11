// One board's bitstreams/<platform>/platform.toml (format in bitstreams/README.md), as
// scripts/platform_config.py reads it for every tool (its JSON output): the board's values with
// the contract's kernel-parameter defaults filled in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace board_flow {

struct PlatformConfig {
  std::string folder;                         // u55c, u280, ... (the bitstreams/ folder name)
  std::filesystem::path file;                 // .../platform.toml
  std::map<std::string, std::string> values;  // "section.key" -> value ("strings" unquoted)
  std::vector<std::string> kernel_parameters; // [kernel] (RTL parameter names), the board's first

  // Each throws mmfree::Error naming the file and key when it is missing or of the wrong type.
  const std::string& text(const std::string& key) const;
  int64_t integer(const std::string& key) const;
  double number(const std::string& key) const;
};

// The repository's bitstreams/ folder.
std::filesystem::path bitstreams_dir();

// Runs scripts/platform_config.py on <bitstreams>/<folder>; its refusal (a missing or malformed
// value, named with file and key) is an mmfree::Error.
PlatformConfig read_platform_config(const std::string& folder,
                                    const std::filesystem::path& bitstreams = bitstreams_dir());

// The platforms of bitstreams/: every folder holding a platform.toml, sorted by name.
std::vector<std::string> platform_folders();

PlatformConfig platform_config(const std::string& folder);

}  // namespace board_flow
