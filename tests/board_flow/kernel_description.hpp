// A Vitis kernel.xml (the one hw/contract/gen_contract.py writes), read with Python's XML parser
// through tests/board_flow/xml_summary.py.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace board_flow {

struct KernelPort {
  std::string name;  // s_axi_control, m_axi_gmem, m_axi_w00, ...
  std::string mode;  // slave | master
  uint64_t range = 0;
  int data_width = 0;
};

struct KernelArgument {
  std::string name;
  int address_qualifier = 0;  // 0 scalar, 1 global memory pointer
  int id = 0;
  std::string port;           // s_axi_control for scalars, the AXI master for pointers
  uint32_t size = 0;          // bytes
  uint32_t offset = 0;        // byte offset in the s_axi_control window
  std::string type;
};

struct KernelDescription {
  std::map<std::string, std::string> kernel;  // attributes of <kernel>
  std::vector<KernelPort> ports;
  std::vector<KernelArgument> arguments;

  const KernelPort* find_port(const std::string& name) const;
};

KernelDescription read_kernel_description(const std::filesystem::path& kernel_xml);

}  // namespace board_flow
