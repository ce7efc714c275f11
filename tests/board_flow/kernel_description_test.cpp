// The generated kernel.xml of every board agrees with the register map (mmfree/regmap.hpp, from
// the same description), and the packaging plan of scripts/package_kernel.tcl (which reads
// kernel.xml with its own parser) follows kernel.xml, the register map and platform.toml.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "kernel_description.hpp"
#include "mmfree/regmap.hpp"
#include "packaging_plan.hpp"
#include "platform_config.hpp"
#include "support/temp_dir.hpp"

namespace board_flow {
namespace {
namespace fs = std::filesystem;
namespace regmap = mmfree::regmap;
using mmfree::test::TempDir;

std::string two_digits(const char* prefix, unsigned p, const char* suffix = "") {
  char name[32];
  std::snprintf(name, sizeof name, "%s%02u%s", prefix, p, suffix);
  return name;
}

class KernelDescriptionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    config_ = platform_config(GetParam());
    plan_ = make_packaging_plan(GetParam(), out_.path());
    xml_ = read_kernel_description(plan_.generated_dir / "kernel.xml");
    ports_ = static_cast<unsigned>(config_.integer("kernel.NumWeightPorts"));
  }
  void check_arguments_follow_the_register_map() {
    EXPECT_EQ(xml_.kernel.at("name"), regmap::kKernelName);
    EXPECT_EQ(xml_.kernel.at("hwControlProtocol"), "ap_ctrl_hs");
    ASSERT_EQ(xml_.arguments.size(), regmap::kArguments.size() + ports_);
    // The runtime finds argument k's memory bank with kernel.group_id(k): the ids must be the
    // regmap's argument order, fixed arguments first, then weight port p at kArguments.size() + p.
    for (size_t k = 0; k < xml_.arguments.size(); ++k) {
      const KernelArgument& a = xml_.arguments[k];
      SCOPED_TRACE(a.name);
      EXPECT_EQ(a.id, static_cast<int>(k));
      if (k < regmap::kArguments.size()) {
        const regmap::Argument& r = regmap::kArguments[k];
        EXPECT_EQ(a.name, r.name);
        EXPECT_EQ(a.offset, r.offset);
        EXPECT_EQ(a.size, r.size);
        const bool buffer = r.kind == regmap::ArgumentKind::Buffer;
        EXPECT_EQ(a.address_qualifier, buffer ? 1 : 0);
        EXPECT_EQ(a.port, buffer ? "m_axi_gmem" : "s_axi_control");
      } else {
        const unsigned p = static_cast<unsigned>(k - regmap::kArguments.size());
        EXPECT_EQ(a.name, two_digits("w", p));
        EXPECT_EQ(a.offset, regmap::weight_port_offset(p));
        EXPECT_EQ(a.size, 8u);  // a 64-bit device address
        EXPECT_EQ(a.address_qualifier, 1);
        EXPECT_EQ(a.port, two_digits("m_axi_w", p));
      }
    }
  }

  void check_no_two_registers_or_arguments_overlap() {
    std::map<uint32_t, std::string> byte_owner;
    auto claim = [&](const std::string& name, uint32_t offset, uint32_t size) {
      EXPECT_LE(offset + size, regmap::kAddressRange) << name;
      EXPECT_EQ(offset % size, 0u) << name << " is not aligned to its size";
      for (uint32_t b = offset; b < offset + size; ++b) {
        const auto [it, fresh] = byte_owner.emplace(b, name);
        EXPECT_TRUE(fresh) << name << " overlaps " << it->second << " at 0x" << std::hex << b;
      }
    };
    // The whole window: the control registers and counters of the description (registers.txt)
    // and the arguments of kernel.xml, as the packaging plan lists them.
    for (const auto& r : plan_.registers) claim(r.name, r.offset, static_cast<uint32_t>(r.bits / 8));
    for (const auto& a : xml_.arguments) EXPECT_NE(plan_.find_register(a.name), nullptr) << a.name;
    // Vitis places the first argument at 0x10, after the four ap_ctrl_hs registers.
    EXPECT_EQ(xml_.arguments.front().offset, 0x10u);
  }

  void check_ports_are_platform_width_masters_and_one_control_slave() {
    std::set<std::string> masters;
    for (const auto& p : xml_.ports) {
      SCOPED_TRACE(p.name);
      if (p.mode == "slave") {
        EXPECT_EQ(p.name, "s_axi_control");
        EXPECT_EQ(p.range, regmap::kAddressRange);
        EXPECT_EQ(p.data_width, 32);
        continue;
      }
      EXPECT_EQ(p.mode, "master");
      EXPECT_EQ(p.range, 0xFFFFFFFFFFFFFFFFull);  // 64-bit addresses
      masters.insert(p.name);
      const char* width_key = p.name == "m_axi_gmem" ? "kernel.GmemDataWidth" : "kernel.WeightDataWidth";
      EXPECT_EQ(p.data_width, config_.integer(width_key));
    }
    std::set<std::string> expected = {"m_axi_gmem"};
    for (unsigned p = 0; p < ports_; ++p) expected.insert(two_digits("m_axi_w", p));
    EXPECT_EQ(masters, expected);
    // Every pointer argument addresses one of these masters.
    for (const auto& a : xml_.arguments) {
      if (a.address_qualifier == 1) {
        EXPECT_EQ(masters.count(a.port), 1u) << a.name << " -> " << a.port;
      }
    }
  }

  void check_packaging_plan_follows_kernel_xml() {
    EXPECT_EQ(plan_.kernel, xml_.kernel.at("name"));
    EXPECT_EQ(plan_.vlnv, xml_.kernel.at("vlnv"));
    EXPECT_EQ(plan_.interrupt, xml_.kernel.at("interrupt") == "true");
    EXPECT_EQ(plan_.control_range, regmap::kAddressRange);
    ASSERT_EQ(plan_.bus_interfaces.size(), xml_.ports.size());
    for (size_t i = 0; i < xml_.ports.size(); ++i) {
      EXPECT_EQ(plan_.bus_interfaces[i].name, xml_.ports[i].name);
      EXPECT_EQ(plan_.bus_interfaces[i].mode, xml_.ports[i].mode);
      EXPECT_EQ(plan_.bus_interfaces[i].data_width, xml_.ports[i].data_width);
      EXPECT_EQ(plan_.bus_interfaces[i].clock, "ap_clk");
    }
    EXPECT_EQ(plan_.clock, "ap_clk");
    EXPECT_EQ(plan_.reset, "ap_rst_n");
    for (const auto& a : xml_.arguments) {
      const PlannedRegister* r = plan_.find_register(a.name);
      ASSERT_NE(r, nullptr) << a.name;
      EXPECT_EQ(r->offset, a.offset) << a.name;
      EXPECT_EQ(r->bits, static_cast<int>(8 * a.size)) << a.name;
      EXPECT_EQ(r->bus_interface, a.address_qualifier == 1 ? a.port : "-") << a.name;
    }
  }

  void check_packaging_plan_has_the_control_registers_and_counters() {
    for (const auto& [name, offset] : {std::pair{"ctrl", regmap::ctrl::kOffset}, {"gie", regmap::gie::kOffset},
                                       {"ier", regmap::ier::kOffset}, {"isr", regmap::isr::kOffset},
                                       {"status", regmap::status::kOffset}}) {
      const PlannedRegister* r = plan_.find_register(name);
      ASSERT_NE(r, nullptr) << name;
      EXPECT_EQ(r->offset, offset) << name;
      EXPECT_EQ(r->bits, 32) << name;
    }
    for (const auto& c : regmap::kCounters) {
      const PlannedRegister* r = plan_.find_register(std::string(c.name));
      ASSERT_NE(r, nullptr) << c.name;
      EXPECT_EQ(r->offset, c.offset) << c.name;
      EXPECT_EQ(r->bits, 64) << c.name;
    }
    for (unsigned p = 0; p < ports_; ++p) {
      const PlannedRegister* r = plan_.find_register(two_digits("w", p, "_bytes"));
      ASSERT_NE(r, nullptr) << p;
      EXPECT_EQ(r->offset, regmap::weight_port_bytes_offset(p));
    }
    std::set<std::string> names;
    for (const auto& r : plan_.registers) {
      EXPECT_TRUE(names.insert(r.name).second) << r.name << " twice";
    }
  }

  void check_packaging_plan_takes_part_parameters_and_files_from_their_sources() {
    EXPECT_EQ(plan_.part, config_.text("platform.part"));
    ASSERT_EQ(plan_.generics.size(), config_.kernel_parameters.size());
    for (size_t i = 0; i < plan_.generics.size(); ++i) {
      EXPECT_EQ(plan_.generics[i].first, config_.kernel_parameters[i]);
      EXPECT_EQ(plan_.generics[i].second, config_.text("kernel." + config_.kernel_parameters[i]));
    }
    EXPECT_EQ(plan_.xo, fs::path(out_.path() / "xo" / ("mmfree_kernel_" + GetParam() + ".xo")));
    // The file list: this platform's generated packages (register map, contract) and top first,
    // then the core's files from hw/, all present, none twice.
    ASSERT_GE(plan_.rtl_files.size(), 4u);
    EXPECT_EQ(plan_.rtl_files[0], plan_.generated_dir / "mmfree_reg_pkg.sv");
    EXPECT_EQ(plan_.rtl_files[1], plan_.generated_dir / "mmfree_contract_pkg.sv");
    EXPECT_EQ(plan_.rtl_files[2], plan_.generated_dir / "mmfree_kernel.sv");
    std::set<fs::path> seen;
    const fs::path hw = fs::path(MMFREE_SOURCE_ROOT) / "hw";
    for (size_t i = 0; i < plan_.rtl_files.size(); ++i) {
      const fs::path& f = plan_.rtl_files[i];
      EXPECT_TRUE(fs::exists(f)) << f;
      EXPECT_TRUE(seen.insert(f.filename()).second) << f.filename() << " listed twice";
      if (i >= 3) {
        EXPECT_EQ(f.string().rfind(hw.string() + "/", 0), 0u) << f << " is not under hw/";
      }
    }
  }

  TempDir out_;
  PlatformConfig config_;
  PackagingPlan plan_;
  KernelDescription xml_;
  unsigned ports_ = 0;
};







// One generated kernel.xml per test: generating it is the slow part.
TEST_P(KernelDescriptionTest, KernelXmlFollowsTheRegisterMap) {
  {
    SCOPED_TRACE("check_arguments_follow_the_register_map");
    check_arguments_follow_the_register_map();
  }
  {
    SCOPED_TRACE("check_no_two_registers_or_arguments_overlap");
    check_no_two_registers_or_arguments_overlap();
  }
  {
    SCOPED_TRACE("check_ports_are_platform_width_masters_and_one_control_slave");
    check_ports_are_platform_width_masters_and_one_control_slave();
  }
}

// The plan against kernel.xml, the register map and platform.toml.
TEST_P(KernelDescriptionTest, PackagingPlanFollowsItsSources) {
  {
    SCOPED_TRACE("check_packaging_plan_follows_kernel_xml");
    check_packaging_plan_follows_kernel_xml();
  }
  {
    SCOPED_TRACE("check_packaging_plan_has_the_control_registers_and_counters");
    check_packaging_plan_has_the_control_registers_and_counters();
  }
  {
    SCOPED_TRACE("check_packaging_plan_takes_part_parameters_and_files_from_their_sources");
    check_packaging_plan_takes_part_parameters_and_files_from_their_sources();
  }
}

std::string platform_test_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

INSTANTIATE_TEST_SUITE_P(Boards, KernelDescriptionTest, ::testing::ValuesIn(platform_folders()),
                         platform_test_name);

}  // namespace
}  // namespace board_flow
