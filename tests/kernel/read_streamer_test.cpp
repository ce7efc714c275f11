// mmfree_axi_read_streamer (the weight-port burst engine) against the C++ AXI memory model
// with random latency, arready/rvalid stalls and a consumer that stalls at random: every byte
// of every command arrives exactly once and in order, with data_last on the last beat, and the
// bursts obey AXI's rules (checked by the memory model).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "Vmmfree_axi_read_streamer.h"
#include "axi_memory.hpp"
#include "sim_clock.hpp"

namespace {

using namespace mmfree::kernel_test;

constexpr unsigned kBeatBytes = 64;
constexpr unsigned kMaxBurst = 16;       // the Verilated instance's parameters (CMakeLists.txt)
constexpr unsigned kMaxOutstanding = 4;
constexpr unsigned kFifoDepth = 32;

struct Command {
  uint64_t addr;
  uint32_t beats;
};

class ReadStreamer : public ::testing::Test {
 protected:
  ReadStreamer() : clock_(*dut_.model, dut_->clk_i) {
    std::mt19937_64 rng(99);
    // Fill the regions the tests read with a pattern that differs in every byte.
    for (uint64_t base : {0x10000ull, 0x7ffff000ull, 0x1234500000ull}) {
      for (uint64_t a = base - 8192; a < base + 64 * 1024; a += 8) memory_.store<uint64_t>(a, rng());
    }
    dut_->rst_ni = 0;
    clock_.tick();
    clock_.tick();
    dut_->rst_ni = 1;
  }

  // Runs the commands back to back; returns the received bytes and checks data_last.
  std::vector<uint8_t> run(const std::vector<Command>& commands, AxiTiming timing, double consumer_ready,
                           uint32_t seed) {
    AxiReadMemory mem(AxiReadPort{&dut_->arvalid_o, &dut_->arready_i, &dut_->araddr_o, &dut_->arlen_o,
                                  &dut_->arsize_o, &dut_->arburst_o, &dut_->rvalid_i, &dut_->rready_o,
                                  dut_->rdata_i.data(), &dut_->rresp_i, &dut_->rlast_i, kBeatBytes},
                      memory_, timing, seed);
    std::mt19937 rng(seed + 1);
    std::vector<uint8_t> received;
    std::size_t next_cmd = 0;
    uint64_t beats_in_cmd = 0, expected_total = 0;
    for (const auto& c : commands) expected_total += c.beats;
    uint64_t beats_total = 0;
    for (uint64_t guard = 0; beats_total < expected_total; ++guard) {
      if (guard > 2'000'000) {
        ADD_FAILURE() << "stream stalled after " << beats_total << " beats";
        break;
      }
      mem.drive(clock_.cycle());
      dut_->cmd_valid_i = next_cmd < commands.size();
      if (next_cmd < commands.size()) {
        dut_->cmd_addr_i = commands[next_cmd].addr;
        dut_->cmd_beats_i = commands[next_cmd].beats;
      }
      dut_->data_ready_i = std::uniform_real_distribution<double>(0, 1)(rng) < consumer_ready;
      clock_.settle();
      mem.observe(clock_.cycle());
      if (dut_->cmd_valid_i && dut_->cmd_ready_o) {
        ++next_cmd;
        beats_in_cmd = 0;
      }
      if (dut_->data_valid_o && dut_->data_ready_i) {
        const uint8_t* bytes = reinterpret_cast<const uint8_t*>(dut_->data_o.data());
        received.insert(received.end(), bytes, bytes + kBeatBytes);
        ++beats_in_cmd;
        ++beats_total;
        const Command& cur = commands[next_cmd - 1];
        EXPECT_EQ(bool(dut_->data_last_o), beats_in_cmd == cur.beats) << "beat " << beats_in_cmd;
      }
      if (dut_->beat_received_o) ++beats_received_;
      clock_.tick();
    }
    for (int i = 0; i < 50; ++i) {  // nothing more may arrive
      mem.drive(clock_.cycle());
      dut_->cmd_valid_i = 0;
      dut_->data_ready_i = 1;
      clock_.settle();
      mem.observe(clock_.cycle());
      EXPECT_FALSE(dut_->data_valid_o);
      EXPECT_FALSE(dut_->arvalid_o);
      clock_.tick();
    }
    EXPECT_TRUE(mem.errors.empty()) << mem.errors.front();
    EXPECT_LE(mem.max_outstanding, kMaxOutstanding);
    max_outstanding_ = mem.max_outstanding;
    bursts_ = mem.bursts_accepted;
    error_ = dut_->error_o;
    return received;
  }

  std::vector<uint8_t> expected(const std::vector<Command>& commands) const {
    std::vector<uint8_t> out;
    for (const auto& c : commands) {
      for (uint64_t i = 0; i < uint64_t(c.beats) * kBeatBytes; ++i) out.push_back(memory_.read(c.addr + i));
    }
    return out;
  }

  VerilatedUnit<Vmmfree_axi_read_streamer> dut_;
  SimClock<Vmmfree_axi_read_streamer> clock_;
  SparseMemory memory_;
  std::size_t max_outstanding_ = 0;
  uint64_t bursts_ = 0;
  uint64_t beats_received_ = 0;
  bool error_ = false;
};

TEST_F(ReadStreamer, IdealMemoryStreamsInOrder) {
  const std::vector<Command> cmds = {{0x10000, 1}, {0x10000, 100}, {0x10040, 17}};
  EXPECT_EQ(run(cmds, AxiTiming::ideal(), 1.0, 1), expected(cmds));
  EXPECT_EQ(beats_received_, 118u);
}

TEST_F(ReadStreamer, RandomLatencyAndStallsDeliverEveryByteOnce) {
  std::mt19937 rng(3);
  std::vector<Command> cmds;
  for (int i = 0; i < 12; ++i) {
    // Start anywhere on a beat, including just before 4 KiB boundaries.
    const uint64_t base = (i % 3 == 0) ? 0x7ffff000ull : (i % 3 == 1 ? 0x10000ull : 0x1234500000ull);
    const uint64_t addr = base - 4096 + 64 * (rng() % 128);
    cmds.push_back({addr, uint32_t(1 + rng() % 150)});
  }
  EXPECT_EQ(run(cmds, AxiTiming::random_stalls(), 0.5, 17), expected(cmds));
  EXPECT_FALSE(error_);
}

TEST_F(ReadStreamer, KeepsSeveralBurstsInFlightWhenMemoryIsSlow) {
  // A fast consumer and long latency: the engine must overlap bursts (up to its limit).
  AxiTiming slow{1.0, 1.0, 1.0, 1.0, 60, 60};
  const std::vector<Command> cmds = {{0x10000, 256}};
  EXPECT_EQ(run(cmds, slow, 1.0, 5), expected(cmds));
  EXPECT_GT(max_outstanding_, 1u);
  EXPECT_EQ(bursts_, 256u / kMaxBurst);
}

TEST_F(ReadStreamer, SplitsAtFourKilobyteBoundaries) {
  // 3 beats before a page end then onwards: the memory model rejects any crossing burst.
  const std::vector<Command> cmds = {{0x10000 + 4096 - 3 * 64, 40}};
  EXPECT_EQ(run(cmds, AxiTiming::ideal(), 1.0, 9), expected(cmds));
  EXPECT_GE(bursts_, 4u);  // 3 + 16 + 16 + 5
}

TEST_F(ReadStreamer, SlowConsumerNeverOverflowsTheFifo) {
  // The consumer takes a beat one cycle in ten: requests must wait for room, never drop data.
  const std::vector<Command> cmds = {{0x10000, 300}};
  EXPECT_EQ(run(cmds, AxiTiming::ideal(), 0.1, 21), expected(cmds));
}

TEST_F(ReadStreamer, ErrorResponseIsReported) {
  // Run with an erroring range by hand: the data still arrives, error_o goes up.
  AxiReadMemory mem(AxiReadPort{&dut_->arvalid_o, &dut_->arready_i, &dut_->araddr_o, &dut_->arlen_o,
                                &dut_->arsize_o, &dut_->arburst_o, &dut_->rvalid_i, &dut_->rready_o,
                                dut_->rdata_i.data(), &dut_->rresp_i, &dut_->rlast_i, kBeatBytes},
                    memory_, AxiTiming::ideal(), 4);
  mem.set_error_range(0x10000 + 5 * 64, 0x10000 + 6 * 64);
  unsigned got = 0;
  bool sent = false;
  for (int i = 0; i < 500 && got < 10; ++i) {
    mem.drive(clock_.cycle());
    dut_->cmd_valid_i = !sent;
    dut_->cmd_addr_i = 0x10000;
    dut_->cmd_beats_i = 10;
    dut_->data_ready_i = 1;
    clock_.settle();
    mem.observe(clock_.cycle());
    if (dut_->cmd_valid_i && dut_->cmd_ready_o) sent = true;
    if (dut_->data_valid_o) ++got;
    clock_.tick();
  }
  EXPECT_EQ(got, 10u);
  EXPECT_TRUE(dut_->error_o);
}

}  // namespace
