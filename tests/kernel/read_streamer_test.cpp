// mmfree_axi_read_streamer (the weight-port burst engine) against sim's AXI memory slave with
// read latency, random arready/rvalid stalls and a consumer that stalls at random: every byte
// of every command arrives exactly once and in order, with data_last on the last beat, and the
// bursts obey AXI's rules and the mmfree masters' promises (full-width aligned INCR bursts,
// never across 4 KiB: checked by the slave), with at most MaxOutstanding bursts in flight.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include "Vmmfree_axi_read_streamer.h"
#include "mmfree/sim/sim_harness.hpp"
#include "unit_top.hpp"

namespace {

using namespace mmfree::kernel_test;
namespace sim = mmfree::sim;

constexpr unsigned kBeatBytes = 64;
constexpr unsigned kMaxBurst = 16;  // the Verilated instance's parameters (CMakeLists.txt)
constexpr unsigned kMaxOutstanding = 4;

struct Command {
  uint64_t addr;
  uint32_t beats;
};

sim::MemoryTiming ideal() { return {}; }
sim::MemoryTiming random_stalls(uint64_t seed) {
  sim::MemoryTiming t;
  t.read_latency_cycles = 20;
  t.stall_probability = 0.35;
  t.stall_seed = seed;
  return t;
}

class ReadStreamer : public ::testing::Test {
 protected:
  // The unit on a memory slave with `timing`, and three regions of patterned memory (a
  // pattern that differs in every byte), each readable from 8 KiB before its base on.
  void open(const sim::MemoryTiming& timing) {
    auto top = std::make_unique<UnitTop<Vmmfree_axi_read_streamer>>("mmfree_axi_read_streamer");
    auto& d = top->dut();
    sim::AxiMasterPins pins{};
    pins.arvalid = &d.arvalid_o;
    pins.arready = &d.arready_i;
    pins.araddr = &d.araddr_o;
    pins.arlen = &d.arlen_o;
    pins.arsize = &d.arsize_o;
    pins.arburst = &d.arburst_o;
    pins.rvalid = &d.rvalid_i;
    pins.rready = &d.rready_o;
    pins.rdata = &d.rdata_i;
    pins.rresp = &d.rresp_i;
    pins.rlast = &d.rlast_i;
    top->ports.push_back({"m_axi_w00", pins});
    top_ = top.get();
    dut_ = &d;
    harness_ = std::make_unique<sim::SimHarness>(std::move(top), timing);
    harness_->port(0).set_full_width_incr_only(true);
    std::mt19937_64 rng(99);
    for (uint64_t& base : bases_) {
      const uint64_t region = harness_->memory().allocate(8192 + 64 * 1024);
      std::vector<uint64_t> pattern((8192 + 64 * 1024) / 8);
      for (auto& word : pattern) word = rng();
      harness_->memory().write(region, std::as_bytes(std::span<const uint64_t>(pattern)));
      base = region + 8192;
    }
    // Bursts in flight, counted from the address and last-beat handshakes the slave sees.
    top_->before_edge = [this] {
      if (dut_->arvalid_o && dut_->arready_i) max_outstanding_ = std::max(max_outstanding_, ++outstanding_);
      if (dut_->rvalid_i && dut_->rready_o && dut_->rlast_i) --outstanding_;
      if (observe_) observe_();
    };
  }

  // Runs the commands back to back (cmd_valid held while any is left); returns the received
  // bytes and checks data_last against the command being delivered, which may be older than
  // the last one accepted: the engine accepts a command once the previous one is requested.
  std::vector<uint8_t> run(const std::vector<Command>& commands, double consumer_ready, uint32_t seed) {
    std::mt19937 rng(seed + 1);
    std::vector<uint8_t> received;
    std::size_t next_cmd = 0, delivering = 0;
    uint64_t beats_in_cmd = 0, expected_total = 0, beats_total = 0;
    for (const auto& c : commands) expected_total += c.beats;
    observe_ = [&] {
      if (dut_->data_valid_o && dut_->data_ready_i) {
        const uint8_t* bytes = reinterpret_cast<const uint8_t*>(dut_->data_o.data());
        received.insert(received.end(), bytes, bytes + kBeatBytes);
        ++beats_in_cmd;
        ++beats_total;
        EXPECT_LT(delivering, next_cmd) << "a beat before its command was accepted";
        const Command& cur = commands[std::min(delivering, commands.size() - 1)];
        EXPECT_EQ(bool(dut_->data_last_o), beats_in_cmd == cur.beats) << "beat " << beats_in_cmd;
        if (beats_in_cmd == cur.beats) {
          ++delivering;
          beats_in_cmd = 0;
        }
      }
      if (dut_->cmd_valid_i && dut_->cmd_ready_o) {
        if (delivering < next_cmd) accepted_while_delivering_ = true;
        ++next_cmd;
        // The one being delivered and the one behind it, never more.
        EXPECT_LE(next_cmd - delivering, 2u);
      }
      if (dut_->beat_received_o) ++beats_received_;
    };
    for (uint64_t guard = 0; beats_total < expected_total; ++guard) {
      if (guard > 2'000'000) {
        ADD_FAILURE() << "stream stalled after " << beats_total << " beats";
        break;
      }
      dut_->cmd_valid_i = next_cmd < commands.size();
      if (next_cmd < commands.size()) {
        dut_->cmd_addr_i = commands[next_cmd].addr;
        dut_->cmd_beats_i = commands[next_cmd].beats;
      }
      dut_->data_ready_i = std::uniform_real_distribution<double>(0, 1)(rng) < consumer_ready;
      harness_->tick();
    }
    observe_ = [&] {  // nothing more may arrive
      EXPECT_FALSE(dut_->data_valid_o);
      EXPECT_FALSE(dut_->arvalid_o);
    };
    dut_->cmd_valid_i = 0;
    dut_->data_ready_i = 1;
    for (int i = 0; i < 50; ++i) harness_->tick();
    observe_ = nullptr;
    EXPECT_EQ(harness_->protocol_error(), "");
    EXPECT_LE(max_outstanding_, kMaxOutstanding);
    bursts_ = harness_->port(0).stats().read_bursts;
    error_ = dut_->error_o;
    return received;
  }

  std::vector<uint8_t> expected(const std::vector<Command>& commands) const {
    std::vector<uint8_t> out;
    for (const auto& c : commands) {
      std::vector<std::byte> bytes(uint64_t(c.beats) * kBeatBytes);
      harness_->memory().read(c.addr, bytes);
      for (std::byte b : bytes) out.push_back(std::to_integer<uint8_t>(b));
    }
    return out;
  }

  UnitTop<Vmmfree_axi_read_streamer>* top_ = nullptr;  // owned by harness_
  Vmmfree_axi_read_streamer* dut_ = nullptr;
  std::unique_ptr<sim::SimHarness> harness_;
  uint64_t bases_[3] = {};
  std::function<void()> observe_;
  unsigned outstanding_ = 0, max_outstanding_ = 0;
  uint64_t bursts_ = 0;
  uint64_t beats_received_ = 0;
  bool error_ = false;
  bool accepted_while_delivering_ = false;  // a command overlapped the previous one
};

TEST_F(ReadStreamer, IdealMemoryStreamsInOrder) {
  open(ideal());
  const std::vector<Command> cmds = {{bases_[0], 1}, {bases_[0], 100}, {bases_[0] + 64, 17}};
  EXPECT_EQ(run(cmds, 1.0, 1), expected(cmds));
  EXPECT_EQ(beats_received_, 118u);
}

TEST_F(ReadStreamer, RandomLatencyAndStallsDeliverEveryByteOnce) {
  open(random_stalls(17));
  std::mt19937 rng(3);
  std::vector<Command> cmds;
  for (int i = 0; i < 12; ++i) {
    // Start anywhere on a beat, including just before 4 KiB boundaries.
    const uint64_t addr = bases_[i % 3] - 4096 + 64 * (rng() % 128);
    cmds.push_back({addr, uint32_t(1 + rng() % 150)});
  }
  EXPECT_EQ(run(cmds, 0.5, 17), expected(cmds));
  EXPECT_FALSE(error_);
}

TEST_F(ReadStreamer, KeepsSeveralBurstsInFlightWhenMemoryIsSlow) {
  // A fast consumer and long latency: the engine must overlap bursts (up to its limit).
  sim::MemoryTiming slow;
  slow.read_latency_cycles = 60;
  open(slow);
  const std::vector<Command> cmds = {{bases_[0], 256}};
  EXPECT_EQ(run(cmds, 1.0, 5), expected(cmds));
  EXPECT_GT(max_outstanding_, 1u);
  EXPECT_EQ(bursts_, 256u / kMaxBurst);
}

TEST_F(ReadStreamer, SplitsAtFourKilobyteBoundaries) {
  // 3 beats before a page end then onwards: the memory slave reports any crossing burst.
  open(ideal());
  const std::vector<Command> cmds = {{bases_[0] + 4096 - 3 * 64, 40}};
  EXPECT_EQ(run(cmds, 1.0, 9), expected(cmds));
  EXPECT_GE(bursts_, 4u);  // 3 + 16 + 16 + 5
}

TEST_F(ReadStreamer, SlowConsumerNeverOverflowsTheFifo) {
  // The consumer takes a beat one cycle in ten: requests must wait for room, never drop data.
  open(ideal());
  const std::vector<Command> cmds = {{bases_[0], 300}};
  EXPECT_EQ(run(cmds, 0.1, 21), expected(cmds));
}

TEST_F(ReadStreamer, ErrorResponseIsReported) {
  // Ten beats whose last five lie past the end of the simulated memory: the slave answers
  // those with DECERR; every beat still arrives, and error_o goes up.
  open(ideal());
  const uint64_t end = sim::SimMemory::kBaseAddress + harness_->memory().allocated_bytes();
  unsigned got = 0;
  bool sent = false;
  observe_ = [&] {
    if (dut_->cmd_valid_i && dut_->cmd_ready_o) sent = true;
    if (dut_->data_valid_o) ++got;
  };
  for (int i = 0; i < 500 && got < 10; ++i) {
    dut_->cmd_valid_i = !sent;
    dut_->cmd_addr_i = end - 5 * 64;
    dut_->cmd_beats_i = 10;
    dut_->data_ready_i = 1;
    harness_->tick();
  }
  observe_ = nullptr;
  EXPECT_EQ(got, 10u);
  EXPECT_TRUE(dut_->error_o);
  EXPECT_GT(harness_->port(0).stats().decode_errors, 0u);
}

TEST_F(ReadStreamer, NextCommandIsRequestedWhileThePreviousOneIsArriving) {
  // Short commands on a slow memory: once a command's bursts are all requested, the next
  // command is accepted and its burst is requested before the previous command's data is
  // delivered, and data_last still marks each command's own last beat (checked in run()).
  sim::MemoryTiming slow;
  slow.read_latency_cycles = 60;
  open(slow);
  bool second_requested_early = false;
  uint64_t delivered = 0;
  const std::vector<Command> cmds = {{bases_[0], 2}, {bases_[1] + 128, 3}, {bases_[2], 1}, {bases_[0] + 640, 2}};
  top_->before_edge = [this, &second_requested_early, &delivered, first = cmds[0], second = cmds[1]] {
    if (dut_->arvalid_o && dut_->arready_i && dut_->araddr_o == second.addr && delivered < first.beats)
      second_requested_early = true;
    if (dut_->data_valid_o && dut_->data_ready_i) ++delivered;
    if (dut_->arvalid_o && dut_->arready_i) max_outstanding_ = std::max(max_outstanding_, ++outstanding_);
    if (dut_->rvalid_i && dut_->rready_o && dut_->rlast_i) --outstanding_;
    if (observe_) observe_();
  };
  EXPECT_EQ(run(cmds, 1.0, 3), expected(cmds));
  EXPECT_TRUE(accepted_while_delivering_);
  EXPECT_TRUE(second_requested_early);
  EXPECT_EQ(beats_received_, 8u);
}

TEST_F(ReadStreamer, BackToBackUnderRandomStallsKeepsEveryCommandApart) {
  // Many short commands (1..4 beats) held back to back under random latency and stalls.
  open(random_stalls(23));
  std::mt19937 rng(11);
  std::vector<Command> cmds;
  for (int i = 0; i < 40; ++i) cmds.push_back({bases_[i % 3] - 4096 + 64 * (rng() % 128), uint32_t(1 + rng() % 4)});
  EXPECT_EQ(run(cmds, 0.7, 23), expected(cmds));
  EXPECT_TRUE(accepted_while_delivering_);
  EXPECT_FALSE(error_);
}

class ReadStreamerErrors : public ReadStreamer {
 protected:
  // Two commands accepted back to back while the consumer holds off until every beat of both
  // has arrived (so the second command's responses are in before the first is delivered);
  // then drains, and returns error_o as seen with each command's last beat.
  std::pair<bool, bool> error_at_each_last_beat(const Command& first, const Command& second) {
    const uint64_t total = uint64_t(first.beats) + second.beats;
    std::size_t accepted = 0;
    uint64_t arrived = 0, delivered = 0;
    std::vector<bool> error_at_last;
    observe_ = [&] {
      if (dut_->cmd_valid_i && dut_->cmd_ready_o) ++accepted;
      if (dut_->beat_received_o) ++arrived;
      if (dut_->data_valid_o && dut_->data_ready_i) {
        ++delivered;
        if (dut_->data_last_o) error_at_last.push_back(dut_->error_o);
        EXPECT_EQ(bool(dut_->data_last_o), delivered == first.beats || delivered == total);
      }
    };
    for (int i = 0; i < 2000 && delivered < total; ++i) {
      const Command& c = accepted == 0 ? first : second;
      dut_->cmd_valid_i = accepted < 2;
      dut_->cmd_addr_i = c.addr;
      dut_->cmd_beats_i = c.beats;
      dut_->data_ready_i = arrived == total;
      harness_->tick();
    }
    observe_ = nullptr;
    EXPECT_EQ(accepted, 2u);
    EXPECT_EQ(delivered, total);
    EXPECT_EQ(error_at_last.size(), 2u);
    if (error_at_last.size() != 2) return {false, false};
    return {error_at_last[0], error_at_last[1]};
  }
  uint64_t past_end(unsigned beats_before_end) const {
    return sim::SimMemory::kBaseAddress + harness_->memory().allocated_bytes() - 64 * beats_before_end;
  }
};

TEST_F(ReadStreamerErrors, AnErrorInTheFirstCommandDoesNotLeakIntoTheSecond) {
  open(ideal());
  const auto [first, second] = error_at_each_last_beat({past_end(2), 6}, {bases_[0], 5});
  EXPECT_GT(harness_->port(0).stats().decode_errors, 0u);
  EXPECT_TRUE(first);
  EXPECT_FALSE(second);
  EXPECT_FALSE(dut_->error_o);
}

TEST_F(ReadStreamerErrors, AnErrorInTheSecondCommandIsNotBlamedOnTheFirst) {
  open(ideal());
  const auto [first, second] = error_at_each_last_beat({bases_[1], 5}, {past_end(1), 4});
  EXPECT_GT(harness_->port(0).stats().decode_errors, 0u);
  EXPECT_FALSE(first);
  EXPECT_TRUE(second);
  EXPECT_TRUE(dut_->error_o);  // sticky after the last command
}

}  // namespace
