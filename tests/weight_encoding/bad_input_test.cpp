// Bad trit5 input on the device side: what the host would refuse before the start (Model::open,
// tests/model) reaches the kernel anyway here, written into device memory behind the host's back.
// The Verilated kernel and the golden kernel model both end the command with
// status.bad_descriptor: a weight byte above 242 in a port's buffer, a weight_encoding the kernel
// was not built for. A trit5 descriptor's row strides are not read (they follow from d and I).
#include <gtest/gtest.h>

#include "mmfree/mmf_format.hpp"
#include "mmfree/sim/sim_device.hpp"
#include "support/demo_fixtures.hpp"
#include "token_rig.hpp"

namespace mmfree::kernel_token_test {
namespace {

namespace rm = regmap;
using mmf::WeightEncoding;

constexpr std::size_t kDescriptor = mmf::kDeviceDescriptorOffset;

const Model& trit5_demo() {
  static const Model model = Model::open(test::demo_model_dir(), WeightEncoding::Trit5);
  return model;
}

const Command kCommand{{1, 450}, kResetSlot, 0};

// Loads the trit5 demo into the sim kernel and the golden kernel, lets `damage` change both, runs
// one command and expects status.bad_descriptor from both.
template <typename Damage>
void expect_bad_descriptor(const Damage& damage) {
  auto device = sim::open_sim_kernel({});
  const unsigned ports = weight_ports_of(*device);
  Rig sim(std::move(device), trit5_demo(), ports);
  Rig golden(golden_kernel(ports), trit5_demo(), ports);
  damage(sim);
  damage(golden);
  const Outcome got = sim.run(kCommand, std::chrono::seconds(120));
  const Outcome want = golden.run(kCommand);
  EXPECT_NE(got.status & rm::status::kBadDescriptor, 0u) << "sim status " << got.status;
  EXPECT_EQ(want.status, rm::status::kBadDescriptor) << "golden status " << want.status;
}

TEST(Trit5BadInput, AnInvalidWeightByteIsBadDescriptor) {
  for (const uint8_t value : {uint8_t(243), uint8_t(255)}) {
    expect_bad_descriptor([&](Rig& rig) {
      // Port 1's buffer, in a beat the middle of a token's stream reaches.
      const std::byte b{value};
      rig.device().write(rig.weight_port(1), rig.weight_port(1).size / 2 / 64 * 64 + 17, std::span<const std::byte>(&b, 1));
    });
  }
}

TEST(Trit5BadInput, AnEncodingTheKernelLacksIsBadDescriptor) {
  expect_bad_descriptor([](Rig& rig) { rig.patch_params(kDescriptor + 112, uint32_t{2}); });
  expect_bad_descriptor([](Rig& rig) { rig.patch_params(kDescriptor + 112, uint32_t{0xFFFFFFFF}); });
}

TEST(Trit5BadInput, Trit5RowStridesAreNotRead) {
  auto device = sim::open_sim_kernel({});
  const unsigned ports = weight_ports_of(*device);
  Rig sim(std::move(device), trit5_demo(), ports);
  Rig golden(golden_kernel(ports), trit5_demo(), ports);
  Rig reference(golden_kernel(ports), trit5_demo(), ports);
  const uint32_t stride_d = mmf::read_device_descriptor(trit5_demo().image()).row_stride_d;
  for (Rig* rig : {&sim, &golden}) rig->patch_params(kDescriptor + 16, stride_d + 64);
  const Outcome got = sim.run(kCommand, std::chrono::seconds(120));
  const Outcome want = golden.run(kCommand);
  const Outcome unpatched = reference.run(kCommand);
  EXPECT_EQ(got.status, 0u);
  EXPECT_EQ(want.status, 0u);
  EXPECT_EQ(first_difference(got.io, want.io), -1);
  EXPECT_EQ(first_difference(want.io, unpatched.io), -1);
}

TEST(Trit5BadInput, AGoldenKernelBuiltWithoutTrit5RefusesItAndRunsTwoBit) {
  device::GoldenDeviceConfig config;
  config.weight_encodings = 1u << unsigned(WeightEncoding::TwoBit);
  const unsigned ports = config.weight_ports;
  Rig trit5(device::make_golden_device(config), trit5_demo(), ports);
  EXPECT_EQ(trit5.run(kCommand).status, rm::status::kBadDescriptor);
  const Model two_bit = Model::open(test::demo_model_dir(), WeightEncoding::TwoBit);
  Rig plain(device::make_golden_device(config), two_bit, ports);
  EXPECT_EQ(plain.run(kCommand).status, 0u);
}

}  // namespace
}  // namespace mmfree::kernel_token_test
