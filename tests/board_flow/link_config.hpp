// A v++ --link configuration file (bitstreams/<platform>/link.cfg): the [connectivity] lines the
// board-flow tests check against the RTL top and the platform's memories.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace board_flow {

// sp=<compute unit>.<kernel port>:<memory>, e.g. mmfree_kernel_1.m_axi_w00:HBM[0]
struct MemoryConnection {
  std::string compute_unit;
  std::string port;
  std::string memory;
  int line = 0;
};

// A memory resource name split up: HBM[3] -> {"HBM", 3, 3}, HBM[28:31] -> {"HBM", 28, 31},
// HP0 -> {"HP", 0, 0}. Throws mmfree::Error for anything else.
struct MemoryRange {
  std::string kind;
  int first = 0;
  int last = 0;
};
MemoryRange parse_memory(const std::string& memory);

struct LinkConfig {
  std::filesystem::path file;
  std::vector<std::string> kernel_instances;  // nk= values: kernel:count:cu_name
  std::vector<MemoryConnection> connections;  // sp= lines in file order
  std::vector<std::string> slr_assignments;   // slr= values
};

// Parses the [connectivity] section (other sections are kept out); malformed sp= lines throw
// mmfree::Error naming the file and line.
LinkConfig read_link_config(const std::filesystem::path& cfg);

}  // namespace board_flow
