// AXI errors in token mode (docs/device.md, "One start command", step 5): an SLVERR/DECERR
// response on any port sets status.axi_error and the kernel stops after the current token.
// The sim's memory answers DECERR for any access outside its allocated buffers, and so does
// the golden kernel model (any access outside one of its buffers), so each test points one
// kind of access outside memory on both and checks, on the Verilated kernel:
//   - the command ends within a cycle budget (no hang), with status exactly axi_error;
//   - every io byte equals the golden kernel's, except the argmax word and logits row of the
//     token that met the error (docs/device.md leaves what that token writes open): so the
//     argmax words and logits of the tokens before it are the golden ones, and nothing of
//     the tokens after it is written;
//   - a good command afterwards, on another state slot (the failed command may leave its slot
//     part-updated), runs exactly as on the golden kernel: nothing is left stuck.
// The tokens counter (the tokens completed before the error, as the golden kernel counts
// them) is checked by its own test.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <functional>
#include <span>
#include <vector>

#include "mmfree/device/golden_device.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/sim/sim_device.hpp"
#include "token_rig.hpp"

namespace mmfree::kernel_token_test {
namespace {

namespace rm = regmap;

// Below both memories' first buffer (the sim's at 0x1000'0000, the golden model's at
// 0x1'0000'0000), 64-byte aligned: no buffer holds it.
constexpr uint64_t kOutsideMemory = 0x0800'0000;
// A params offset that lands far past every buffer of either memory.
constexpr uint64_t kOffsetPastMemory = 0x4000'0000;
// Generous for a few tokens of the small model (about 10^4 cycles each), and it turns a hang
// into a failure naming what every port was doing.
constexpr uint64_t kCycleBudget = 4'000'000;

const Shape kSmall{"d64_l2_i256_v96_axi", 64, 2, 256, 96, true};

const Model& small_model() {
  static const Model model = synthetic_model(kSmall);
  return model;
}

mmf::DeviceDescriptor descriptor_of(const Model& model) {
  mmf::DeviceDescriptor desc;
  std::memcpy(&desc, model.image().data() + mmf::kDeviceDescriptorOffset, sizeof desc);
  return desc;
}

struct Pair {
  std::unique_ptr<Rig> sim, golden;
};

// The sim kernel with a cycle budget and the golden kernel, loaded alike; `break_memory`
// then points the same access outside memory on both.
Pair open_pair(const RigOptions& options, const std::function<void(Rig&)>& break_memory) {
  sim::SimDeviceOptions sim_options;
  sim_options.max_cycles_per_command = kCycleBudget;
  auto sim_device = sim::open_sim_kernel(sim_options);
  const unsigned ports = weight_ports_of(*sim_device);
  Pair pair;
  pair.sim = std::make_unique<Rig>(std::move(sim_device), small_model(), ports, options);
  pair.golden = std::make_unique<Rig>(golden_kernel(ports), small_model(), ports, options);
  break_memory(*pair.sim);
  break_memory(*pair.golden);
  return pair;
}

// io with the argmax word and the logits row (if any) of token `t` blanked out.
std::vector<std::byte> without_token(std::vector<std::byte> io, const Command& command, uint32_t t) {
  const device::IoLayout layout(command.tokens.size(), 1, kSmall.vocab);
  const auto blank = [&](uint64_t offset, uint64_t bytes) {
    for (uint64_t k = offset; k < offset + bytes && k < io.size(); ++k) io[k] = std::byte{0};
  };
  if (t < command.tokens.size()) {
    blank(layout.argmax_offset() + 4 * t, 4);
    if (command.flags & rm::flags::kAllLogits) blank(layout.logits_offset(t), layout.logit_stride);
  }
  return io;
}

struct Counters {
  uint64_t sim = 0, golden = 0;
};

// Returns both tokens counters.
Counters expect_stops_as_golden(Pair& pair, const Command& command, const char* what) {
  const Outcome got = pair.sim->run(command);
  const Outcome want = pair.golden->run(command);
  std::printf("[ kernel token ] %s: status %u, %llu tokens (golden %llu), %llu kernel cycles\n", what, got.status,
              static_cast<unsigned long long>(got.tokens_counter),
              static_cast<unsigned long long>(want.tokens_counter), static_cast<unsigned long long>(got.cycles));
  EXPECT_EQ(want.status, rm::status::kAxiError) << what << ": the golden kernel does not see the error";
  EXPECT_EQ(got.status, rm::status::kAxiError) << what;
  const uint32_t failed = static_cast<uint32_t>(want.tokens_counter);
  EXPECT_EQ(first_difference(without_token(got.io, command, failed), without_token(want.io, command, failed)), -1)
      << what << ": first differing io byte outside token " << failed << "'s argmax word and logits row";
  return {got.tokens_counter, want.tokens_counter};
}

// After the error: a good command on the repaired setup equals the golden kernel's, its state
// slot (1; the failed commands use slot 0) too.
void expect_recovers(Pair& pair, const std::function<void(Rig&)>& repair) {
  repair(*pair.sim);
  repair(*pair.golden);
  constexpr uint32_t kSlot = 1;
  const Command command{{5, 60, 9}, kResetSlot | rm::flags::kAllLogits, kSlot};
  const Outcome got = pair.sim->run(command);
  const Outcome want = pair.golden->run(command);
  EXPECT_EQ(got.status, 0u);
  EXPECT_EQ(got.tokens_counter, 3u);
  EXPECT_EQ(first_difference(got.io, want.io), -1) << "after the error: first differing io byte";
  const std::size_t slot = pair.sim->slot_bytes();
  EXPECT_EQ(first_difference(std::span(got.state).subspan(kSlot * slot, slot),
                             std::span(want.state).subspan(kSlot * slot, slot)),
            -1)
      << "after the error: first differing byte of state slot " << kSlot;
}

const Command kThreeTokens{{12, 40, 77}, kResetSlot | rm::flags::kAllLogits, 0};

void point_w01_outside_memory(Rig& rig) { rig.write_address(rm::weight_port_offset(1), kOutsideMemory); }

TEST(KernelTokenAxiError, WeightPortOutsideMemory) {
  Pair pair = open_pair({}, point_w01_outside_memory);
  expect_stops_as_golden(pair, kThreeTokens, "w01 outside memory");
  expect_recovers(pair, [](Rig& rig) { rig.write_address(rm::weight_port_offset(1), rig.weight_port(1).address); });
}

TEST(KernelTokenAxiError, NormVectorOutsideMemory) {
  const mmf::DeviceDescriptor desc = descriptor_of(small_model());
  const auto point = [](uint64_t offset) {
    return [offset](Rig& rig) {
      rig.patch_params(mmf::kDeviceDescriptorOffset + offsetof(mmf::DeviceDescriptor, final_norm_offset), offset);
    };
  };
  Pair pair = open_pair({}, point(kOffsetPastMemory));
  expect_stops_as_golden(pair, kThreeTokens, "final norm outside memory");
  expect_recovers(pair, point(desc.final_norm_offset));
}

TEST(KernelTokenAxiError, IoOutsideMemory) {
  Pair pair = open_pair({}, [](Rig& rig) { rig.write_address(rm::io::kOffset, kOutsideMemory); });
  expect_stops_as_golden(pair, kThreeTokens, "io outside memory");
  expect_recovers(pair, [](Rig& rig) { rig.write_address(rm::io::kOffset, rig.io().address); });
}

// params is the last buffer, one page longer than the image; the first rows of the embedding
// table are copied into that page and the descriptor points there, so tokens below 4096 / 4d
// read their own rows and any larger token reads past the end of memory.
struct EmbeddingsAtTheEnd {
  uint64_t original_offset, moved_offset;
  uint32_t rows_kept;
};

EmbeddingsAtTheEnd embeddings_at_the_end() {
  const Model& model = small_model();
  const mmf::DeviceDescriptor desc = descriptor_of(model);
  const uint64_t row_bytes = 4 * uint64_t(desc.hidden_size);
  return {desc.embeddings_offset, model.image().size(), static_cast<uint32_t>(4096 / row_bytes)};
}

std::function<void(Rig&)> point_embeddings_at(uint64_t offset) {
  return [offset](Rig& rig) {
    rig.patch_params(mmf::kDeviceDescriptorOffset + offsetof(mmf::DeviceDescriptor, embeddings_offset), offset);
  };
}

Pair open_with_embeddings_at_the_end(const EmbeddingsAtTheEnd& e) {
  RigOptions options;
  options.params_last = true;
  options.params_extra_bytes = 4096;
  const auto rows = small_model().image().subspan(e.original_offset, 4096);
  return open_pair(options, [&](Rig& rig) {
    rig.write_params(e.moved_offset, rows);
    point_embeddings_at(e.moved_offset)(rig);
  });
}

TEST(KernelTokenAxiError, EmbeddingRowOfTheThirdTokenOutsideMemory) {
  // The error comes at the third token of four, after two good ones.
  const EmbeddingsAtTheEnd e = embeddings_at_the_end();
  ASSERT_GE(e.rows_kept, 16u);
  Pair pair = open_with_embeddings_at_the_end(e);
  const Command command{{3, 11, e.rows_kept + 40, 7}, kResetSlot | rm::flags::kAllLogits, 0};
  EXPECT_EQ(expect_stops_as_golden(pair, command, "embedding row of token 2 outside memory").golden, 2u);
  expect_recovers(pair, point_embeddings_at(e.original_offset));
}

// docs/device.md: the `tokens` counter holds the tokens completed; the golden kernel counts
// those before the token that met the error (the engine before 765d532 counted that token too).
TEST(KernelTokenAxiError, TokensCounterCountsOnlyTheTokensBeforeTheError) {
  {
    const EmbeddingsAtTheEnd e = embeddings_at_the_end();
    Pair pair = open_with_embeddings_at_the_end(e);
    const Command command{{3, 11, e.rows_kept + 40, 7}, kResetSlot | rm::flags::kAllLogits, 0};
    const Counters counters = expect_stops_as_golden(pair, command, "embedding row of token 2 outside memory");
    EXPECT_EQ(counters.sim, counters.golden) << "embedding row of token 2 outside memory";
  }
  {
    Pair pair = open_pair({}, point_w01_outside_memory);
    const Counters counters = expect_stops_as_golden(pair, kThreeTokens, "w01 outside memory");
    EXPECT_EQ(counters.sim, counters.golden) << "w01 outside memory";
  }
}

}  // namespace
}  // namespace mmfree::kernel_token_test
