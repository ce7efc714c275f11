// What scripts/package_kernel.tcl would package for one platform, as printed by
// `scripts/build_xclbin.sh PLATFORM --plan` (plain tclsh, no Vitis): the RTL files taken from
// hw/mmfree.core, the RTL parameters, bus interfaces and control registers. The same run writes
// this platform's generated sources (kernel.xml, register package, Vitis top) under the output
// directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace board_flow {

struct PlannedBusInterface {
  std::string name;   // s_axi_control, m_axi_gmem, m_axi_w00, ...
  std::string mode;   // slave | master
  int data_width = 0;
  std::string clock;  // the clock it is associated with
};

struct PlannedRegister {
  std::string name;
  uint32_t offset = 0;
  int bits = 0;
  std::string bus_interface;  // the AXI master a pointer argument addresses; "-" for none
};

struct PackagingPlan {
  std::string kernel;
  std::string vlnv;
  std::string part;
  std::vector<std::filesystem::path> rtl_files;
  std::vector<std::pair<std::string, std::string>> generics;  // RTL parameter, value
  std::string clock;
  std::string reset;
  bool interrupt = false;
  std::vector<PlannedBusInterface> bus_interfaces;
  uint64_t control_range = 0;
  std::vector<PlannedRegister> registers;
  std::filesystem::path xo;
  std::filesystem::path generated_dir;  // kernel.xml, mmfree_*_pkg.sv, registers.txt, platform.tcl, top

  const PlannedRegister* find_register(const std::string& name) const;
};

// Runs build_xclbin.sh --plan with output root `out` and parses its plan; throws mmfree::Error
// with the script's stderr when it fails.
PackagingPlan make_packaging_plan(const std::string& platform, const std::filesystem::path& out);

// Parses the plan text (one `kind fields...` item a line).
PackagingPlan parse_packaging_plan(const std::string& text);

}  // namespace board_flow
