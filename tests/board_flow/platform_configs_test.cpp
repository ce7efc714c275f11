// bitstreams/: every board has its parameters and link configuration, they are consistent with
// each other and with the board's memory, and the demo model fits every board.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "link_config.hpp"
#include "mmfree/contract.hpp"
#include "mmfree/error.hpp"
#include "platform_config.hpp"
#include "support/demo_fixtures.hpp"

namespace board_flow {
namespace {
namespace fs = std::filesystem;
using mmfree::test::ChildResult;
using mmfree::test::python3;
using mmfree::test::run_child;
using mmfree::test::TempDir;

TEST(BitstreamsFolder, HoldsTheFourBoardsAndTheirNotes) {
  const auto folders = platform_folders();
  for (const char* board : {"u55c", "u280", "u250", "kv260"}) {
    EXPECT_NE(std::find(folders.begin(), folders.end(), board), folders.end()) << board;
    EXPECT_TRUE(fs::exists(bitstreams_dir() / board / "link.cfg")) << board;
  }
  EXPECT_TRUE(fs::exists(bitstreams_dir() / "README.md"));
  EXPECT_TRUE(fs::exists(bitstreams_dir() / "kv260" / "README.md"));
}

// The one reader (scripts/platform_config.py) refuses what is not TOML and what is missing,
// naming the file and where.
TEST(PlatformConfigReader, RefusesMalformedTomlNamingFileAndLine) {
  TempDir dir;
  fs::create_directories(dir.path() / "bad");
  std::ofstream(dir.path() / "bad" / "platform.toml") << "[platform]\nname = unquoted words\n";
  try {
    read_platform_config("bad", dir.path());
    ADD_FAILURE() << "no error for an unquoted string";
  } catch (const mmfree::Error& e) {
    EXPECT_NE(std::string(e.what()).find((dir.path() / "bad" / "platform.toml").string()), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

TEST(PlatformConfigReader, RefusesAMissingKey) {
  TempDir dir;
  fs::create_directories(dir.path() / "nopart");
  std::string text;
  {
    std::ifstream in(bitstreams_dir() / "u250" / "platform.toml");
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
  }
  const auto at = text.find("\npart = ");
  ASSERT_NE(at, std::string::npos);
  text.insert(at + 1, "# ");
  std::ofstream(dir.path() / "nopart" / "platform.toml") << text;
  try {
    read_platform_config("nopart", dir.path());
    ADD_FAILURE() << "no error for a missing [platform] part";
  } catch (const mmfree::Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing [platform] part"), std::string::npos) << e.what();
  }
}

class PlatformTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PlatformTest, ParametersArePresentAndPlausible) {
  const PlatformConfig c = platform_config(GetParam());
  EXPECT_TRUE(std::regex_match(c.text("platform.name"), std::regex("xilinx_[a-z0-9_]+_20[0-9]{4}_[0-9]+")))
      << c.text("platform.name");
  EXPECT_TRUE(std::regex_match(c.text("platform.part"), std::regex("xc[a-z0-9]+-[a-z0-9]+-[0-9][A-Z]*-[a-z]")))
      << c.text("platform.part");
  EXPECT_FALSE(c.text("platform.board").empty());
  const std::string memory = c.text("platform.memory");
  EXPECT_TRUE(memory == "HBM2" || memory == "DDR4") << memory;
  EXPECT_GT(c.integer("platform.kernel_clock_mhz"), 50);
  EXPECT_LE(c.integer("platform.kernel_clock_mhz"), 500);
  EXPECT_GT(c.integer("platform.memory_gib"), 0);

  const int64_t ports = c.integer("kernel.NumWeightPorts");
  EXPECT_GE(ports, 1);
  EXPECT_LE(ports, 32);
  for (const char* width : {"kernel.WeightDataWidth", "kernel.GmemDataWidth"}) {
    const int64_t w = c.integer(width);
    EXPECT_TRUE(w == 32 || w == 64 || w == 128 || w == 256 || w == 512) << width << " = " << w;
  }
  // [limits] repeats the on-chip limits for readers that do not know the RTL parameter names.
  EXPECT_EQ(c.integer("limits.max_hidden"), c.integer("kernel.MaxHidden"));
  EXPECT_EQ(c.integer("limits.max_intermediate"), c.integer("kernel.MaxIntermediate"));
  EXPECT_GT(c.integer("limits.max_vocab"), 0);
  EXPECT_GT(c.integer("limits.max_layers"), 0);
}

TEST_P(PlatformTest, TheWeightPortsCanTakeWhatTheirMemoryDelivers) {
  const PlatformConfig c = platform_config(GetParam());
  const double port_gbps = c.number("platform.weight_port_bandwidth_gbps");
  const double memory_gbps = c.number("platform.memory_bandwidth_gbps");
  // One weight port's share never exceeds the memory; all ports together not either.
  EXPECT_GT(port_gbps, 0.0);
  EXPECT_LE(port_gbps * static_cast<double>(c.integer("kernel.NumWeightPorts")), memory_gbps * 1.0001);
  // A port moves WeightDataWidth bits per kernel clock: it must be able to drain its memory.
  const double port_peak_gbps = static_cast<double>(c.integer("kernel.WeightDataWidth")) / 8.0 *
                                static_cast<double>(c.integer("platform.kernel_clock_mhz")) * 1e-3;
  EXPECT_GE(port_peak_gbps * 1.0001, port_gbps);
}

TEST_P(PlatformTest, TheDemoModelFits) {
  std::ifstream in(mmfree::test::demo_model_dir() / "config.json");
  ASSERT_TRUE(in);
  const auto config = nlohmann::json::parse(in);
  const PlatformConfig c = platform_config(GetParam());
  EXPECT_LE(config.at("hidden_size").get<int64_t>(), c.integer("limits.max_hidden"));
  EXPECT_LE(config.at("num_hidden_layers").get<int64_t>(), c.integer("limits.max_layers"));
  EXPECT_LE(config.at("vocab_size").get<int64_t>(), c.integer("limits.max_vocab"));
  if (config.contains("intermediate_size") && config.at("intermediate_size").is_number()) {
    EXPECT_LE(config.at("intermediate_size").get<int64_t>(), c.integer("limits.max_intermediate"));
  }
}

TEST_P(PlatformTest, LinkConfigGivesEveryPortItsOwnMemory) {
  const PlatformConfig c = platform_config(GetParam());
  const LinkConfig link = read_link_config(bitstreams_dir() / GetParam() / "link.cfg");
  ASSERT_EQ(link.kernel_instances.size(), 1u);
  EXPECT_EQ(link.kernel_instances[0], "mmfree_kernel:1:mmfree_kernel_1");

  const int ports = static_cast<int>(c.integer("kernel.NumWeightPorts"));
  std::set<std::string> expected = {"m_axi_gmem"};
  for (int p = 0; p < ports; ++p) expected.insert(mmfree::contract::weight_port_master(p));

  std::set<std::string> connected;
  std::set<std::pair<std::string, int>> weight_memories;  // (kind, index) used by a weight port
  const MemoryConnection* gmem = nullptr;
  for (const auto& sp : link.connections) {
    SCOPED_TRACE(link.file.string() + ":" + std::to_string(sp.line));
    EXPECT_EQ(sp.compute_unit, "mmfree_kernel_1");
    EXPECT_TRUE(connected.insert(sp.port).second) << sp.port << " connected twice";
    const MemoryRange m = parse_memory(sp.memory);
    EXPECT_LE(m.first, m.last);
    if (c.text("platform.memory") == "HBM2") {
      EXPECT_TRUE(m.kind == "HBM" || m.kind == "DDR") << sp.memory;
      EXPECT_LE(m.last, m.kind == "HBM" ? 31 : 1) << sp.memory;
    } else if (GetParam() == "kv260") {
      EXPECT_TRUE(m.kind == "HP" ? m.last <= 3 : m.kind == "HPC" && m.last <= 1) << sp.memory;
    } else {
      EXPECT_EQ(m.kind, "DDR") << sp.memory;
      EXPECT_LE(m.last, 3);
    }
    if (sp.port == "m_axi_gmem") {
      gmem = &sp;
    } else {
      // A weight stream owns one channel: two ports on one would halve both.
      EXPECT_EQ(m.first, m.last) << sp.port << " spans several memories";
      EXPECT_TRUE(weight_memories.insert({m.kind, m.first}).second) << sp.memory << " carries two weight ports";
    }
  }
  EXPECT_EQ(connected, expected);
  ASSERT_NE(gmem, nullptr);
  if (c.text("platform.memory") == "HBM2") {
    // On HBM boards every pseudo-channel carries weights, except one that gmem may take when the
    // card has no DDR: a channel left idle is 1/32 of the bandwidth bound lost, and one shared by
    // gmem and a weight port makes every token wait for that port (bitstreams/u55c/link.cfg).
    const MemoryRange g = parse_memory(gmem->memory);
    for (int i = 0; i < 32; ++i) {
      const bool gmem_here = g.kind == "HBM" && g.first <= i && i <= g.last;
      EXPECT_EQ(weight_memories.count({"HBM", i}), gmem_here ? 0u : 1u) << "HBM[" << i << "], gmem " << gmem->memory;
    }
    EXPECT_GE(ports, 31);
  }
}

std::string platform_test_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

INSTANTIATE_TEST_SUITE_P(Boards, PlatformTest, ::testing::ValuesIn(platform_folders()), platform_test_name);

}  // namespace
}  // namespace board_flow
