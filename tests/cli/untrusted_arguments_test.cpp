// Hostile command lines (issue 16, findings 3 and 6): negative values for unsigned flags used to
// wrap (--seq -1 became 4294967295), --timeout took -1, 0 and nan, bench -p 2000000000
// pre-allocated 8 GB, --memory was ignored where nothing reads it, and --text-file /dev/zero
// was read whole before --max-tokens applied. Each is now a usage error (exit 2) naming the flag
// and, for numbers, the allowed range; every case runs under a time and memory limit.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "support/limited_child.hpp"
#include "support/cli_runner.hpp"
#include "support/demo_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "support/text_file.hpp"

namespace mmfree::test {
namespace {

std::string read_file_for_test(const std::filesystem::path& path) { return read_file(path); }

void write_file_for_test(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

struct BadArguments {
  const char* name;
  std::vector<std::string> args;  // after the model flags are added by the test
  const char* expected;           // part of stderr
};

void PrintTo(const BadArguments& b, std::ostream* os) { *os << b.name; }

class UntrustedArguments : public testing::TestWithParam<BadArguments> {};

TEST_P(UntrustedArguments, AreAUsageErrorNamingTheFlag) {
  const BadArguments& bad = GetParam();
  std::vector<std::string> args = bad.args;
  args.insert(args.begin() + 1, {"--model", demo_model_dir().string()});
  const auto r = run_cli_limited(args, 30);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, bad.expected)) << r.err;
}

const std::string kText = heldout_text_path().string();

INSTANTIATE_TEST_SUITE_P(
    Flags, UntrustedArguments,
    testing::Values(
        BadArguments{"seq_negative", {"perplexity", "--text-file", kText, "--seq", "-1"},
                     "option '--seq' is invalid: it must be an integer from 2 to 1048576"},
        BadArguments{"max_tokens_negative", {"perplexity", "--text-file", kText, "--max-tokens", "-1"},
                     "('-1') for option '--max-tokens' is invalid: it must be an integer from 0 to"},
        BadArguments{"threads_negative", {"perplexity", "--text-file", kText, "--threads", "-1"},
                     "option '--threads' is invalid: it must be an integer from 1 to 1024"},
        BadArguments{"top_k_negative", {"generate", "--prompt", "The", "--top-k", "-1"},
                     "option '--top-k' is invalid"},
        BadArguments{"tokens_negative", {"generate", "--prompt", "The", "-n", "-1"},
                     "('-1') for option '--tokens' is invalid: it must be an integer from 0 to 1048576"},
        BadArguments{"seed_negative", {"generate", "--prompt", "The", "--seed", "-5"}, "option '--seed' is invalid"},
        BadArguments{"tokens_junk", {"generate", "--prompt", "The", "-n", "12abc"}, "option '--tokens' is invalid"},
        BadArguments{"timeout_negative", {"generate", "--prompt", "The", "--backend", "golden-kernel", "--timeout", "-1"},
                     "option '--timeout' is invalid: it must be a number from 0.001 to"},
        BadArguments{"timeout_zero", {"logits", "--ids", "1", "--backend", "golden-kernel", "--timeout", "0"}, "option '--timeout' is invalid"},
        BadArguments{"timeout_nan", {"logits", "--ids", "1", "--backend", "golden-kernel", "--timeout", "nan"}, "option '--timeout' is invalid"},
        BadArguments{"bench_huge_prompt", {"bench", "-p", "2000000000", "-n", "0", "-r", "1"},
                     "('2000000000') for option '--n-prompt' is invalid: it must be an integer from 0 to 1048576"},
        BadArguments{"bench_negative_gen", {"bench", "-p", "0", "-n", "-3"}, "option '--n-gen' is invalid"},
        BadArguments{"memory_without_sim", {"logits", "--ids", "1", "--memory", "hbm"},
                     "--memory"},  // not an option of 'reference' (or of any backend without the sim)
        BadArguments{"memory_on_golden", {"generate", "--prompt", "The", "--backend", "golden", "--memory", "ddr4"},
                     "--memory"},
        BadArguments{"text_file_dev_zero", {"perplexity", "--text-file", "/dev/zero", "--max-tokens", "10"},
                     "/dev/zero: is a character device, not a regular file"},
        BadArguments{"text_file_directory", {"perplexity", "--text-file", "/", "--max-tokens", "10"},
                     "is a directory, not a regular file"}),
    [](const testing::TestParamInfo<BadArguments>& info) { return std::string(info.param.name); });

TEST(UntrustedArgumentsFiles, TextFileFifoIsRefusedWithoutBlocking) {
  TempDir tmp;
  const auto fifo = tmp.path() / "text";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto r = run_cli_limited({"perplexity", "--model", demo_model_dir().string(), "--text-file", fifo.string()}, 20);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "is a FIFO, not a regular file")) << r.err;
}

// A sparse 64 GiB file of zero bytes has no line end: it is refused after one 16 MiB line, not
// read whole (which exhausted memory before --max-tokens applied).
TEST(UntrustedArgumentsFiles, HugeFileWithoutLineEndsIsRefusedEarly) {
  TempDir tmp;
  const auto path = tmp.path() / "sparse.txt";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, off_t(64) << 30), 0);
  ::close(fd);
  const auto r = run_cli_limited({"perplexity", "--model", demo_model_dir().string(), "--text-file", path.string(),
                                  "--max-tokens", "100"},
                                 30);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "has a line longer than 16777216 bytes")) << r.err;
}

// Streaming keeps the result: the first --max-tokens tokens of a large file score as before.
TEST(UntrustedArgumentsFiles, LargeTextFileIsReadOnlyAsFarAsNeeded) {
  TempDir tmp;
  const auto path = tmp.path() / "large.txt";
  const std::string heldout = read_file_for_test(heldout_text_path().string());
  std::string large;
  while (large.size() < (8u << 20)) large += heldout;
  write_file_for_test(path, large);
  const std::vector<std::string> common = {"perplexity", "--model", demo_model_dir().string(), "--max-tokens", "300",
                                           "--seq", "100", "--json"};
  auto args = common;
  args.insert(args.end(), {"--text-file", path.string()});
  const auto from_large = run_cli_limited(args, 60);
  args = common;
  args.insert(args.end(), {"--text-file", heldout_text_path().string()});
  const auto from_heldout = run_cli_limited(args, 60);
  ASSERT_EQ(from_large.exit_code, 0) << from_large.err;
  EXPECT_EQ(from_large.out, from_heldout.out);
}

}  // namespace
}  // namespace mmfree::test
