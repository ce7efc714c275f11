// `mmfree bench --points`: the roofline picture drawn from earlier `bench --shape ... --json`
// outputs instead of simulating. Inputs are the projections checked in under reports/ (real
// outputs of that command); every refusal is a usage error (exit 2) naming the file.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/text_file.hpp"

namespace {

using mmfree::test::run_cli;

const std::string kReports = std::string(MMFREE_SOURCE_ROOT) + "/reports/projections/";

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

TEST(BenchPoints, DrawsOneMarkerPerRowOfEveryFile) {
  const mmfree::test::TempDir dir;
  const std::string svg = (dir.path() / "roofline.svg").string();
  const std::vector<std::string> files = {kReports + "u280-370M.json", kReports + "u250-370M.json"};
  const auto r = run_cli({"bench", "--points", files[0] + "," + files[1], "--plot", svg});
  ASSERT_EQ(r.exit_code, 0) << r.output();
  const std::string picture = mmfree::test::read_file(svg);
  std::size_t rows = 0;
  for (const auto& file : files) {
    for (const auto& row : nlohmann::json::parse(std::ifstream(file))) {
      ++rows;
      char rate[64];
      std::snprintf(rate, sizeof rate, "%.2f", row["tokens_per_second"].get<double>());
      const std::string marker = "<circle class=\"projected\" data-board=\"" + row["board"].get<std::string>() +
                                 "\" data-model=\"" + row["model"].get<std::string>() +
                                 "\" data-tokens-per-second=\"" + rate + "\"";
      EXPECT_EQ(count(picture, marker), 1u) << marker;
    }
  }
  EXPECT_EQ(rows, 4u) << "the two reports hold a nominal and a sustained row each";
  EXPECT_EQ(count(picture, "<circle class=\"projected\""), rows);
  EXPECT_EQ(r.err, "bench: roofline picture of 4 points written to " + svg + "\n");
}

TEST(BenchPoints, RefusalsNameTheFlagAndTheFile) {
  const mmfree::test::TempDir dir;
  const std::string svg = (dir.path() / "roofline.svg").string();
  const auto write = [&](const std::string& name, const std::string& text) {
    const std::string path = (dir.path() / name).string();
    mmfree::test::write_file(path, text);
    return path;
  };
  const auto refused = [&](const std::vector<std::string>& args, const std::string& message) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.output();
    EXPECT_EQ(r.err, "mmfree bench: " + message + "\n");
    EXPECT_EQ(r.out, "");
  };
  const std::string good = kReports + "u280-370M.json";
  refused({"bench", "--points", good}, "--points goes with --plot FILE.svg");
  const std::string missing = (dir.path() / "missing.json").string();
  refused({"bench", "--points", missing, "--plot", svg}, "--points: cannot read " + missing);
  const std::string object = write("object.json", "{\"board\": \"u280\"}");
  refused({"bench", "--points", good + "," + object, "--plot", svg}, "--points: " + object + " is not a JSON array");
  const std::string truncated = write("truncated.json", "[{\"board\": \"u280\",");
  refused({"bench", "--points", truncated, "--plot", svg}, "--points: " + truncated + " is not a JSON array");
  const std::string row = R"({"board": "u280", "model": "370M", "label": "x", "weight_bytes_per_token": 85262336, )";
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"no_rate.json", "[" + row.substr(0, row.size() - 2) + "}]"},
           {"string_rate.json", "[" + row + "\"tokens_per_second\": \"fast\"}]"},
           {"negative_rate.json", "[" + row + "\"tokens_per_second\": -5}]"},
           {"number_row.json", "[1, 2]"}}) {
    const std::string path = write(name, text);
    refused({"bench", "--points", path, "--plot", svg},
            "--points: " + path + " has a row that is not from `mmfree bench --shape ... --json`");
  }
  EXPECT_FALSE(std::filesystem::exists(svg)) << "no picture from refused input";
}

}  // namespace
