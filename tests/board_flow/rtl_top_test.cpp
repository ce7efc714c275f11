// The RTL top, elaborated by Verilator with each board's parameters from the core's file list,
// has exactly the interfaces of that board's kernel.xml, in the shape Vitis requires (every port
// in an interface, 64-bit AXI addresses, widths as declared), the parameters platform.toml sets,
// and every port its link configuration connects.
#include <gtest/gtest.h>

#include <bit>
#include <map>
#include <set>

#include "kernel_description.hpp"
#include "kernel_interfaces.hpp"
#include "link_config.hpp"
#include "packaging_plan.hpp"
#include "platform_config.hpp"
#include "rtl_top.hpp"
#include "support/temp_dir.hpp"

namespace board_flow {
namespace {
using mmfree::test::TempDir;

class RtlTopTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    config_ = platform_config(GetParam());
    plan_ = make_packaging_plan(GetParam(), out_.path());
    xml_ = read_kernel_description(plan_.generated_dir / "kernel.xml");
    top_ = elaborate_rtl_top(plan_.rtl_files, plan_.kernel, plan_.generics, out_.path());
    for (const auto& [name, port] : top_.ports) {
      if (auto m = kernel_interface_of(name)) signals_[m->interface][m->signal] = port;
    }
  }
  // The port of `interface` carrying AXI `signal`, or nullptr.
  const RtlPort* signal(const std::string& interface, const std::string& name) const {
    const auto i = signals_.find(interface);
    if (i == signals_.end()) return nullptr;
    const auto s = i->second.find(name);
    return s == i->second.end() ? nullptr : &s->second;
  }
  void expect_signal(const std::string& interface, const std::string& name, const std::string& direction,
                     int width) const {
    const RtlPort* p = signal(interface, name);
    ASSERT_NE(p, nullptr) << interface << "_" << name << " is missing";
    EXPECT_EQ(p->direction, direction) << interface << "_" << name;
    EXPECT_EQ(p->width, width) << interface << "_" << name;
  }

  void check_every_port_belongs_to_a_kernel_interface() {
    EXPECT_EQ(top_.module, "mmfree_kernel");
    for (const auto& [name, port] : top_.ports) {
      EXPECT_TRUE(kernel_interface_of(name).has_value())
          << name << " fits none of ap_clk, ap_rst_n, interrupt, s_axi_control_*, m_axi_<name>_*";
    }
    expect_signal("ap_clk", "", "input", 1);
    expect_signal("ap_rst_n", "", "input", 1);
    if (xml_.kernel.at("interrupt") == "true") expect_signal("interrupt", "", "output", 1);
  }

  void check_interfaces_are_exactly_those_of_kernel_xml() {
    std::set<std::string> rtl;
    for (const auto& [interface, signals] : signals_) {
      if (interface.rfind("m_axi_", 0) == 0 || interface == "s_axi_control") rtl.insert(interface);
    }
    std::set<std::string> xml;
    for (const auto& p : xml_.ports) xml.insert(p.name);
    EXPECT_EQ(rtl, xml);
  }

  void check_control_slave_is_axi4_lite_over_the_whole_register_window() {
    const KernelPort* control = xml_.find_port("s_axi_control");
    ASSERT_NE(control, nullptr);
    const int address_bits = static_cast<int>(std::bit_width(control->range - 1));
    const std::string s = "s_axi_control";
    expect_signal(s, "awaddr", "input", address_bits);
    expect_signal(s, "araddr", "input", address_bits);
    expect_signal(s, "wdata", "input", 32);
    expect_signal(s, "wstrb", "input", 4);
    expect_signal(s, "rdata", "output", 32);
    expect_signal(s, "bresp", "output", 2);
    expect_signal(s, "rresp", "output", 2);
    for (const char* in : {"awvalid", "wvalid", "bready", "arvalid", "rready"}) expect_signal(s, in, "input", 1);
    for (const char* out : {"awready", "wready", "bvalid", "arready", "rvalid"}) expect_signal(s, out, "output", 1);
  }

  void check_masters_have_64_bit_addresses_and_the_declared_width() {
    for (const auto& port : xml_.ports) {
      if (port.mode != "master") continue;
      SCOPED_TRACE(port.name);
      const std::string& m = port.name;
      // Read channel: every master reads.
      expect_signal(m, "araddr", "output", 64);
      expect_signal(m, "arlen", "output", 8);
      expect_signal(m, "rdata", "input", port.data_width);
      for (const char* out : {"arvalid", "rready"}) expect_signal(m, out, "output", 1);
      for (const char* in : {"arready", "rvalid", "rlast"}) expect_signal(m, in, "input", 1);
      // Write channel: optional (weight ports only read), but complete when present.
      const bool writes = signal(m, "awvalid") || signal(m, "awaddr") || signal(m, "wdata");
      if (m == "m_axi_gmem") {
        EXPECT_TRUE(writes) << "gmem writes state, argmax and logits";
      }
      if (writes) {
        expect_signal(m, "awaddr", "output", 64);
        expect_signal(m, "awlen", "output", 8);
        expect_signal(m, "wdata", "output", port.data_width);
        expect_signal(m, "wstrb", "output", port.data_width / 8);
        for (const char* out : {"awvalid", "wvalid", "wlast", "bready"}) expect_signal(m, out, "output", 1);
        for (const char* in : {"awready", "wready", "bvalid"}) expect_signal(m, in, "input", 1);
      }
    }
  }

  void check_platform_parameters_are_parameters_of_the_top() {
    for (const auto& key : config_.kernel_parameters) {
      const auto it = top_.parameters.find(key);
      ASSERT_NE(it, top_.parameters.end()) << "platform.toml [kernel] " << key << " is no parameter of the top";
      EXPECT_EQ(it->second, config_.integer("kernel." + key)) << key << " was not applied";
    }
  }

  void check_link_config_connects_real_ports_of_the_top() {
    const LinkConfig link = read_link_config(bitstreams_dir() / GetParam() / "link.cfg");
    std::set<std::string> connected;
    for (const auto& sp : link.connections) {
      EXPECT_NE(signal(sp.port, "araddr"), nullptr)
          << link.file << ":" << sp.line << ": " << sp.port << " is not an AXI master of the top";
      connected.insert(sp.port);
    }
    for (const auto& [interface, signals] : signals_) {
      if (interface.rfind("m_axi_", 0) == 0) {
        EXPECT_EQ(connected.count(interface), 1u) << interface << " has no sp= line in " << link.file;
      }
    }
  }

  TempDir out_;
  PlatformConfig config_;
  PackagingPlan plan_;
  KernelDescription xml_;
  RtlTop top_;
  std::map<std::string, std::map<std::string, RtlPort>> signals_;  // interface -> signal -> port
};







// Elaborating the top takes seconds: each test elaborates once and makes several checks.
TEST_P(RtlTopTest, PortsAreTheInterfacesOfKernelXml) {
  {
    SCOPED_TRACE("check_every_port_belongs_to_a_kernel_interface");
    check_every_port_belongs_to_a_kernel_interface();
  }
  {
    SCOPED_TRACE("check_interfaces_are_exactly_those_of_kernel_xml");
    check_interfaces_are_exactly_those_of_kernel_xml();
  }
  {
    SCOPED_TRACE("check_control_slave_is_axi4_lite_over_the_whole_register_window");
    check_control_slave_is_axi4_lite_over_the_whole_register_window();
  }
  {
    SCOPED_TRACE("check_masters_have_64_bit_addresses_and_the_declared_width");
    check_masters_have_64_bit_addresses_and_the_declared_width();
  }
}

// platform.toml [kernel] and link.cfg against the elaborated top.
TEST_P(RtlTopTest, PlatformParametersAndLinkConfigFitTheTop) {
  {
    SCOPED_TRACE("check_platform_parameters_are_parameters_of_the_top");
    check_platform_parameters_are_parameters_of_the_top();
  }
  {
    SCOPED_TRACE("check_link_config_connects_real_ports_of_the_top");
    check_link_config_connects_real_ports_of_the_top();
  }
}

std::string platform_test_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

INSTANTIATE_TEST_SUITE_P(Boards, RtlTopTest, ::testing::ValuesIn(platform_folders()), platform_test_name);

}  // namespace
}  // namespace board_flow
