// The whole mmfree_kernel in the weight-path self-test mode (docs/device.md), against the exact
// C++ ternary kernel: a random model's .mmf image in device memory unchanged, its weight rows
// dealt over three weight ports as docs/device.md says, random int8 vectors in io; every row
// sum of every matrix the RTL writes back must equal ternary_matvec, bit for bit, with ideal
// and with randomly stalling memories. Also the descriptor checks and the counters.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include "kernel_harness.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/model.hpp"
#include "mmfree/regmap.hpp"
#include "mmfree/ternary/matvec.hpp"
#include "model/synthetic_checkpoint.hpp"

namespace {

using namespace mmfree;
using namespace mmfree::kernel_test;
namespace rm = mmfree::regmap;
namespace fs = std::filesystem;

constexpr uint64_t kParams = 0x1000'0000;
constexpr uint64_t kIo = 0x3000'0000;
constexpr uint64_t kWeights = 0x4000'0000;  // port p at kWeights + p * kPortSpan
constexpr uint64_t kPortSpan = 0x0100'0000;
constexpr unsigned P = KernelHarness::kWeightPorts;

uint64_t align64(uint64_t n) { return (n + 63) / 64 * 64; }

// Every matrix of the model in stream order (docs/device.md).
std::vector<TernaryMatrixView> stream_order(const Model& model) {
  std::vector<TernaryMatrixView> out;
  for (uint32_t l = 0; l < model.config().num_layers; ++l) {
    for (Projection p : {Projection::I, Projection::F, Projection::G, Projection::O, Projection::Gate,
                         Projection::Down}) {
      out.push_back(model.matrix(l, p));
    }
  }
  out.push_back(model.lm_head());
  return out;
}

// A small random model, built once for the suite: d = 320 (two beats per row, the second
// half empty), I = 200 (Down rows of one beat), not multiples of the port count.
const Model& test_model() {
  static const Model model = [] {
    const fs::path dir = fs::temp_directory_path() / ("mmfree_kernel_model_" + std::to_string(::getpid()));
    model::SyntheticCheckpoint spec;
    spec.config.hidden_size = 320;
    spec.config.num_layers = 2;
    spec.config.intermediate_size = 200;
    spec.config.vocab_size = 301;
    spec.seed = 42;
    model::write_synthetic_checkpoint(dir, spec);
    Model m = Model::open(dir);
    fs::remove_all(dir);
    return m;
  }();
  return model;
}

class KernelSelftest : public ::testing::Test {
 protected:
  // Puts the image, the dealt weight rows and the two vectors in device memory, writes the
  // arguments. Returns nothing; expected sums are computed by expected_sums().
  void load(KernelHarness& k, uint32_t seed) {
    const Model& model = test_model();
    const auto image = model.image();
    k.memory.write(kParams, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(image.data()), image.size()));
    // Deal rows: port p gets rows r with r mod P == p of every matrix, back to back.
    uint64_t offset[P] = {};
    for (const auto& m : stream_order(model)) {
      for (uint32_t r = 0; r < m.rows; ++r) {
        const unsigned p = r % P;
        k.memory.write(kWeights + p * kPortSpan + offset[p],
                       std::span<const uint8_t>(m.row_data(r), m.row_stride_bytes));
        offset[p] += m.row_stride_bytes;
      }
    }
    const auto& c = model.config();
    std::mt19937 rng(seed);
    qd_.resize(c.hidden_size);
    qi_.resize(c.intermediate_size);
    for (auto& q : qd_) q = int8_t(rng());
    for (auto& q : qi_) q = int8_t(rng());
    k.memory.write(kIo, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(qd_.data()), qd_.size()));
    k.memory.write(kIo + align64(c.hidden_size),
                   std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(qi_.data()), qi_.size()));
    sums_at_ = kIo + align64(c.hidden_size) + align64(c.intermediate_size);
    // A sentinel right after where the sums end: the kernel must not write past them.
    k.memory.store<uint64_t>(sums_at_ + 4 * total_rows(), 0x5EA5EA5EA5EA5EA5ull);

    k.bus().write64(rm::params::kOffset, kParams);
    k.bus().write64(rm::io::kOffset, kIo);
    k.bus().write64(rm::state::kOffset, 0x5000'0000);
    k.bus().write(rm::num_tokens::kOffset, 1);
    k.bus().write(rm::flags::kOffset, rm::flags::kMatvecSelftest);
    for (unsigned p = 0; p < P; ++p) k.bus().write64(rm::weight_port_offset(p), kWeights + p * kPortSpan);
  }

  static uint64_t total_rows() {
    uint64_t n = 0;
    for (const auto& m : stream_order(test_model())) n += m.rows;
    return n;
  }

  std::vector<int32_t> expected_sums() const {
    std::vector<int32_t> all;
    for (const auto& m : stream_order(test_model())) {
      std::vector<int32_t> sums(m.rows);
      ternary_matvec(m, m.cols == qd_.size() ? std::span<const int8_t>(qd_) : std::span<const int8_t>(qi_), sums);
      all.insert(all.end(), sums.begin(), sums.end());
    }
    return all;
  }

  std::vector<int32_t> device_sums(const KernelHarness& k) const {
    std::vector<int32_t> out(total_rows());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = k.memory.load<int32_t>(sums_at_ + 4 * i);
    return out;
  }

  std::vector<int8_t> qd_, qi_;
  uint64_t sums_at_ = 0;
};

uint64_t weights_region_bytes(const Model& model) {
  uint64_t bytes = 0;
  for (const auto& m : stream_order(model)) bytes += uint64_t(m.rows) * m.row_stride_bytes;
  return bytes;
}

TEST_F(KernelSelftest, EveryRowSumMatchesTheExactKernel) {
  KernelHarness k(AxiTiming::ideal());
  load(k, 1);
  const uint64_t cycles = k.start_and_wait(2'000'000);
  const uint32_t ctrl = k.bus().read(rm::ctrl::kOffset);
  EXPECT_TRUE(ctrl & rm::ctrl::kApDone);
  EXPECT_TRUE(ctrl & rm::ctrl::kApIdle);
  EXPECT_EQ(k.bus().read(rm::status::kOffset), 0u);
  EXPECT_EQ(device_sums(k), expected_sums());
  EXPECT_EQ(k.memory.load<uint64_t>(sums_at_ + 4 * total_rows()), 0x5EA5EA5EA5EA5EA5ull);
  EXPECT_TRUE(k.protocol_errors().empty()) << k.protocol_errors().front();

  // Counters: what crossed each port, exactly.
  const Model& model = test_model();
  const uint64_t wbytes = weights_region_bytes(model);
  EXPECT_EQ(k.bus().read64(rm::counter::kWeightBytes), wbytes);
  EXPECT_EQ(k.bus().read64(rm::counter::kTernaryOps), wbytes * 4);
  uint64_t per_port = 0;
  for (unsigned p = 0; p < P; ++p) per_port += k.bus().read64(rm::weight_port_bytes_offset(p));
  EXPECT_EQ(per_port, wbytes);
  const auto& c = model.config();
  EXPECT_EQ(k.bus().read64(rm::counter::kGmemReadBytes), 256 + align64(c.hidden_size) + align64(c.intermediate_size));
  EXPECT_EQ(k.bus().read64(rm::counter::kGmemWriteBytes), 4 * total_rows());
  EXPECT_EQ(k.bus().read64(rm::counter::kTokens), 0u);
  const uint64_t counted = k.bus().read64(rm::counter::kCycles);
  EXPECT_GT(counted, wbytes / 64 / P);  // at least one cycle per beat of the busiest port
  EXPECT_LE(counted, cycles);
  std::printf("[ selftest ] %llu weight bytes over %u ports in %llu kernel cycles (%.1f bytes/cycle)\n",
              (unsigned long long)wbytes, P, (unsigned long long)counted, double(wbytes) / double(counted));
}

TEST_F(KernelSelftest, RandomStallsOnEveryPortChangeNothing) {
  KernelHarness k(AxiTiming::random_stalls(), 77);
  load(k, 2);
  k.start_and_wait(20'000'000);
  EXPECT_EQ(k.bus().read(rm::status::kOffset), 0u);
  EXPECT_EQ(device_sums(k), expected_sums());
  EXPECT_TRUE(k.protocol_errors().empty()) << k.protocol_errors().front();
  EXPECT_GT(k.bus().read64(rm::counter::kWeightStallCycles), 0u);
}

TEST_F(KernelSelftest, BackToBackCommandsStayCorrect) {
  KernelHarness k(AxiTiming::ideal());
  load(k, 3);
  k.start_and_wait(2'000'000);
  ASSERT_EQ(device_sums(k), expected_sums());
  // New vectors, same weights: the second command must not reuse anything stale.
  std::vector<int8_t> old_qd = qd_;
  load(k, 4);
  ASSERT_NE(qd_, old_qd);
  k.start_and_wait(2'000'000);
  EXPECT_EQ(device_sums(k), expected_sums());
}

TEST_F(KernelSelftest, AutoRestartRepeatsUntilCleared) {
  KernelHarness k(AxiTiming::ideal());
  load(k, 9);
  k.bus().write(rm::gie::kOffset, rm::gie::kEnable);
  k.bus().write(rm::ier::kOffset, rm::ier::kDone);
  k.bus().write(rm::ctrl::kOffset, rm::ctrl::kApStart | rm::ctrl::kAutoRestart);
  k.wait_for_interrupt(2'000'000);
  k.wait_for_interrupt(2'000'000);  // it started again by itself
  EXPECT_TRUE(k.bus().read(rm::ctrl::kOffset) & rm::ctrl::kApStart);
  k.bus().write(rm::ctrl::kOffset, 0);  // the running command is the last one
  k.wait_for_interrupt(2'000'000);
  for (int i = 0; i < 2000; ++i) k.cycle();
  const uint32_t ctrl = k.bus().read(rm::ctrl::kOffset);
  EXPECT_TRUE(ctrl & rm::ctrl::kApIdle);
  EXPECT_FALSE(ctrl & rm::ctrl::kApStart);
  EXPECT_EQ(k.bus().read(rm::status::kOffset), 0u);
  EXPECT_EQ(device_sums(k), expected_sums());
}

TEST_F(KernelSelftest, BadMagicIsRefusedBeforeAnyWeightMoves) {
  KernelHarness k(AxiTiming::ideal());
  load(k, 5);
  k.memory.write(kParams + 3, uint8_t('X'));
  k.start_and_wait(100'000);
  EXPECT_EQ(k.bus().read(rm::status::kOffset), rm::status::kBadDescriptor);
  EXPECT_EQ(k.bus().read64(rm::counter::kWeightBytes), 0u);
  EXPECT_EQ(k.bus().read64(rm::counter::kGmemWriteBytes), 0u);
}

TEST_F(KernelSelftest, ModelLargerThanTheBuffersIsRefused) {
  KernelHarness k(AxiTiming::ideal());
  load(k, 6);
  // d in the device descriptor (offset 128): this top is built with MaxHidden = 512.
  k.memory.store<uint32_t>(kParams + mmf::kDeviceDescriptorOffset, 513);
  k.start_and_wait(100'000);
  EXPECT_EQ(k.bus().read(rm::status::kOffset), rm::status::kTooLarge);
  EXPECT_EQ(k.bus().read(rm::hw_max_hidden::kOffset), 512u);
}

TEST_F(KernelSelftest, TokenCommandWithoutTokensIsRefused) {
  KernelHarness k(AxiTiming::ideal());
  load(k, 7);
  k.bus().write(rm::flags::kOffset, rm::flags::kResetState);
  k.bus().write(rm::num_tokens::kOffset, 0);
  k.start_and_wait(100'000);
  EXPECT_EQ(k.bus().read(rm::status::kOffset), rm::status::kBadArguments);
  EXPECT_EQ(k.bus().read64(rm::counter::kTokens), 0u);
}

TEST_F(KernelSelftest, WeightPortErrorResponseIsReported) {
  KernelHarness k(AxiTiming::ideal());
  load(k, 8);
  k.weight_port(1).set_error_range(kWeights + kPortSpan + 4096, kWeights + kPortSpan + 8192);
  k.start_and_wait(2'000'000);
  EXPECT_EQ(k.bus().read(rm::status::kOffset), rm::status::kAxiError);
}

}  // namespace
