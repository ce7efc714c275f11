// Projection arithmetic against docs/targets.md's tables and bitstreams/README.md's formula,
// with the real bitstreams/<board>/platform.toml files.
#include <gtest/gtest.h>

#include <cmath>

#include "mmfree/error.hpp"
#include "mmfree/measure/board.hpp"
#include "mmfree/measure/model_shape.hpp"
#include "mmfree/measure/projection.hpp"

namespace {

using namespace mmfree::measure;

uint64_t bytes_of(const char* shape) { return weight_bytes_per_token(released_shape(shape).config); }

// docs/targets.md, "ternary weights/token" and "bytes at 2 bits" (MB, one decimal).
TEST(Projection, WeightsAndBytesPerTokenMatchTheTargetsTable) {
  EXPECT_EQ(std::lround(ternary_weights_per_token(released_shape("370M").config) / 1e5), 3410);
  EXPECT_EQ(std::lround(ternary_weights_per_token(released_shape("1.3B").config) / 1e5), 12987);
  EXPECT_EQ(std::lround(ternary_weights_per_token(released_shape("2.7B").config) / 1e5), 26195);
  // Worked by hand: 24 (4 d^2 + 3 d I) + V d weights over 4. The table prints 85.2 MB for
  // 370M, 85.26 truncated; the other two are rounded.
  EXPECT_EQ(bytes_of("370M"), 85'262'336u);
  EXPECT_EQ(bytes_of("1.3B"), 324'665'344u);
  EXPECT_EQ(bytes_of("2.7B"), 654'868'480u);
  EXPECT_EQ(std::lround(bytes_of("1.3B") / 1e5), 3247);
  EXPECT_EQ(std::lround(bytes_of("2.7B") / 1e5), 6549);
  // The released widths are multiples of 256, so no row padding: exactly 2 bits a weight.
  for (const auto& s : released_shapes()) EXPECT_EQ(weight_bytes_per_token(s.config) * 4, ternary_weights_per_token(s.config));
}

TEST(Projection, PaddedRowsCountWholeBeats) {
  mmfree::ModelConfig c;
  c.hidden_size = 100;  // 25 bytes -> one 64-byte row
  c.intermediate_size = 300;  // 75 bytes -> 128
  c.num_layers = 1;
  c.vocab_size = 10;
  EXPECT_EQ(weight_bytes_per_token(c), (4 * 100 + 2 * 300 + 10) * 64u + 100 * 128u);
}

// docs/targets.md's board table: bound, 1.3B @2b and 2.7B @2b in tokens/s.
TEST(Projection, BandwidthBoundsMatchTheTargetsTable) {
  struct Row {
    const char* board;
    long bound_13b, bound_27b;
  };
  for (const Row& r : {Row{"u55c", 1417, 702}, Row{"u280", 1417, 702}, Row{"u250", 237, 118}, Row{"kv260", 59, 29}}) {
    const BoardConfig board = load_board(r.board);
    EXPECT_EQ(std::lround(bandwidth_bound_tokens_per_second(board, bytes_of("1.3B"))), r.bound_13b) << r.board;
    EXPECT_EQ(std::lround(bandwidth_bound_tokens_per_second(board, bytes_of("2.7B"))), r.bound_27b) << r.board;
  }
}

TEST(Projection, EfficiencyIsIdealStreamingCyclesOverActual) {
  const BoardConfig u55c = load_board("u55c");  // 31 ports x 64-byte beats at 300 MHz
  const uint64_t bytes = bytes_of("1.3B");
  const double ideal = double(bytes) / (31 * 64);
  const Projection p = project(u55c, bytes, 2 * ideal);
  EXPECT_DOUBLE_EQ(p.ideal_streaming_cycles, ideal);
  EXPECT_DOUBLE_EQ(p.bandwidth_efficiency, 0.5);
  EXPECT_DOUBLE_EQ(p.tokens_per_second, 300e6 / (2 * ideal));
  EXPECT_DOUBLE_EQ(p.bandwidth_bound_tokens_per_second, 460e9 / double(bytes));
  EXPECT_DOUBLE_EQ(p.fraction_of_bandwidth_bound, p.tokens_per_second / p.bandwidth_bound_tokens_per_second);
  // Each port is limited by its 14.375 GB/s pseudo-channel, below 64 B x 300 MHz = 19.2 GB/s.
  EXPECT_DOUBLE_EQ(u55c.weight_streaming_bandwidth_bytes_per_second(), 31 * 14.375e9);
  EXPECT_DOUBLE_EQ(p.port_bound_tokens_per_second, 31 * 14.375e9 / double(bytes));
}

TEST(Projection, PortBoundTakesTheNarrowerOfChannelAndBus) {
  // U250: 4 ports, 19.2 GB/s channel = 64 B x 300 MHz exactly.
  EXPECT_DOUBLE_EQ(load_board("u250").weight_streaming_bandwidth_bytes_per_second(), 4 * 19.2e9);
  // KV260: 4 HP ports of 4 GB/s, well below 64 B x 250 MHz.
  EXPECT_DOUBLE_EQ(load_board("kv260").weight_streaming_bandwidth_bytes_per_second(), 4 * 4.0e9);
}

TEST(Projection, RefusesNonPositiveInputs) {
  const BoardConfig board = load_board("u250");
  EXPECT_THROW(project(board, 1000, 0.0), mmfree::UsageError);
  EXPECT_THROW(project(board, 0, 100.0), mmfree::UsageError);
}

TEST(Projection, LanesMultiplyTheAggregateAndPrefillTakesCeilPOverBPasses) {
  const BoardConfig u280 = load_board("u280");  // 300 MHz
  // 16 lanes, a decode pass of 600,000 cycles, a prefill pass of 700,000 cycles.
  const BatchProjection b = project_batch(u280, 600e3, 700e3, 16, 512);
  EXPECT_DOUBLE_EQ(b.tokens_per_second_per_sequence, 300e6 / 600e3);
  EXPECT_DOUBLE_EQ(b.tokens_per_second, 16 * 300e6 / 600e3);
  EXPECT_DOUBLE_EQ(b.prefill_passes, 32);
  EXPECT_DOUBLE_EQ(b.time_to_first_token_seconds, 32 * 700e3 / 300e6);
  // A prompt that is not a whole number of blocks still needs its last, partial pass.
  EXPECT_DOUBLE_EQ(project_batch(u280, 600e3, 700e3, 16, 513).prefill_passes, 33);
  // One lane: today's kernel, one token per pass, a prompt token by token.
  const BatchProjection one = project_batch(u280, 600e3, 600e3, 1, 512);
  EXPECT_DOUBLE_EQ(one.tokens_per_second, one.tokens_per_second_per_sequence);
  EXPECT_DOUBLE_EQ(one.prefill_passes, 512);
  EXPECT_THROW(project_batch(u280, 600e3, 700e3, 0, 512), mmfree::UsageError);
  EXPECT_THROW(project_batch(u280, 0, 700e3, 4, 512), mmfree::UsageError);
  EXPECT_THROW(project_batch(u280, 600e3, -1, 4, 512), mmfree::UsageError);
}

TEST(Board, ReadsEveryPlatformToml) {
  const auto names = board_names();
  EXPECT_EQ(names, (std::vector<std::string>{"kv260", "u250", "u280", "u55c"}));
  const BoardConfig u280 = load_board("u280");
  EXPECT_EQ(u280.weight_ports, 32u);
  EXPECT_EQ(u280.weight_data_width, 512u);
  EXPECT_EQ(u280.kernel_clock_mhz, 300.0);
  EXPECT_EQ(u280.memory, "HBM2");
  EXPECT_EQ(load_board("kv260").kernel_clock_mhz, 250.0);
}

TEST(Board, UnknownBoardListsTheKnownOnes) {
  try {
    load_board("u999");
    FAIL() << "no error";
  } catch (const mmfree::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("u999"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("u55c"), std::string::npos);
  }
}

TEST(Board, MissingOrBadKeysAreNamed) {
  // What scripts/platform_config.py writes for a board (its own checks: tests/board_flow).
  const std::string good =
      R"({"platform": {"board": "x", "kernel_clock_mhz": 300, "memory": "HBM2", "memory_bandwidth_gbps": 460.0,
          "weight_port_bandwidth_gbps": 14.375},
          "kernel": [{"name": "NumWeightPorts", "value": 4}, {"name": "WeightDataWidth", "value": 512}]})";
  EXPECT_EQ(parse_board_json(good, "x", "x.json").weight_ports, 4u);
  try {
    parse_board_json(R"({"platform": {"board": "x"}, "kernel": []})", "x", "x.json");
    FAIL() << "no error";
  } catch (const mmfree::Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.json: missing key platform.kernel_clock_mhz"), std::string::npos) << e.what();
  }
  std::string bad = good;
  bad.replace(bad.find(": 300"), 5, ": \"fast\"");
  try {
    parse_board_json(bad, "x", "x.json");
    FAIL() << "no error";
  } catch (const mmfree::Error& e) {
    EXPECT_NE(std::string(e.what()).find("kernel_clock_mhz = \"fast\""), std::string::npos) << e.what();
  }
}

TEST(Shapes, UnknownShapeListsTheKnownOnes) {
  EXPECT_THROW(released_shape("7B"), mmfree::UsageError);
  EXPECT_EQ(released_shape("2.7B").config.hidden_size, 2560u);
}

}  // namespace
