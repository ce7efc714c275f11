// scripts/build_xclbin.sh on a machine without Vitis (this one, and CI): it refuses at once with
// exit 3 and a message naming every missing piece and how to get it; bad PLATFORM values exit 2
// listing the valid ones; the Vitis-free --plan works with only python3, tclsh and the shell.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "platform_config.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace board_flow {
namespace {
namespace fs = std::filesystem;
using mmfree::test::ChildResult;
using mmfree::test::EnvironmentChanges;
using mmfree::test::TempDir;
using mmfree::test::python3;
using mmfree::test::run_child;

const fs::path kScript = fs::path(MMFREE_SOURCE_ROOT) / "scripts" / "build_xclbin.sh";

// The first `name` on the test's own PATH, resolved to the real file (pyenv shims and the like
// need their own PATH to work, so the real interpreter is linked instead).
fs::path find_tool(const std::string& name) {
  if (name == "python3") return fs::path(python3());
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find(':', start), path.size());
    const fs::path candidate = fs::path(path.substr(start, end - start)) / name;
    if (access(candidate.c_str(), X_OK) == 0) return fs::canonical(candidate);
    start = end + 1;
  }
  return {};
}

// A PATH of exactly the ordinary tools the script uses: no vivado, v++ or anything Xilinx,
// whatever the machine running the test has installed.
class BuildScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = tmp_.path() / "bin";
    fs::create_directories(bin_);
    for (const char* tool : {"bash", "env", "dirname", "basename", "awk", "mkdir", "rm", "cat", "python3",
                             "tclsh", "make", "sh"}) {
      const fs::path real = find_tool(tool);
      ASSERT_FALSE(real.empty()) << tool << " is not installed (scripts/deps.sh should provide it)";
      fs::create_symlink(real, bin_ / tool);
    }
  }
  ChildResult run(std::vector<std::string> argv, EnvironmentChanges env = {}) {
    env.emplace("PATH", bin_.string());
    for (const char* xilinx : {"XILINX_XRT", "XILINX_VITIS", "XILINX_VIVADO", "PLATFORM_XPFM",
                               "PLATFORM_REPO_PATHS", "MMFREE_CORE", "TARGET"}) {
      env.emplace(xilinx, std::nullopt);
    }
    return run_child(argv, env);
  }
  TempDir tmp_;
  fs::path bin_;
};

TEST_F(BuildScriptTest, WithoutVitisItStopsAndNamesEverythingMissing) {
  for (const std::string platform : {"u55c", "kv260"}) {
    SCOPED_TRACE(platform);
    const fs::path out = tmp_.path() / ("out-" + platform);
    const ChildResult r = run({kScript.string(), platform, "--out", out.string()});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    const std::string platform_name = platform_config(platform).text("platform.name");
    for (const std::string& needle : {std::string("vivado"), std::string("v++"), std::string("XILINX_XRT"),
                                      std::string("settings64.sh"), std::string("PLATFORM_XPFM"), platform_name}) {
      EXPECT_NE(r.err.find(needle), std::string::npos) << "no mention of " << needle << " in:\n" << r.err;
    }
    EXPECT_FALSE(fs::exists(out)) << "a refused build must leave nothing behind";
  }
}

TEST_F(BuildScriptTest, NamesOnlyWhatIsMissing) {
  const fs::path xrt = tmp_.path() / "xrt";
  const fs::path xpfm = tmp_.path() / "platform.xpfm";
  fs::create_directories(xrt);
  std::ofstream(xpfm) << "<platform/>\n";
  const ChildResult r = run({kScript.string(), "u250", "--out", (tmp_.path() / "out").string()},
                            {{"XILINX_XRT", xrt.string()}, {"PLATFORM_XPFM", xpfm.string()}});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("vivado"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("v++"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("XILINX_XRT"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("PLATFORM_XPFM"), std::string::npos) << r.err;
}

TEST_F(BuildScriptTest, AMissingPlatformFileIsNamed) {
  const ChildResult r = run({kScript.string(), "u280", "--out", (tmp_.path() / "out").string()},
                            {{"PLATFORM_XPFM", (tmp_.path() / "nowhere.xpfm").string()}});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find((tmp_.path() / "nowhere.xpfm").string() + " does not exist"), std::string::npos) << r.err;
}

TEST_F(BuildScriptTest, UnknownPlatformListsTheValidOnes) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"u9000"}, std::vector<std::string>{},
                                               std::vector<std::string>{"../u55c"}}) {
    std::vector<std::string> argv = {kScript.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const ChildResult r = run(argv);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    for (const auto& platform : platform_folders()) {
      EXPECT_NE(r.err.find(platform), std::string::npos) << platform << " not listed in:\n" << r.err;
    }
    if (!args.empty()) {
      EXPECT_NE(r.err.find("'" + args[0] + "'"), std::string::npos) << r.err;
    }
  }
}

TEST_F(BuildScriptTest, BadTargetIsRefused) {
  const ChildResult r = run({kScript.string(), "u55c", "--target", "sw_emu"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sw_emu"), std::string::npos) << r.err;
}

TEST_F(BuildScriptTest, MakeXclbinStopsWithTheSameMessage) {
  const ChildResult r = run({"make", "--no-print-directory", "-C", MMFREE_SOURCE_ROOT, "xclbin", "PLATFORM=u55c"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("missing:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("vivado"), std::string::npos) << r.err;
}

TEST_F(BuildScriptTest, PlanNeedsNoVitis) {
  const fs::path out = tmp_.path() / "out";
  const ChildResult r = run({kScript.string(), "u55c", "--plan", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("kernel mmfree_kernel"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out / "xo" / "u55c" / "generated" / "kernel.xml"));
  EXPECT_TRUE(fs::exists(out / "xo" / "u55c" / "generated" / "mmfree_reg_pkg.sv"));
  EXPECT_FALSE(fs::exists(out / "xo" / "mmfree_kernel_u55c.xo")) << "--plan must not package anything";
}

}  // namespace
}  // namespace board_flow
