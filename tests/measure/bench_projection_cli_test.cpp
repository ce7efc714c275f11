// `mmfree bench --shape/--board/--energy/--plot`, run as a user runs it: the real binary, the
// Verilated kernel, a synthetic 370M-shape model cut to one layer.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "mmfree/measure/board.hpp"
#include "mmfree/measure/model_shape.hpp"
#include "support/cli_refusal.hpp"
#include "support/cli_runner.hpp"
#include "support/coverage_gap.hpp"
#include "support/demo_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "support/text_file.hpp"
#include "xml_document.hpp"

namespace {

using mmfree::test::contains;
using mmfree::test::run_cli;

TEST(BenchProjectionCli, BadFlagsAreRefusedWithTheirNames) {
  using mmfree::test::cli_refuses;
  EXPECT_TRUE(cli_refuses({{"bench", "--shape", "370M", "--board", "u55c"}, "--backend sim"}));
  EXPECT_TRUE(cli_refuses({{"bench", "--shape", "7B", "--board", "u55c", "--backend", "sim"}, "'7B'"}));
  EXPECT_TRUE(cli_refuses({{"bench", "--shape", "370M", "--board", "u999", "--backend", "sim"}, "'u999'"}));
  EXPECT_TRUE(cli_refuses({{"bench", "--shape", "370M", "--backend", "sim"}, "--board"}));
}

TEST(BenchProjectionCli, EnergyWithoutABoardIsEstimatedAndSaysMeasuringNeedsOne) {
  // The demo model on the golden kernel: no board, no projection.
  const std::string model = mmfree::test::demo_model_dir().string();
  const auto r =
      run_cli({"bench", "--backend", "golden-kernel", "--model", model, "-p", "0", "-n", "2", "-r", "1", "--energy"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "measured energy: not available: measuring needs a board")) << r.out;
}

#if MMFREE_MEASURE_HAS_SIM
// Two boards keep the run short: the U55C's 31 ports are scaled from the simulated kernel's
// (the self-test split), the U250's 4 match the default simulation build.
TEST(BenchProjectionCli, ProjectsBoardsEstimatesEnergyAndPlots) {
  const mmfree::test::TempDir tmp;
  const auto svg = tmp.path() / "roofline.svg";
  const auto r = run_cli({"bench", "--backend", "sim", "--shape", "370M", "--board", "u55c,u250", "--layers", "1",
                          "--energy", "--json", "--plot", svg.string()});
  if (r.exit_code != 0 &&
      contains(run_cli({"bench", "--backend", "sim", "--shape", "370M", "--board", "u250", "--layers", "1"}).output(),
               "no Verilated kernel"))
    MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("this build has no Verilated kernel");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto rows = nlohmann::json::parse(r.out);
  const std::vector<std::string> boards = {"u55c", "u250"};
  ASSERT_EQ(rows.size(), boards.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto& row = rows[k];
    // The default encoding (trit5), as the board's ports stream it (each pads its last beat).
    const uint64_t bytes = mmfree::measure::weight_bytes_per_token(mmfree::measure::released_shape("370M").config,
                                                                   mmfree::mmf::kDefaultWeightEncoding,
                                                                   row["weight_ports"].get<unsigned>());
    EXPECT_EQ(row["board"], boards[k]);
    EXPECT_EQ(row["kind"], "projected");
    EXPECT_EQ(row["weight_encoding"], "trit5");
    EXPECT_EQ(row["weight_bytes_per_token"], bytes);
    EXPECT_TRUE(contains(row["label"], "projected from simulation")) << row["label"];
    EXPECT_TRUE(contains(row["label"], "extrapolated from models of 1 and 2 of 24 layers")) << row["label"];
    EXPECT_EQ(row["simulated_layers"], 2);
    if (boards[k] == "u55c") {
      EXPECT_GT(row["simulated_stream_cycles"].get<uint64_t>(), 0u);
      EXPECT_TRUE(contains(row["label"], "to the board's 31")) << row["label"];
    }
    // No kernel streams faster than one beat per port per cycle.
    EXPECT_GT(row["cycles_per_token"].get<double>(), row["ideal_streaming_cycles"].get<double>());
    EXPECT_LE(row["bandwidth_efficiency"].get<double>(), 1.0);
    EXPECT_GT(row["bandwidth_efficiency"].get<double>(), 0.0);
    EXPECT_LE(row["tokens_per_second"].get<double>(), row["port_bound_tokens_per_second"].get<double>());
    EXPECT_EQ(row["energy_estimated"]["kind"], "estimated");
    EXPECT_GT(row["energy_estimated"]["total_joules"].get<double>(), row["energy_estimated"]["dynamic_joules"].get<double>());
    EXPECT_EQ(row["energy_measured"]["available"], false);
    EXPECT_TRUE(contains(row["energy_measured"]["reason"], "needs a board"));
  }
  const auto doc = mmfree::test::parse_xml(mmfree::test::read_file(svg));
  ASSERT_TRUE(doc.well_formed) << doc.error;
  for (const auto& board : boards) EXPECT_EQ(doc.with("circle", "data-board", board).size(), 1u) << board;
  // Every board's bound is drawn, also of boards not projected.
  for (const auto& board : mmfree::measure::board_names())
    EXPECT_EQ(doc.with("line", "data-board", board).size(), 1u) << board;
}
#endif

}  // namespace
