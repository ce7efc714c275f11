// The whole mmfree_kernel in the weight-path self-test mode (docs/device.md), against the exact
// C++ ternary kernel: a random model's .mmf image in device memory unchanged, its weight rows
// dealt over three weight ports as docs/device.md says, random int8 vectors in io; every row
// sum of every matrix the RTL writes back must equal ternary_matvec, bit for bit, with ideal
// and with randomly stalling memories (sim's AXI slaves, kernel_harness.hpp). Also the
// descriptor checks, an error response on a weight port, and the counters.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "kernel_harness.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/model.hpp"
#include "mmfree/regmap.hpp"
#include "mmfree/ternary/matvec.hpp"
#include "support/synthetic_model.hpp"

namespace {

using namespace mmfree;
using namespace mmfree::kernel_test;
namespace rm = mmfree::regmap;
namespace sim = mmfree::sim;

constexpr unsigned P = KernelHarness::kWeightPorts;

uint64_t align64(uint64_t n) { return (n + 63) / 64 * 64; }

sim::MemoryTiming ideal() { return {}; }
// Every ready/valid the slaves drive withheld at random, and a read latency.
sim::MemoryTiming random_stalls(uint64_t seed) {
  sim::MemoryTiming t;
  t.read_latency_cycles = 20;
  t.write_latency_cycles = 10;
  t.stall_probability = 0.35;
  t.stall_seed = seed;
  return t;
}

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
    model::SyntheticCheckpoint spec;
    spec.config.hidden_size = 320;
    spec.config.num_layers = 2;
    spec.config.intermediate_size = 200;
    spec.config.vocab_size = 301;
    spec.seed = 42;
    // 2bit: this suite deals the rows into the ports itself, 2-bit codes a row (the trit5 path
    // runs in tests/weight_encoding and on every suite of the sim backend).
    return test::synthetic_model(spec, mmf::WeightEncoding::TwoBit);
  }();
  return model;
}

class KernelSelftest : public ::testing::Test {
 protected:
  // Puts the image, the dealt weight rows and the two vectors in device memory (buffers
  // allocated on the first call for this harness), writes the arguments. Expected sums are
  // computed by expected_sums().
  void load(KernelHarness& k, uint32_t seed) {
    const Model& model = test_model();
    const auto image = model.image();
    const auto& c = model.config();
    if (params_ == 0) {
      params_ = k.allocate(image.size());
      io_ = k.allocate(align64(c.hidden_size) + align64(c.intermediate_size) + 4 * total_rows() + 64);
      for (unsigned p = 0; p < P; ++p) weights_[p] = k.allocate(port_bytes(p));
    }
    k.write_bytes(params_, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(image.data()), image.size()));
    // Deal rows: port p gets rows r with r mod P == p of every matrix, back to back.
    uint64_t offset[P] = {};
    for (const auto& m : stream_order(model)) {
      for (uint32_t r = 0; r < m.rows; ++r) {
        const unsigned p = r % P;
        k.write_bytes(weights_[p] + offset[p], std::span<const uint8_t>(m.row_data(r), m.row_stride_bytes));
        offset[p] += m.row_stride_bytes;
      }
    }
    std::mt19937 rng(seed);
    qd_.resize(c.hidden_size);
    qi_.resize(c.intermediate_size);
    for (auto& q : qd_) q = int8_t(rng());
    for (auto& q : qi_) q = int8_t(rng());
    k.write_bytes(io_, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(qd_.data()), qd_.size()));
    k.write_bytes(io_ + align64(c.hidden_size),
                  std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(qi_.data()), qi_.size()));
    sums_at_ = io_ + align64(c.hidden_size) + align64(c.intermediate_size);
    // A sentinel right after where the sums end: the kernel must not write past them.
    k.store<uint64_t>(sums_at_ + 4 * total_rows(), 0x5EA5EA5EA5EA5EA5ull);

    k.write64(rm::params::kOffset, params_);
    k.write64(rm::io::kOffset, io_);
    k.write64(rm::state::kOffset, 0x5000'0000);
    k.write(rm::num_tokens::kOffset, 1);
    k.write(rm::flags::kOffset, rm::flags::kMatvecSelftest);
    for (unsigned p = 0; p < P; ++p) k.write64(rm::weight_port_offset(p), weights_[p]);
  }

  // Bytes of port p's share of every matrix.
  static uint64_t port_bytes(unsigned p) {
    uint64_t bytes = 0;
    for (const auto& m : stream_order(test_model())) bytes += uint64_t((m.rows + P - 1 - p) / P) * m.row_stride_bytes;
    return bytes;
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

  std::vector<int32_t> device_sums(KernelHarness& k) const {
    std::vector<int32_t> out(total_rows());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = k.load<int32_t>(sums_at_ + 4 * i);
    return out;
  }

  std::vector<int8_t> qd_, qi_;
  uint64_t params_ = 0, io_ = 0, weights_[P] = {};
  uint64_t sums_at_ = 0;
};

uint64_t weights_region_bytes(const Model& model) {
  uint64_t bytes = 0;
  for (const auto& m : stream_order(model)) bytes += uint64_t(m.rows) * m.row_stride_bytes;
  return bytes;
}

TEST_F(KernelSelftest, EveryRowSumMatchesTheExactKernel) {
  KernelHarness k(ideal());
  load(k, 1);
  const uint64_t cycles = k.start_and_wait(2'000'000);
  const uint32_t ctrl = k.read(rm::ctrl::kOffset);
  EXPECT_TRUE(ctrl & rm::ctrl::kApDone);
  EXPECT_TRUE(ctrl & rm::ctrl::kApIdle);
  EXPECT_EQ(k.read(rm::status::kOffset), 0u);
  EXPECT_EQ(device_sums(k), expected_sums());
  EXPECT_EQ(k.load<uint64_t>(sums_at_ + 4 * total_rows()), 0x5EA5EA5EA5EA5EA5ull);
  EXPECT_EQ(k.protocol_error(), "");

  // Counters: what crossed each port, exactly.
  const Model& model = test_model();
  const uint64_t wbytes = weights_region_bytes(model);
  EXPECT_EQ(k.read64(rm::counter::kWeightBytes), wbytes);
  EXPECT_EQ(k.read64(rm::counter::kTernaryOps), wbytes * 4);
  uint64_t per_port = 0;
  for (unsigned p = 0; p < P; ++p) per_port += k.read64(rm::weight_port_bytes_offset(p));
  EXPECT_EQ(per_port, wbytes);
  const auto& c = model.config();
  EXPECT_EQ(k.read64(rm::counter::kGmemReadBytes), 256 + align64(c.hidden_size) + align64(c.intermediate_size));
  EXPECT_EQ(k.read64(rm::counter::kGmemWriteBytes), 4 * total_rows());
  EXPECT_EQ(k.read64(rm::counter::kTokens), 0u);
  const uint64_t counted = k.read64(rm::counter::kCycles);
  EXPECT_GT(counted, wbytes / 64 / P);  // at least one cycle per beat of the busiest port
  EXPECT_LE(counted, cycles);
  std::printf("[ selftest ] %llu weight bytes over %u ports in %llu kernel cycles (%.1f bytes/cycle)\n",
              (unsigned long long)wbytes, P, (unsigned long long)counted, double(wbytes) / double(counted));
}

TEST_F(KernelSelftest, RandomStallsOnEveryPortChangeNothing) {
  KernelHarness k(random_stalls(77));
  load(k, 2);
  k.start_and_wait(20'000'000);
  EXPECT_EQ(k.read(rm::status::kOffset), 0u);
  EXPECT_EQ(device_sums(k), expected_sums());
  EXPECT_EQ(k.protocol_error(), "");
  EXPECT_GT(k.read64(rm::counter::kWeightStallCycles), 0u);
}

TEST_F(KernelSelftest, BackToBackCommandsStayCorrect) {
  KernelHarness k(ideal());
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
  KernelHarness k(ideal());
  load(k, 9);
  k.write(rm::gie::kOffset, rm::gie::kEnable);
  k.write(rm::ier::kOffset, rm::ier::kDone);
  k.write(rm::ctrl::kOffset, rm::ctrl::kApStart | rm::ctrl::kAutoRestart);
  k.wait_for_interrupt(2'000'000);
  k.wait_for_interrupt(2'000'000);  // it started again by itself
  EXPECT_TRUE(k.read(rm::ctrl::kOffset) & rm::ctrl::kApStart);
  k.write(rm::ctrl::kOffset, 0);  // the running command is the last one
  k.wait_for_interrupt(2'000'000);
  for (int i = 0; i < 2000; ++i) k.cycle();
  const uint32_t ctrl = k.read(rm::ctrl::kOffset);
  EXPECT_TRUE(ctrl & rm::ctrl::kApIdle);
  EXPECT_FALSE(ctrl & rm::ctrl::kApStart);
  EXPECT_EQ(k.read(rm::status::kOffset), 0u);
  EXPECT_EQ(device_sums(k), expected_sums());
}

TEST_F(KernelSelftest, BadMagicIsRefusedBeforeAnyWeightMoves) {
  KernelHarness k(ideal());
  load(k, 5);
  k.store<uint8_t>(params_ + 3, uint8_t('X'));
  k.start_and_wait(100'000);
  EXPECT_EQ(k.read(rm::status::kOffset), rm::status::kBadDescriptor);
  EXPECT_EQ(k.read64(rm::counter::kWeightBytes), 0u);
  EXPECT_EQ(k.read64(rm::counter::kGmemWriteBytes), 0u);
}

TEST_F(KernelSelftest, ModelLargerThanTheBuffersIsRefused) {
  KernelHarness k(ideal());
  load(k, 6);
  // d in the device descriptor (offset 128): this top is built with MaxHidden = 512.
  k.store<uint32_t>(params_ + mmf::kDeviceDescriptorOffset, 513);
  k.start_and_wait(100'000);
  EXPECT_EQ(k.read(rm::status::kOffset), rm::status::kTooLarge);
  EXPECT_EQ(k.read(rm::hw_max_hidden::kOffset), 512u);
}

TEST_F(KernelSelftest, TokenCommandWithoutTokensIsRefused) {
  KernelHarness k(ideal());
  load(k, 7);
  k.write(rm::flags::kOffset, 0);   // token mode (load() set the self-test)
  k.write(rm::num_lanes::kOffset, 1);
  k.write(rm::num_slots::kOffset, 1);
  k.write(rm::lane_reset::kOffset, 1);
  k.write(rm::num_tokens::kOffset, 0);
  k.start_and_wait(100'000);
  EXPECT_EQ(k.read(rm::status::kOffset), rm::status::kBadArguments);
  EXPECT_EQ(k.read64(rm::counter::kTokens), 0u);
}

TEST_F(KernelSelftest, WeightPortErrorResponseIsReported) {
  // Port 1 streams from the last page of the simulated memory (its first 4 KiB copied
  // there), so the rest of its share lies past the end: the slave answers DECERR.
  KernelHarness k(ideal());
  load(k, 8);
  ASSERT_GT(port_bytes(1), 4096u);
  const uint64_t last_page = k.allocate(4096);
  std::vector<uint8_t> first_page(4096);
  for (std::size_t i = 0; i < first_page.size(); ++i) first_page[i] = k.load<uint8_t>(weights_[1] + i);
  k.write_bytes(last_page, first_page);
  ASSERT_EQ(k.memory_end(), last_page + 4096);
  k.write64(rm::weight_port_offset(1), last_page);
  k.start_and_wait(2'000'000);
  EXPECT_EQ(k.read(rm::status::kOffset), rm::status::kAxiError);
  EXPECT_GT(k.sim().port(uint32_t(k.sim().find_port("m_axi_w01"))).stats().decode_errors, 0u);
}

}  // namespace
