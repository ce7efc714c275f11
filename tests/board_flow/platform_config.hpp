// One board's bitstreams/<platform>/platform.toml (format in bitstreams/README.md): the flat TOML
// subset that scripts/build_xclbin.sh (awk), scripts/package_kernel.tcl (Tcl) and C++ all read.
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
  std::vector<std::string> kernel_parameters; // keys of [kernel] (RTL parameter names), in order

  // Each throws mmfree::Error naming the file and key when it is missing or of the wrong type.
  const std::string& text(const std::string& key) const;
  int64_t integer(const std::string& key) const;
  double number(const std::string& key) const;
};

// Parses one platform.toml; a malformed line is an mmfree::Error naming the file and line.
PlatformConfig read_platform_config(const std::filesystem::path& toml, const std::string& folder);

// The repository's bitstreams/ folder.
std::filesystem::path bitstreams_dir();

// The platforms of bitstreams/: every folder holding a platform.toml, sorted by name.
std::vector<std::string> platform_folders();

PlatformConfig platform_config(const std::string& folder);

}  // namespace board_flow
