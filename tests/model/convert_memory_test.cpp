// `mmfree convert` streams: converting a checkpoint of the released 370M shape keeps the
// converter's peak resident memory within twice the checkpoint's size.
#include <gtest/gtest.h>

#include <cstdio>

#include "checkpoint_fixtures.hpp"
#include "mmfree/model.hpp"
#include "model/synthetic_checkpoint.hpp"
#include "support/cli_runner.hpp"

namespace mmfree {
namespace {

TEST(ConvertMemory, Synthetic370MCheckpointConvertsInBoundedMemory) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory makes peak RSS meaningless here (the main build checks it)";
#endif
  test::TempDir tmp;
  model::SyntheticCheckpoint spec;
  spec.config.hidden_size = 1024;
  spec.config.num_layers = 24;
  spec.config.intermediate_size = 2816;
  spec.config.vocab_size = 32000;
  const uint64_t checkpoint_bytes = model::write_synthetic_checkpoint(tmp.path() / "hf", spec);
  const auto out = tmp.path() / "m370.mmf";
  const auto r = test::run_cli({"convert", (tmp.path() / "hf").string(), out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::printf("370M-shape checkpoint %.1f MB, convert peak RSS %.1f MB, image %.1f MB\n", checkpoint_bytes / 1e6,
              r.peak_rss_bytes / 1e6, std::filesystem::file_size(out) / 1e6);
  EXPECT_GT(r.peak_rss_bytes, 0u);
  // Achieved: peak RSS 227.0 MB for the 748.3 MB checkpoint (0.30x). Bound 0.45x (1.5x the
  // achieved): a converter that holds the whole checkpoint in memory (>= 1x) fails.
  EXPECT_LE(double(r.peak_rss_bytes), 0.45 * double(checkpoint_bytes));
  std::filesystem::remove_all(tmp.path() / "hf");

  const Model m = Model::open(out);
  EXPECT_EQ(m.config().intermediate_size, 2816u);
  EXPECT_EQ(m.matrix(23, Projection::Gate).rows, 5632u);
  EXPECT_EQ(m.matrix(23, Projection::Down).row_stride_bytes, 704u);
  EXPECT_EQ(m.lm_head().rows, 32000u);
  // Uniform latent weights: |W| < mean|W| / 2 for a quarter of them.
  const auto o = m.matrix(10, Projection::O);
  uint64_t zeros = 0;
  for (uint32_t r2 = 0; r2 < o.rows; ++r2) {
    for (uint32_t c = 0; c < o.cols; ++c) zeros += o.at(r2, c) == 0;
  }
  EXPECT_NEAR(double(zeros) / (double(o.rows) * o.cols), 0.25, 0.01);
}

}  // namespace
}  // namespace mmfree
