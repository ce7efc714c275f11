// mmfree_token_vector_writer (hw/rtl/kernel/token/) against a model of the gmem write engine
// that stalls its command and data handshakes at random and answers each command some cycles
// after its last beat: every vector (zeros, the argmax word, h from a registered-read buffer,
// logits packed from row groups) lands at its address byte for byte, nothing around it is
// touched, each command ends with exactly one done_o at the point the contract gives, and no
// assertion of the part fires.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <random>
#include <vector>

#include "Vmmfree_token_vector_writer.h"
#include "part_top.hpp"

namespace {

using namespace mmfree::kernel_parts_test;

constexpr unsigned kLanes = 16;       // DataWidth 512: 16 words a beat
constexpr unsigned kBeatBytes = 64;
constexpr unsigned kHWords = 64;      // the h buffer of the testbench (1,024 elements)
constexpr uint64_t kBase = 0x10000;   // the memory window the engine model writes
constexpr uint64_t kWindow = 0x10000;

enum Src : uint32_t { kZero = 0, kH = 1, kArgmax = 2, kLogits = 3 };
constexpr unsigned kArgmaxLanes = 4;   // the writer is Verilated with BatchLanes = 4

struct Command {
  Src src;
  uint64_t addr;
  uint32_t n;
};

class VectorWriter : public ::testing::Test {
 protected:
  VectorWriter() : rng_(12345), memory_(kWindow, 0xA5) {
    for (auto& word : h_) word = static_cast<uint32_t>(rng_());
    w_->start_i = 0;
    w_->wr_cmd_ready_i = 0;
    w_->wr_in_ready_i = 0;
    w_->wr_done_i = 0;
    w_->logit_take_i = 0;
    w_->logit_last_i = 0;
    w_->num_lanes_i = 1;
    w_->logit_lane_i = 0;
    for (unsigned k = 0; k < kArgmaxLanes; ++k) w_->argmax_i[k] = 0x0BADCAFE + k;   // lane k's
    serve_h(0);
    w_.settle();
  }

  // One cycle: the engine model's ready signals (random stalls), the handshakes it sees, then
  // the edge; the h buffer answers the address of this cycle in the next.
  // (ready_set: the caller has already chosen wr_in_ready_i for this cycle.)
  void cycle(bool ready_set = false) {
    w_->wr_cmd_ready_i = engine_idle_ && !chance(rng_, stall_);
    if (!ready_set) w_->wr_in_ready_i = !chance(rng_, stall_);
    w_.settle();
    ASSERT_EQ(w_->h_raddr_o < kHWords + 2, true);
    if (w_->wr_cmd_valid_o && w_->wr_cmd_ready_i) {
      ASSERT_EQ(w_->wr_cmd_addr_o % kBeatBytes, 0u);
      engine_idle_ = false;
      engine_addr_ = w_->wr_cmd_addr_o;
      engine_beats_left_ = w_->wr_cmd_beats_o;
      ASSERT_GT(engine_beats_left_, 0u);
    }
    if (w_->wr_in_valid_o && w_->wr_in_ready_i) {
      ASSERT_FALSE(engine_idle_) << "a beat without a command";
      ASSERT_GT(engine_beats_left_, 0u) << "more beats than the command's";
      for (unsigned b = 0; b < kBeatBytes; ++b) {
        if (!((w_->wr_in_strb_o >> b) & 1)) continue;
        const uint32_t word = w_->wr_in_data_o[b / 4];
        const uint64_t at = engine_addr_ + b - kBase;
        ASSERT_LT(at, kWindow);
        memory_[at] = static_cast<uint8_t>(word >> (8 * (b % 4)));
      }
      engine_addr_ += kBeatBytes;
      if (--engine_beats_left_ == 0) response_in_ = 1 + static_cast<int>(rng_() % 6);
    }
    dones_ += w_->done_o;
    const uint32_t h_addr = w_->h_raddr_o;
    const bool respond = (response_in_ > 0 && --response_in_ == 0);
    w_.tick();
    serve_h(h_addr);
    w_->wr_done_i = respond;
    if (respond) {
      engine_idle_ = true;
      ++responses_;
    }
    w_->start_i = 0;
    w_->logit_take_i = 0;
    w_->logit_last_i = 0;
  }

  void serve_h(uint32_t word) {
    for (unsigned b = 0; b < kLanes; ++b) w_->h_rdata_i[b] = h_[(word % kHWords) * kLanes + b];
  }

  void start(const Command& c) {
    while (w_->busy_o) cycle();
    // The packed command: {src[97:96], addr[95:32], n[31:0]}.
    w_->cmd_i[0] = c.n;
    w_->cmd_i[1] = static_cast<uint32_t>(c.addr);
    w_->cmd_i[2] = static_cast<uint32_t>(c.addr >> 32);
    w_->cmd_i[3] = c.src;
    w_->start_i = 1;
  }

  // Runs a command to its done_o and checks when that came.
  void run(const Command& c) {
    const uint64_t dones = dones_, responses = responses_;
    start(c);
    cycle();
    int guard = 0;
    while (dones_ == dones) {
      cycle();
      ASSERT_LT(++guard, 100000) << "no done_o";
    }
    EXPECT_EQ(dones_, dones + 1);
    EXPECT_FALSE(w_->busy_o);
    if (c.src == kZero || c.src == kArgmax) {
      EXPECT_EQ(responses_, responses + 1) << "done before the response";
    }
  }

  // The logits: rows 0 .. n - 1 in groups of up to four consecutive rows within a beat, taken
  // only while the writer can push, then the response.
  void feed_logits(const std::vector<uint32_t>& logits) {
    const uint32_t n = static_cast<uint32_t>(logits.size());
    uint32_t row = 0;
    while (row < n) {
      w_->wr_in_ready_i = !chance(rng_, stall_);
      w_.settle();
      if (w_->can_push_o && !chance(rng_, 0.3)) {
        const uint32_t lane0 = row % kLanes;
        const uint32_t group = std::min({1 + static_cast<uint32_t>(rng_() % 4), kLanes - lane0, n - row});
        for (unsigned b = 0; b < kLanes; ++b) w_->logit_word_i[b] = 0;
        uint32_t lanes = 0;
        for (uint32_t j = 0; j < group; ++j) {
          w_->logit_word_i[lane0 + j] = logits[row + j];
          lanes |= 1u << (lane0 + j);
        }
        w_->logit_lanes_i = lanes;
        w_->logit_take_i = 1;
        w_->logit_last_i = (lane0 + group == kLanes) || (row + group == n);
        row += group;
      }
      cycle(true);
    }
    const uint64_t responses = responses_;
    for (int guard = 0; responses_ == responses; ++guard) {
      cycle();
      ASSERT_LT(guard, 1000) << "the logits' command never completed";
    }
    cycle();
    EXPECT_TRUE(w_->done_seen_o);
  }

  // The bytes of [addr, addr + 4n) hold `words`; the 256 bytes either side are untouched.
  void expect_vector(uint64_t addr, const std::vector<uint32_t>& words) {
    const uint64_t at = addr - kBase;
    for (uint64_t b = at - 256; b < at; ++b) ASSERT_EQ(memory_[b], 0xA5) << "byte before the vector";
    for (size_t i = 0; i < words.size(); ++i) {
      uint32_t got;
      std::memcpy(&got, &memory_[at + 4 * i], 4);
      ASSERT_EQ(got, words[i]) << "word " << i << " of " << words.size();
    }
    for (uint64_t b = at + 4 * words.size(); b < at + 4 * words.size() + 256; ++b)
      ASSERT_EQ(memory_[b], 0xA5) << "byte after the vector";
    std::fill(memory_.begin() + static_cast<long>(at - 256), memory_.begin() + static_cast<long>(at + 4 * words.size() + 256), 0xA5);
  }

  PartTop<Vmmfree_token_vector_writer> w_;
  std::mt19937_64 rng_;
  double stall_ = 0.0;
  std::vector<uint8_t> memory_;
  std::array<uint32_t, kHWords * kLanes> h_{};
  bool engine_idle_ = true;
  uint64_t engine_addr_ = 0;
  uint32_t engine_beats_left_ = 0;
  int response_in_ = 0;
  uint64_t dones_ = 0, responses_ = 0;
};

TEST_F(VectorWriter, EveryVectorLandsAtItsAddressUnderRandomStalls) {
  for (double stall : {0.0, 0.4, 0.8}) {
    stall_ = stall;
    for (int k = 0; k < 60; ++k) {
      const Src src = static_cast<Src>(rng_() % 3);
      const uint32_t n = src == kArgmax ? 1 + static_cast<uint32_t>(rng_() % 3)
                                        : 1 + static_cast<uint32_t>(rng_() % (kLanes * (kHWords - 1)));
      const uint64_t addr = kBase + 0x1000 + 4 * (rng_() % 64);
      SCOPED_TRACE(testing::Message() << "stall " << stall << " command " << k << " src " << src << " n " << n
                                      << " addr 0x" << std::hex << addr);
      run({src, addr, n});
      if (HasFatalFailure()) return;
      std::vector<uint32_t> expected(n, 0);
      if (src == kArgmax)
        for (uint32_t e = 0; e < n; ++e) expected[e] = 0x0BADCAFE + e;   // word e: lane e's argmax
      if (src == kH) expected.assign(h_.begin(), h_.begin() + n);
      // h's command ends at its last beat: let the engine finish before reading memory.
      while (!engine_idle_ || response_in_ > 0) cycle();
      expect_vector(addr, expected);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_EQ(w_.assertion_failures(), 0u);
}

TEST_F(VectorWriter, LogitsArePackedIntoBeats) {
  for (double stall : {0.0, 0.5}) {
    stall_ = stall;
    for (int k = 0; k < 20; ++k) {
      const uint32_t n = 1 + static_cast<uint32_t>(rng_() % 300);
      const uint64_t addr = kBase + 0x1000 + kBeatBytes * (rng_() % 8);
      SCOPED_TRACE(testing::Message() << "stall " << stall << " logits " << k << " n " << n);
      run({kLogits, addr, n});
      std::vector<uint32_t> logits(n);
      for (auto& l : logits) l = static_cast<uint32_t>(rng_());
      feed_logits(logits);
      if (HasFatalFailure()) return;
      expect_vector(addr, logits);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_EQ(w_.assertion_failures(), 0u);
}

}  // namespace
