#include "kernel_interfaces.hpp"

#include <algorithm>
#include <span>
#include <string_view>

namespace board_flow {

namespace {

// AXI4 master signals (IHI 0022) as Vivado's interface inference names them.
constexpr std::string_view kAxi4Signals[] = {
    "awid",    "awaddr",  "awlen",   "awsize",  "awburst",  "awlock", "awcache", "awprot", "awqos",
    "awregion", "awuser", "awvalid", "awready", "wid",      "wdata",  "wstrb",   "wlast",  "wuser",
    "wvalid",  "wready",  "bid",     "bresp",   "buser",    "bvalid", "bready",  "arid",   "araddr",
    "arlen",   "arsize",  "arburst", "arlock",  "arcache",  "arprot", "arqos",   "arregion", "aruser",
    "arvalid", "arready", "rid",     "rdata",   "rresp",    "rlast",  "ruser",   "rvalid", "rready"};

// AXI4-Lite slave signals.
constexpr std::string_view kAxiLiteSignals[] = {
    "awaddr", "awprot", "awvalid", "awready", "wdata",   "wstrb", "wvalid", "wready", "bresp", "bvalid",
    "bready", "araddr", "arprot",  "arvalid", "arready", "rdata", "rresp",  "rvalid", "rready"};

bool contains(std::span<const std::string_view> names, std::string_view s) {
  return std::ranges::find(names, s) != names.end();
}

}  // namespace

std::optional<InterfaceMembership> kernel_interface_of(const std::string& port) {
  if (port == "ap_clk" || port == "ap_rst_n" || port == "interrupt") return InterfaceMembership{port, ""};
  const std::string lite = "s_axi_control_";
  if (port.rfind(lite, 0) == 0) {
    const std::string signal = port.substr(lite.size());
    if (contains(kAxiLiteSignals, signal)) return InterfaceMembership{"s_axi_control", signal};
    return std::nullopt;
  }
  if (port.rfind("m_axi_", 0) == 0) {
    const auto last = port.rfind('_');
    if (last <= 6) return std::nullopt;  // m_axi_<signal> without a bundle name
    const std::string signal = port.substr(last + 1);
    if (!contains(kAxi4Signals, signal)) return std::nullopt;
    return InterfaceMembership{port.substr(0, last), signal};
  }
  return std::nullopt;
}

}  // namespace board_flow
