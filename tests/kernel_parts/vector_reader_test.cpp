// mmfree_token_vector_reader (hw/rtl/kernel/token/) against a model of the gmem read engine
// (two commands accepted ahead, a few cycles of latency, random stalls on the command and data
// handshakes, error responses on some reads): reads issued at random, to every destination and
// at every alignment, some queued behind the one being received. Each read's command goes out in
// issue order with the beats its vector spans; each word of a vector is written once, in order,
// holding elements 16k .. 16k+15 raw, in format A (golden::to_fixed 16) and in format G (24
// fraction bits clamped to [0, 2^24]); a scalar read shows its word on its first beat; done_o
// and error_o come once per read; and no assertion of the part fires.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <random>
#include <vector>

#include "Vmmfree_token_vector_reader.h"
#include "mmfree/golden/numerics.hpp"
#include "part_top.hpp"

namespace {

using namespace mmfree::kernel_parts_test;
namespace golden = mmfree::golden;

constexpr unsigned kLanes = 16;
constexpr unsigned kBeatBytes = 64;
constexpr uint64_t kBase = 0x40000;          // the memory the engine model reads
constexpr uint32_t kWords = 16384;           // 64 KiB of floats

enum Dst : uint32_t { kX = 0, kN = 1, kH = 2, kLb = 3, kBeta = 4, kTok = 5 };

struct Read {
  Dst dst;
  uint32_t slot;
  uint32_t lane;
  uint64_t addr;
  uint32_t n;
  bool error = false;
  // Checked as it arrives.
  uint32_t words_written = 0;
  bool first_seen = false;
  int errors_seen = 0;
};

uint32_t beats_of(uint64_t addr, uint32_t n) { return ((addr / 4) % kLanes + n + kLanes - 1) / kLanes; }

class VectorReader : public ::testing::Test {
 protected:
  VectorReader() : rng_(77), memory_(kWords) {
    std::uniform_real_distribution<float> value(-300.0f, 300.0f);
    for (auto& word : memory_) {
      float f = value(rng_);
      if (chance(rng_, 0.05)) f *= 1e6f;  // some saturate in format A
      std::memcpy(&word, &f, 4);
    }
    u_->issue_i = 0;
    u_->rd_cmd_ready_i = 0;
    u_->rd_valid_i = 0;
    u_->rd_error_i = 0;
    u_.settle();
  }

  uint32_t word_at(uint64_t addr) const { return memory_[(addr - kBase) / 4 % kWords]; }

  void cycle() {
    // The engine model: commands accepted while fewer than two wait; beats of the oldest after
    // a latency, with stalls.
    u_->rd_cmd_ready_i = engine_.size() < 2 && !chance(rng_, stall_);
    const bool beat_ready = !engine_.empty() && engine_.front().wait == 0;
    u_->rd_valid_i = beat_ready && !chance(rng_, stall_);
    if (u_->rd_valid_i) {
      const Burst& b = engine_.front();
      for (unsigned w = 0; w < kLanes; ++w) u_->rd_data_i[w] = word_at(b.addr + kBeatBytes * b.done + 4 * w);
      u_->rd_error_i = b.error;
    } else {
      for (unsigned w = 0; w < kLanes; ++w) u_->rd_data_i[w] = 0xBAD0BAD0;
      u_->rd_error_i = 0;
    }
    u_.settle();
    // The issuer decides on this cycle's outputs (can_queue_o depends on the data handshake).
    if (decide_ && decide_()) u_.settle();

    if (u_->rd_cmd_valid_o && u_->rd_cmd_ready_i) {
      ASSERT_LT(commands_, reads_.size() + retired_) << "a command no read was issued for";
      const Read& r = reads_[commands_ - retired_];
      ASSERT_EQ(u_->rd_cmd_addr_o, r.addr & ~uint64_t{63}) << "command " << commands_;
      ASSERT_EQ(u_->rd_cmd_beats_o, beats_of(r.addr, r.n));
      engine_.push_back({r.addr & ~uint64_t{63}, static_cast<uint32_t>(u_->rd_cmd_beats_o), 0,
                         static_cast<int>(rng_() % 4), r.error});
      ++commands_;
    }
    ASSERT_FALSE(reads_.empty() && (u_->we_o || u_->rx_o || u_->done_o)) << "activity without a read";
    if (!reads_.empty()) {
      Read& r = reads_.front();
      if (u_->rx_o) {
        ASSERT_TRUE(u_->rd_valid_i && u_->rd_ready_o);
        if (u_->rx_beat_o == 0) {
          ASSERT_EQ(u_->rx_first_word_o, word_at(r.addr));
          r.first_seen = true;
        }
      }
      if (u_->we_o) {
        ASSERT_TRUE(r.dst != kBeta && r.dst != kTok) << "a scalar read writes a vector word";
        ASSERT_EQ(u_->dst_o, r.dst);
        ASSERT_EQ(u_->slot_o, r.slot);
        ASSERT_EQ(u_->lane_o, r.lane);
        ASSERT_EQ(u_->waddr_o, r.words_written) << "words out of order";
        for (unsigned b = 0; b < kLanes; ++b) {
          const uint32_t c = kLanes * r.words_written + b;
          if (c >= r.n) break;
          const uint32_t raw = word_at(r.addr + 4 * c);
          float f;
          std::memcpy(&f, &raw, 4);
          ASSERT_EQ(u_->word_o[b], raw) << "element " << c;
          ASSERT_EQ(static_cast<int32_t>(u_->as_a_o[b]), golden::to_fixed(f, 16)) << "element " << c;
          ASSERT_EQ(static_cast<int32_t>(u_->as_g_o[b]), std::clamp(golden::to_fixed(f, 24), 0, 1 << 24));
        }
        ++r.words_written;
      }
      r.errors_seen += u_->error_o;
      if (u_->done_o) {
        ASSERT_EQ(u_->dst_o, r.dst);
        if (r.dst == kBeta || r.dst == kTok) {
          ASSERT_TRUE(r.first_seen);
        } else {
          ASSERT_EQ(r.words_written, (r.n + kLanes - 1) / kLanes) << "words of the vector";
        }
        ASSERT_EQ(r.errors_seen, r.error ? 1 : 0);
        reads_.pop_front();
        ++retired_;
      }
    }
    if (u_->rd_valid_i && u_->rd_ready_o) {
      Burst& b = engine_.front();
      if (++b.done == b.beats) engine_.pop_front();
    }
    for (auto& b : engine_) b.wait = std::max(0, b.wait - 1);
    u_.tick();
    u_->issue_i = 0;
  }

  // Issues r in this cycle (the caller has checked that it may).
  void issue(const Read& r) {
    u_->cmd_i[0] = r.n;
    u_->cmd_i[1] = static_cast<uint32_t>(r.addr);
    u_->cmd_i[2] = static_cast<uint32_t>(r.addr >> 32);
    u_->cmd_i[3] = r.lane | (r.slot << 4) | (r.dst << 6);   // rd_cmd_t: {dst, slot, lane, addr, n}
    u_->issue_i = 1;
    reads_.push_back(r);
  }

  Read random_read() {
    Read r{};
    r.dst = static_cast<Dst>(rng_() % 6);
    r.slot = static_cast<uint32_t>(rng_() % 4);
    r.lane = static_cast<uint32_t>(rng_() % 16);
    r.n = r.dst == kTok ? 1 : r.dst == kBeta ? 1 + static_cast<uint32_t>(rng_() % 6)
                                            : 1 + static_cast<uint32_t>(rng_() % 700);
    r.addr = kBase + 4 * (rng_() % (kWords - 800));
    r.error = chance(rng_, 0.1);
    return r;
  }

  struct Burst {
    uint64_t addr;
    uint32_t beats, done;
    int wait;
    bool error;
  };

  PartTop<Vmmfree_token_vector_reader> u_;
  std::mt19937_64 rng_;
  double stall_ = 0.0;
  std::vector<uint32_t> memory_;
  std::deque<Read> reads_;
  std::deque<Burst> engine_;
  std::function<bool()> decide_;   // called each cycle once the inputs are set: issues or not
  uint64_t commands_ = 0, retired_ = 0;
};

TEST_F(VectorReader, EveryReadArrivesRealignedAndConvertedUnderRandomStalls) {
  unsigned queued = 0;
  for (double stall : {0.0, 0.3, 0.7}) {
    stall_ = stall;
    for (int k = 0; k < 150; ++k) {
      const Read r = random_read();
      SCOPED_TRACE(testing::Message() << "stall " << stall << " read " << k << " dst " << r.dst << " n " << r.n
                                      << " addr 0x" << std::hex << r.addr);
      // Issued once the reader may take it: idle, or (not for the token id) queued behind the
      // read being received.
      bool issued = false;
      decide_ = [&] {
        const bool can_queue = u_->can_queue_o && r.dst != kTok && chance(rng_, 0.7);
        if (!u_->idle_o && !can_queue) return false;
        queued += !u_->idle_o;
        issue(r);
        issued = true;
        return true;
      };
      for (int guard = 0; !issued; ++guard) {
        ASSERT_LT(guard, 100000) << "the reader never became free";
        cycle();
        if (HasFatalFailure()) return;
      }
      decide_ = nullptr;
    }
    for (int guard = 0; !reads_.empty(); ++guard) {
      ASSERT_LT(guard, 100000);
      cycle();
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(queued, 50u) << "too few reads were queued behind another to exercise the queue";
  EXPECT_EQ(commands_, retired_);
  EXPECT_EQ(u_.assertion_failures(), 0u);
}

// The queue's point: with a read queued behind the one being received, its command goes out
// before the current data ends, so back-to-back reads cost no round trip each.
TEST_F(VectorReader, QueuedReadsOverlapTheirRoundTrips) {
  auto run = [&](bool queue) {
    const uint64_t start = u_.cycles();
    for (int k = 0; k < 20; ++k) {
      const Read r{kN, 0, 0, kBase + 64 * 20 * static_cast<uint64_t>(k), 16 * 8};
      bool issued = false;
      decide_ = [&] {
        if (!u_->idle_o && !(queue && u_->can_queue_o)) return false;
        issue(r);
        issued = true;
        return true;
      };
      while (!issued) cycle();
      decide_ = nullptr;
    }
    while (!reads_.empty()) cycle();
    return u_.cycles() - start;
  };
  const uint64_t serial = run(false);
  const uint64_t overlapped = run(true);
  // Each serial read pays the command's cycle and the engine's latency; the queued ones not.
  EXPECT_LT(overlapped + 20, serial) << "serial " << serial << ", queued " << overlapped;
  EXPECT_EQ(u_.assertion_failures(), 0u);
}

}  // namespace
