// The ports and parameters of the elaborated RTL top, as Verilator sees them: `verilator
// --xml-only` with the platform's parameter values, summarised by tests/board_flow/xml_summary.py.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace board_flow {

struct RtlPort {
  std::string direction;  // input | output | inout
  int width = 0;
};

struct RtlTop {
  std::string module;
  std::map<std::string, int64_t> parameters;
  std::map<std::string, RtlPort> ports;
};

// Elaborates `top` from `files` with parameter overrides (-G); `scratch` receives Verilator's
// files. Throws mmfree::Error with Verilator's messages when elaboration fails.
RtlTop elaborate_rtl_top(const std::vector<std::filesystem::path>& files, const std::string& top,
                         const std::vector<std::pair<std::string, std::string>>& parameters,
                         const std::filesystem::path& scratch);

}  // namespace board_flow
