// The golden kernel model against the golden engine on synthetic checkpoints (random,
// untrained weights) of shapes the demo model does not have: rows that are not a whole
// number of 256-weight beats (so the row stride carries padding), a vocabulary and GLU width
// that no port count divides, use_lower_bound off, and the widths of the released 2.7B model.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mmfree/runtime/device_engine.hpp"
#include "mmfree/runtime/device_runtime.hpp"
#include "mmfree/sequence.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/golden/golden_engine.hpp"
#include "support/synthetic_model.hpp"

namespace {


struct Shape {
  const char* name;
  uint32_t hidden, layers, intermediate, vocab;
  bool use_lower_bound;
  unsigned weight_ports;
  unsigned tokens;
};

class GoldenKernelShapes : public ::testing::TestWithParam<Shape> {};

TEST_P(GoldenKernelShapes, LogitsAreBitIdenticalToTheGoldenEngine) {
  const Shape& shape = GetParam();
  mmfree::model::SyntheticCheckpoint spec;
  spec.config.hidden_size = shape.hidden;
  spec.config.num_layers = shape.layers;
  spec.config.intermediate_size = shape.intermediate;
  spec.config.vocab_size = shape.vocab;
  spec.config.use_lower_bound = shape.use_lower_bound;
  spec.seed = shape.hidden + shape.vocab;
  const mmfree::Model model = mmfree::test::synthetic_model(spec);
  ASSERT_EQ(model.config().use_lower_bound, shape.use_lower_bound);

  mmfree::device::GoldenDeviceConfig config;
  config.weight_ports = shape.weight_ports;
  const auto runtime = mmfree::device::DeviceRuntime::create(model, mmfree::device::make_golden_device(config));
  const auto engine = mmfree::device::make_device_engine("golden-kernel", runtime);
  mmfree::Sequence sequence(*engine);
  mmfree::golden::GoldenEngine golden(model);

  std::mt19937 rng(shape.vocab);
  std::uniform_int_distribution<uint32_t> token(0, shape.vocab - 1);
  for (unsigned t = 0; t < shape.tokens; ++t) {
    const uint32_t id = token(rng);
    const auto want = golden.step(id);
    const std::vector<float> expected(want.begin(), want.end());
    const auto got = sequence.step(id);
    ASSERT_EQ(got.size(), expected.size());
    EXPECT_EQ(std::memcmp(got.data(), expected.data(), expected.size() * sizeof(float)), 0)
        << shape.name << ": logits differ after token " << t;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Synthetic, GoldenKernelShapes,
    ::testing::Values(
        // d = 320: 80 bytes of codes per row, padded to a 128-byte stride; I = 448 and V = 1001
        // are not multiples of 3 ports; no lower bounds.
        Shape{"padded_rows_no_lower_bound", 320, 2, 448, 1001, false, 3, 6},
        Shape{"padded_rows_lower_bound", 320, 3, 448, 1001, true, 5, 6},
        // The 2.7B model's widths: the longest reductions (I = 6912) and largest row sums.
        Shape{"released_2_7b_widths", 2560, 1, 6912, 512, true, 4, 2}),
    [](const ::testing::TestParamInfo<Shape>& info) { return std::string(info.param.name); });

}  // namespace
