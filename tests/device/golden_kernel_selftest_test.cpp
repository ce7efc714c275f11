// The weight-path self-test (flags.matvec_selftest) of the golden kernel model: for int8
// vectors qd and qi in io it writes every row sum of every matrix in stream order. The sums
// must equal ternary_matvec over the model's own matrices, whatever the number of ports the
// rows were dealt over.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "demo_fixture.hpp"
#include "mmfree/runtime/device_engine.hpp"
#include "mmfree/runtime/device_runtime.hpp"
#include "mmfree/sequence.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/error.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/regmap.hpp"
#include "mmfree/measure/model_shape.hpp"
#include "mmfree/ternary/matvec.hpp"

namespace {

namespace regmap = mmfree::regmap;
using mmfree::device::DeviceRuntime;
using mmfree::test::demo_model;

// Row sums of every matrix in stream order, computed on the host from the Model's views.
std::vector<int32_t> expected_sums(const std::vector<int8_t>& qd, const std::vector<int8_t>& qi) {
  const auto& model = demo_model();
  std::vector<int32_t> all;
  const auto append = [&](const mmfree::TernaryMatrixView& m, const std::vector<int8_t>& q) {
    std::vector<int32_t> sums(m.rows);
    mmfree::ternary_matvec(m, q, sums);
    all.insert(all.end(), sums.begin(), sums.end());
  };
  for (uint32_t l = 0; l < model.config().num_layers; ++l)
    for (int p = 0; p < mmfree::kProjectionsPerLayer; ++p) {
      const auto which = static_cast<mmfree::Projection>(p);
      append(model.matrix(l, which), which == mmfree::Projection::Down ? qi : qd);
    }
  append(model.lm_head(), qd);
  return all;
}

class GoldenKernelSelftest : public ::testing::TestWithParam<unsigned> {};

TEST_P(GoldenKernelSelftest, RowSumsOfEveryMatrixMatchTernaryMatvec) {
  mmfree::device::GoldenDeviceConfig config;
  config.weight_ports = GetParam();
  const auto runtime = DeviceRuntime::create(demo_model(), mmfree::device::make_golden_device(config));
  auto& device = runtime->device();
  const auto& c = demo_model().config();

  std::mt19937 rng(GetParam());
  std::uniform_int_distribution<int> value(-127, 127);
  std::vector<int8_t> qd(c.hidden_size), qi(c.intermediate_size);
  for (auto& v : qd) v = static_cast<int8_t>(value(rng));
  for (auto& v : qi) v = static_cast<int8_t>(value(rng));
  const std::vector<int32_t> want = expected_sums(qd, qi);

  const uint64_t qd_bytes = mmfree::mmf::round_up(c.hidden_size, 64), qi_bytes = mmfree::mmf::round_up(c.intermediate_size, 64);
  const auto io = device.allocate(qd_bytes + qi_bytes + want.size() * 4 + 64, "io");
  device.write_span<int8_t>(io, 0, qd);
  device.write_span<int8_t>(io, qd_bytes, qi);
  device.write_register(regmap::io::kOffset, static_cast<uint32_t>(io.address));
  device.write_register(regmap::io::kOffset + 4, static_cast<uint32_t>(io.address >> 32));
  device.write_register(regmap::flags::kOffset, regmap::flags::kMatvecSelftest);

  // Mark the word after the sums: docs/device.md says nothing after them is written.
  const uint32_t mark = 0xA5A5A5A5;
  device.write_span<uint32_t>(io, qd_bytes + qi_bytes + want.size() * 4, std::span<const uint32_t>(&mark, 1));
  device.start();
  device.wait(std::chrono::seconds(10));
  ASSERT_EQ(device.read_register(regmap::status::kOffset), 0u);
  uint32_t after = 0;
  device.read_span<uint32_t>(io, qd_bytes + qi_bytes + want.size() * 4, std::span<uint32_t>(&after, 1));
  EXPECT_EQ(after, mark) << "the self-test wrote past its sums";

  std::vector<int32_t> got(want.size());
  device.read_span<int32_t>(io, qd_bytes + qi_bytes, got);
  std::size_t mismatches = 0, first = 0;
  for (std::size_t k = 0; k < want.size(); ++k)
    if (got[k] != want[k] && mismatches++ == 0) first = k;
  EXPECT_EQ(mismatches, 0u) << "first mismatch at row " << first << " of " << want.size();

  // One pass over the weights, no tokens.
  for (const auto& counter : device.read_counters()) {
    if (counter.name == "tokens") {
      EXPECT_EQ(counter.value, 0u);
    }
    if (counter.name == "weight_bytes") {
      // Every port's buffer once: with trit5 each port pads its own last beat.
      EXPECT_EQ(counter.value, mmfree::measure::weight_bytes_per_token(c, demo_model().weight_encoding(), GetParam()));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ports, GoldenKernelSelftest, ::testing::Values(1u, 4u, 7u));

TEST(DeviceRuntimeSelftest, SumsMatchAndTokenModeCarriesOnAfterwards) {
  const auto runtime = DeviceRuntime::create(demo_model(), mmfree::device::make_golden_device());
  const auto engine = mmfree::device::make_device_engine("golden-kernel", runtime);
  mmfree::Sequence sequence(*engine);
  const auto& c = demo_model().config();
  const auto before = sequence.step(1);
  const std::vector<float> first(before.begin(), before.end());

  std::vector<int8_t> qd(c.hidden_size), qi(c.intermediate_size);
  for (std::size_t k = 0; k < qd.size(); ++k) qd[k] = static_cast<int8_t>(int(k * 37 % 255) - 127);
  for (std::size_t k = 0; k < qi.size(); ++k) qi[k] = static_cast<int8_t>(int(k * 91 % 255) - 127);
  EXPECT_EQ(runtime->run_matvec_selftest(qd, qi), expected_sums(qd, qi));
  EXPECT_THROW(runtime->run_matvec_selftest(qi, qd), mmfree::UsageError) << "d and I swapped";

  // The io argument is back on the token buffer and the slot untouched: the sequence goes on
  // exactly as the golden engine does.
  const auto golden = mmfree::test::golden_logits({1, 349});
  const auto after = sequence.step(349);
  EXPECT_EQ(first, golden[0]);
  EXPECT_EQ(std::vector<float>(after.begin(), after.end()), golden[1]);
}

TEST(GoldenKernelDescriptor, FewerHiddenChannelsThanWeightPortsIsBadDescriptor) {
  // docs/registers.md: d smaller than NumWeightPorts is refused. The demo model has d = 256,
  // so corrupt d in a copy of the image to 2 against 4 ports.
  const auto runtime = DeviceRuntime::create(demo_model(), mmfree::device::make_golden_device());
  auto& device = runtime->device();
  const auto image = demo_model().image();
  std::vector<std::byte> copy(image.begin(), image.end());
  const uint32_t tiny_d = 2;
  std::memcpy(copy.data() + mmfree::mmf::kDeviceDescriptorOffset, &tiny_d, sizeof tiny_d);
  const auto params = device.allocate(copy.size(), "params");
  device.write(params, 0, copy);
  device.write_register(regmap::params::kOffset, static_cast<uint32_t>(params.address));
  device.write_register(regmap::params::kOffset + 4, static_cast<uint32_t>(params.address >> 32));
  device.write_register(regmap::flags::kOffset, regmap::flags::kMatvecSelftest);
  device.start();
  device.wait(std::chrono::seconds(10));
  EXPECT_EQ(device.read_register(regmap::status::kOffset), regmap::status::kBadDescriptor);
}

}  // namespace
