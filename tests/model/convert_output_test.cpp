// `convert` writes only regular files (issue 16, finding 2): the final rename replaced whatever
// OUT named, a device node included (as root: `mmfree convert DIR /dev/full`), and the temporary
// OUT.tmp was opened through any symlink already at that name.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "checkpoint_fixtures.hpp"
#include "mmfree/error.hpp"
#include "mmfree/model.hpp"

namespace mmfree {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

std::string convert_error(const fs::path& out) {
  try {
    convert_checkpoint(test::demo_model_dir(), out);
  } catch (const ModelError& e) {
    return e.what();
  }
  return "(converted without error)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ConvertOutput, RefusesAFifoAndLeavesIt) {
  TempDir tmp;
  const auto out = tmp.path() / "pipe.mmf";
  ASSERT_EQ(::mkfifo(out.c_str(), 0600), 0);
  const std::string message = convert_error(out);
  EXPECT_TRUE(contains(message, "is a FIFO; convert writes only regular files")) << message;
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(out)));
  EXPECT_FALSE(fs::exists(fs::symlink_status(tmp.path() / "pipe.mmf.tmp")));
}

TEST(ConvertOutput, RefusesASymlinkToADevice) {
  TempDir tmp;
  const auto out = tmp.path() / "null.mmf";
  fs::create_symlink("/dev/null", out);
  const std::string message = convert_error(out);
  EXPECT_TRUE(contains(message, "is a character device")) << message;
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(out)));
  EXPECT_FALSE(fs::exists(fs::symlink_status(tmp.path() / "null.mmf.tmp")));
}

TEST(ConvertOutput, RefusesADirectoryAndADanglingSymlink) {
  TempDir tmp;
  fs::create_directory(tmp.path() / "dir.mmf");
  EXPECT_TRUE(contains(convert_error(tmp.path() / "dir.mmf"), "is a directory"));
  EXPECT_FALSE(fs::exists(tmp.path() / "dir.mmf.tmp"));
  fs::create_symlink(tmp.path() / "nowhere", tmp.path() / "dangling.mmf");
  EXPECT_TRUE(contains(convert_error(tmp.path() / "dangling.mmf"), "symbolic link to nothing"));
  EXPECT_FALSE(fs::exists(tmp.path() / "nowhere"));
}

TEST(ConvertOutput, NeverWritesThroughASymlinkAtTheTemporaryName) {
  TempDir tmp;
  const auto victim = tmp.path() / "victim.txt";
  test::write_file(victim, "precious");
  fs::create_symlink(victim, tmp.path() / "model.mmf.tmp");
  convert_checkpoint(test::demo_model_dir(), tmp.path() / "model.mmf");
  EXPECT_EQ(test::read_file(victim), "precious");
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(tmp.path() / "model.mmf")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(tmp.path() / "model.mmf.tmp")));
  EXPECT_EQ(Model::open(tmp.path() / "model.mmf").config().hidden_size, 256u);
}

TEST(ConvertOutput, ReplacesAnExistingRegularFile) {
  TempDir tmp;
  const auto out = tmp.path() / "model.mmf";
  test::write_file(out, "an older image");
  convert_checkpoint(test::demo_model_dir(), out);
  EXPECT_EQ(Model::open(out).config().vocab_size, 4096u);
}

TEST(ConvertOutput, ARefusedCheckpointCreatesNoTemporaryFile) {
  TempDir tmp;
  test::copy_demo(tmp.path() / "hf", {.edit_config = [](nlohmann::json& c) { c["vocab_size"] = 4097; }});
  const auto out = tmp.path() / "model.mmf";
  EXPECT_THROW(convert_checkpoint(tmp.path() / "hf", out), ModelError);
  EXPECT_FALSE(fs::exists(fs::symlink_status(out)));
  EXPECT_FALSE(fs::exists(fs::symlink_status(tmp.path() / "model.mmf.tmp")));
}

}  // namespace
}  // namespace mmfree
