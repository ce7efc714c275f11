// The command lines of `mmfree serve` and `mmfree bench-serve`: bad ones refused with a usage
// error before anything listens, and bench-serve's report on a real server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli_refusal.hpp"
#include "support/cli_runner.hpp"
#include "support/demo_fixtures.hpp"

namespace mmfree::test {
namespace {

TEST(ServeCli, BadCommandLinesAreRefused) {
  const std::string model = demo_model_dir().string();
  const std::vector<CliRefusal> refusals = {
      {{"serve", "--model", model, "--devices", "nonsense:0"}, "nonsense"},
      {{"serve", "--model", model, "--devices", "golden:x"}, "index"},
      {{"serve", "--model", model, "--devices", "golden:0,golden:0"}, "listed twice"},
      {{"serve", "--model", model, "--devices", "golden:0", "--timeout", "1"}, "--timeout is not an option"},
      {{"serve", "--model", model, "--devices", "golden:0", "--backend", "sim"}, "not both"},
      {{"serve", "--model", model, "--backend", "golden", "--host", "localhost.invalid"}, "not an IP address"},
      {{"serve", "--model", model, "--backend", "golden", "--port", "70000"}, "from 0 to 65535"},
      {{"serve", "--model", model, "--backend", "golden", "--slots", "0"}, "from 1"},
      {{"serve", "--model", model, "--backend", "golden", "--read-timeout", "nan"}, "read-timeout"},
      {{"serve", "--model", "/nonexistent/model"}, "does not exist"},
      {{"bench-serve", "--model", model, "--backend", "golden", "--clients", "0"}, "--clients"},
      {{"bench-serve", "--url", "ftp://x"}, "--url"},
  };
  for (const auto& refusal : refusals) EXPECT_TRUE(cli_refuses(refusal));
}

TEST(ServeCli, BenchServeReportsEveryLevel) {
  const CliResult r = run_cli({"bench-serve", "--model", demo_model_dir().string(), "--backend", "golden", "--clients", "1,3",
                               "--requests", "6", "--max-tokens", "5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  ASSERT_EQ(report.size(), 2u);
  EXPECT_EQ(report[0]["clients"], 1);
  EXPECT_EQ(report[1]["clients"], 3);
  for (const auto& level : report) {
    EXPECT_EQ(level["failed"], 0);
    EXPECT_EQ(level["requests"], 6);
    EXPECT_GT(level["output_tokens_per_second"].get<double>(), 0);
    EXPECT_GT(level["ttft_p50_ms"].get<double>(), 0);
    EXPECT_LE(level["ttft_p50_ms"].get<double>(), level["ttft_p99_ms"].get<double>());
    EXPECT_LE(level["itl_p50_ms"].get<double>(), level["itl_p99_ms"].get<double>());
  }
}

}  // namespace
}  // namespace mmfree::test
