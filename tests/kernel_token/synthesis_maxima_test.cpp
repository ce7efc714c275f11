// Token mode at the synthesis maxima (issue 4: any d, I, V up to the maxima work): a synthetic
// checkpoint with the released 2.7B model's d = 2560 and I = 6912 (docs/device.md's MaxHidden
// and MaxIntermediate, which the sim kernel is built with), one layer and a vocabulary no port
// count divides, runs two tokens on the Verilated kernel and on the golden kernel model: every
// byte of io and of the state buffer, the status and the tokens counter must be equal. Then
// the same with every params vector (embedding rows, layer blocks, final and lm_head norms,
// betas) moved to addresses that start mid-beat, by copying them behind the image and pointing
// the descriptor there: the values are the same, so the bytes must also equal the aligned run.
//
// Models beyond the maxima are refused: d > MaxHidden or I > MaxIntermediate with
// status.too_large, d < P with status.bad_descriptor, before any token is read.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

#include "mmfree/contract.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/sim/sim_device.hpp"
#include "token_rig.hpp"

namespace mmfree::kernel_token_test {
namespace {

namespace rm = regmap;

// The contract's MaxHidden and MaxIntermediate (the sim kernel is built with them).
// V = 131: a prime, so the lm_head rows are dealt unevenly over any port count.
constexpr Shape kMaxima{"maxima_l1_v131", contract::kMaxHidden, 1, contract::kMaxIntermediate, 131, true};

const Model& maxima_model() {
  static const Model model = synthetic_model(kMaxima);
  return model;
}

// Where the descriptor's vectors are moved to, relative to the end of the image: every
// start 4 bytes (or more) past a 64-byte beat boundary, and a different offset in the beat
// for each kind of vector.
struct Relocation {
  uint64_t embeddings, layer_blocks, final_norm, lm_head_norm, betas, end;
};

Relocation relocation_for(const mmf::DeviceDescriptor& desc, uint64_t image_bytes) {
  const auto place = [](uint64_t at, uint64_t in_beat) { return mmf::round_up(at, 64) + in_beat; };
  Relocation r;
  r.embeddings = place(image_bytes, 4);
  r.layer_blocks = place(r.embeddings + uint64_t(desc.vocab_size) * 4 * desc.hidden_size, 20);
  r.final_norm = place(r.layer_blocks + uint64_t(desc.num_layers) * desc.layer_block_stride, 36);
  r.lm_head_norm = place(r.final_norm + 4 * uint64_t(desc.hidden_size), 52);
  r.betas = place(r.lm_head_norm + 4 * uint64_t(desc.hidden_size), 8);
  r.end = r.betas + 4 * (6 * uint64_t(desc.num_layers) + 1);
  return r;
}

mmf::DeviceDescriptor descriptor_of(const Model& model) {
  mmf::DeviceDescriptor desc;
  std::memcpy(&desc, model.image().data() + mmf::kDeviceDescriptorOffset, sizeof desc);
  return desc;
}

// Copies every vector the kernel reads through params behind the image and points the
// descriptor at the copies.
void relocate_vectors(Rig& rig, const Model& model) {
  const auto image = model.image();
  const mmf::DeviceDescriptor desc = descriptor_of(model);
  const Relocation r = relocation_for(desc, image.size());
  const auto copy = [&](uint64_t from, uint64_t bytes, uint64_t to) { rig.write_params(to, image.subspan(from, bytes)); };
  copy(desc.embeddings_offset, uint64_t(desc.vocab_size) * 4 * desc.hidden_size, r.embeddings);
  copy(desc.layer_block_offset, uint64_t(desc.num_layers) * desc.layer_block_stride, r.layer_blocks);
  copy(desc.final_norm_offset, 4 * uint64_t(desc.hidden_size), r.final_norm);
  copy(desc.lm_head_norm_offset, 4 * uint64_t(desc.hidden_size), r.lm_head_norm);
  copy(desc.betas_offset, 4 * (6 * uint64_t(desc.num_layers) + 1), r.betas);
  mmf::DeviceDescriptor moved = desc;
  moved.embeddings_offset = r.embeddings;
  moved.layer_block_offset = r.layer_blocks;
  moved.final_norm_offset = r.final_norm;
  moved.lm_head_norm_offset = r.lm_head_norm;
  moved.betas_offset = r.betas;
  rig.patch_params(mmf::kDeviceDescriptorOffset, moved);
}

struct Placement {
  const char* name;
  bool mid_beat;
};

class SynthesisMaxima : public ::testing::TestWithParam<Placement> {};

TEST_P(SynthesisMaxima, TwoTokensLeaveTheBytesOfTheGoldenKernel) {
  const Model& model = maxima_model();
  auto sim_device = sim::open_sim_kernel({});
  const unsigned ports = weight_ports_of(*sim_device);
  ASSERT_EQ(sim_device->read_register(rm::hw_max_hidden::kOffset), kMaxima.hidden)
      << "the sim kernel is not built with docs/device.md's MaxHidden";
  ASSERT_EQ(sim_device->read_register(rm::hw_max_intermediate::kOffset), kMaxima.intermediate)
      << "the sim kernel is not built with docs/device.md's MaxIntermediate";
  const Relocation r = relocation_for(descriptor_of(model), model.image().size());
  RigOptions options;
  if (GetParam().mid_beat) options.params_extra_bytes = r.end - model.image().size();
  Rig sim(std::move(sim_device), model, ports, options);
  Rig golden(golden_kernel(ports), model, ports, options);
  if (GetParam().mid_beat) {
    relocate_vectors(sim, model);
    relocate_vectors(golden, model);
  }

  const Command command{{17, 130}, kResetSlot | rm::flags::kAllLogits, 1};
  const auto began = std::chrono::steady_clock::now();
  const Outcome got = sim.run(command);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  const Outcome want = golden.run(command);
  std::printf("[ kernel token ] %s, vectors %s: status %u, %llu tokens, %llu kernel cycles (%.0f per token), "
              "%.1f s simulated (%.0f cycles/s)\n",
              kMaxima.name, GetParam().name, got.status, static_cast<unsigned long long>(got.tokens_counter),
              static_cast<unsigned long long>(got.cycles), double(got.cycles) / 2.0, seconds,
              double(got.cycles) / seconds);
  EXPECT_EQ(got.status, 0u);
  EXPECT_EQ(want.status, 0u);
  EXPECT_EQ(got.tokens_counter, 2u);
  EXPECT_EQ(want.tokens_counter, 2u);
  EXPECT_EQ(first_difference(got.io, want.io), -1) << "first differing io byte";
  EXPECT_EQ(first_difference(got.state, want.state), -1) << "first differing state byte";

  if (GetParam().mid_beat) {
    // Same values at other addresses: the golden kernel on the image as converted gives the
    // same bytes (so the relocation really moved every vector the pass reads, and only that).
    Rig aligned(golden_kernel(ports), model, ports);
    const Outcome reference = aligned.run(command);
    EXPECT_EQ(first_difference(want.io, reference.io), -1) << "relocated vs aligned golden run, io";
    EXPECT_EQ(first_difference(want.state, reference.state), -1) << "relocated vs aligned golden run, state";
  }
}

INSTANTIATE_TEST_SUITE_P(Placements, SynthesisMaxima,
                         ::testing::Values(Placement{"aligned", false}, Placement{"mid_beat", true}),
                         [](const ::testing::TestParamInfo<Placement>& info) { return std::string(info.param.name); });

// A descriptor field changed in device memory, on both kernels: the command must end with
// `expected` before reading any token, leaving io and the tokens counter alone.
// `value` is given the kernel's port count.
void expect_refused(uint64_t descriptor_field_offset, const std::function<uint32_t(unsigned)>& value, uint32_t expected,
                    const char* what) {
  static const Model model = synthetic_model(Shape{"d64_l1_i256_v96_refused", 64, 1, 256, 96, true});
  auto sim_device = sim::open_sim_kernel({});
  const unsigned ports = weight_ports_of(*sim_device);
  Rig sim(std::move(sim_device), model, ports);
  Rig golden(golden_kernel(ports), model, ports);
  const uint32_t field = value(ports);
  sim.patch_params(mmf::kDeviceDescriptorOffset + descriptor_field_offset, field);
  golden.patch_params(mmf::kDeviceDescriptorOffset + descriptor_field_offset, field);
  const Command command{{1, 2}, kResetSlot | rm::flags::kAllLogits, 0};
  const Outcome got = sim.run(command, std::chrono::seconds(60));
  const Outcome want = golden.run(command);
  EXPECT_EQ(got.status, expected) << what;
  EXPECT_EQ(want.status, expected) << what << " (golden kernel)";
  EXPECT_EQ(got.tokens_counter, 0u) << what;
  EXPECT_EQ(first_difference(got.io, want.io), -1) << what << ": first differing io byte";
  EXPECT_EQ(first_difference(got.state, want.state), -1) << what << ": first differing state byte";
}

TEST(SynthesisMaximaRefusal, HiddenSizeAboveMaxHiddenIsTooLarge) {
  expect_refused(offsetof(mmf::DeviceDescriptor, hidden_size), [](unsigned) { return kMaxima.hidden + 64; }, rm::status::kTooLarge,
                 "d = MaxHidden + 64");
}

TEST(SynthesisMaximaRefusal, IntermediateSizeAboveMaxIntermediateIsTooLarge) {
  expect_refused(offsetof(mmf::DeviceDescriptor, intermediate_size), [](unsigned) { return kMaxima.intermediate + 1; },
                 rm::status::kTooLarge,
                 "I = MaxIntermediate + 1");
}

TEST(SynthesisMaximaRefusal, HiddenSizeBelowThePortCountIsABadDescriptor) {
  // Every port must hold at least one row of every matrix (docs/device.md).
  expect_refused(offsetof(mmf::DeviceDescriptor, hidden_size), [](unsigned ports) { return ports - 1; },
                 rm::status::kBadDescriptor, "d = P - 1");
}

}  // namespace
}  // namespace mmfree::kernel_token_test
