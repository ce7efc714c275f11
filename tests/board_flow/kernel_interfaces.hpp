// The Vitis RTL-kernel naming contract for top-level ports (docs/device.md, Ports): every port is
// ap_clk, ap_rst_n, interrupt, an AXI4-Lite signal s_axi_control_<signal> or an AXI4 signal
// m_axi_<name>_<signal>. This file says which interface a port name belongs to.
#pragma once

#include <optional>
#include <string>

namespace board_flow {

struct InterfaceMembership {
  std::string interface;  // ap_clk, ap_rst_n, interrupt, s_axi_control or m_axi_<name>
  std::string signal;     // the AXI signal (araddr, rdata, ...); empty for the single-wire ports
};

// std::nullopt when the name fits no interface (such a port would make packaging fail).
std::optional<InterfaceMembership> kernel_interface_of(const std::string& port);

}  // namespace board_flow
