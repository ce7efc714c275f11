// mmfree_control_slave against the ap_ctrl_hs protocol, driven by sim's AXI4-Lite host driver
// through sim's SimHarness: start/done/idle/ready, clear-on-read, auto-restart, interrupt with
// GIE/IER/ISR (toggle on write), argument registers with byte strobes, the channel orders AXI
// allows (random delays per channel), and the counters' high-word latch.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "Vmmfree_control_slave.h"
#include "mmfree/regmap.hpp"
#include "mmfree/sim/sim_harness.hpp"
#include "unit_top.hpp"

namespace {

using namespace mmfree::kernel_test;
namespace rm = mmfree::regmap;
namespace sim = mmfree::sim;

constexpr unsigned kPorts = 3;  // the Verilated instance's NumWeightPorts (tests/kernel/CMakeLists.txt)

class ControlSlave : public ::testing::Test {
 protected:
  ControlSlave() {
    auto top = std::make_unique<UnitTop<Vmmfree_control_slave>>("mmfree_control_slave");
    auto& d = top->dut();
    top->control = sim::AxiLitePins{
        .awvalid = &d.awvalid_i, .awready = &d.awready_o, .awaddr = &d.awaddr_i, .wvalid = &d.wvalid_i,
        .wready = &d.wready_o,   .wdata = &d.wdata_i,     .wstrb = &d.wstrb_i,   .bvalid = &d.bvalid_o,
        .bready = &d.bready_i,   .bresp = &d.bresp_o,     .arvalid = &d.arvalid_i, .arready = &d.arready_o,
        .araddr = &d.araddr_i,   .rvalid = &d.rvalid_o,   .rready = &d.rready_i, .rdata = &d.rdata_o,
        .rresp = &d.rresp_o};
    top_ = top.get();
    dut_ = &d;
    harness_ = std::make_unique<sim::SimHarness>(std::move(top), sim::MemoryTiming{});
    // Every edge: a start seen at it is counted, and the core's done/status are presented.
    top_->before_edge = [this] {
      if (dut_->start_o) ++starts_seen_;
      dut_->done_i = finish_now_;
      dut_->status_i = status_;
    };
    top_->settle();
  }

  void idle_cycles(unsigned n) {
    for (unsigned i = 0; i < n; ++i) harness_->tick();
  }
  // Pulses done_i for one cycle (the core completing its command).
  void finish(uint32_t status = 0) {
    finish_now_ = true;
    status_ = status;
    harness_->tick();
    finish_now_ = false;
    dut_->done_i = 0;
  }

  // One AXI4-Lite transaction through the harness's driver; any response but OKAY fails.
  void write(uint32_t address, uint32_t value, uint32_t strobe = 0xF) {
    harness_->control().begin_write(address, value, strobe);
    finish_transaction("write", address);
  }
  uint32_t read(uint32_t address) {
    harness_->control().begin_read(address);
    finish_transaction("read", address);
    return harness_->control().read_value();
  }
  uint64_t read64(uint32_t address) {
    const uint64_t lo = read(address);
    return lo | uint64_t(read(address + 4)) << 32;
  }
  void write64(uint32_t address, uint64_t value) {
    write(address, uint32_t(value));
    write(address + 4, uint32_t(value >> 32));
  }
  uint32_t ctrl() { return read(rm::ctrl::kOffset); }

  UnitTop<Vmmfree_control_slave>* top_ = nullptr;  // owned by harness_
  Vmmfree_control_slave* dut_ = nullptr;
  std::unique_ptr<sim::SimHarness> harness_;
  unsigned starts_seen_ = 0;
  bool finish_now_ = false;
  uint32_t status_ = 0;

 private:
  void finish_transaction(const char* what, uint32_t address) {
    for (unsigned guard = 0; harness_->control().busy(); ++guard) {
      if (guard > 10000) throw std::runtime_error(std::string("AXI-Lite ") + what + " timed out at " + std::to_string(address));
      harness_->tick();
    }
    if (harness_->control().response() != 0) {
      throw std::runtime_error(std::string("AXI-Lite ") + what + " error response at " + std::to_string(address));
    }
  }
};

TEST_F(ControlSlave, IdleAfterResetAndIdentifies) {
  const uint32_t c = ctrl();
  EXPECT_TRUE(c & rm::ctrl::kApIdle);
  EXPECT_FALSE(c & (rm::ctrl::kApStart | rm::ctrl::kApDone | rm::ctrl::kApReady | rm::ctrl::kAutoRestart));
  EXPECT_EQ(read(rm::hw_magic::kOffset), rm::kKernelMagic);
  EXPECT_EQ(read(rm::hw_version::kOffset), rm::kInterfaceVersion);
  EXPECT_EQ(read(rm::hw_weight_ports::kOffset), kPorts);
  EXPECT_EQ(read(rm::hw_weight_data_width::kOffset), 512u);
  EXPECT_EQ(dut_->interrupt_o, 0);
}

TEST_F(ControlSlave, StartRunDoneHandshake) {
  write(rm::ctrl::kOffset, rm::ctrl::kApStart);
  idle_cycles(3);
  EXPECT_EQ(starts_seen_, 1u) << "start_o must be seen exactly once per command";
  uint32_t c = ctrl();
  EXPECT_TRUE(c & rm::ctrl::kApStart);
  EXPECT_FALSE(c & rm::ctrl::kApIdle);
  EXPECT_FALSE(c & rm::ctrl::kApDone);

  // Writing 0 to ap_start does not abort a running command.
  write(rm::ctrl::kOffset, 0);
  EXPECT_TRUE(ctrl() & rm::ctrl::kApStart);

  finish(rm::status::kBadToken);
  c = ctrl();
  EXPECT_TRUE(c & rm::ctrl::kApDone);
  EXPECT_TRUE(c & rm::ctrl::kApReady);
  EXPECT_TRUE(c & rm::ctrl::kApIdle);
  EXPECT_FALSE(c & rm::ctrl::kApStart);
  EXPECT_EQ(read(rm::status::kOffset), rm::status::kBadToken);
  // Clear on read.
  c = ctrl();
  EXPECT_FALSE(c & (rm::ctrl::kApDone | rm::ctrl::kApReady));
  EXPECT_TRUE(c & rm::ctrl::kApIdle);
  idle_cycles(5);
  EXPECT_EQ(starts_seen_, 1u) << "no restart without auto_restart";
}

TEST_F(ControlSlave, DoneCoincidingWithAReadIsNotLost) {
  write(rm::ctrl::kOffset, rm::ctrl::kApStart);
  idle_cycles(2);
  // The done pulse lands on the same edge as the address handshake of a ctrl read: that read
  // may or may not see it, but the next one must if the first did not.
  harness_->control().begin_read(rm::ctrl::kOffset);
  finish();
  ASSERT_NE(harness_->control().describe_state().find("RVALID"), std::string::npos)
      << "the read's address was not taken at the edge of the done pulse: " << harness_->control().describe_state();
  for (unsigned guard = 0; harness_->control().busy() && guard < 100; ++guard) harness_->tick();
  ASSERT_FALSE(harness_->control().busy());
  const bool first = harness_->control().read_value() & rm::ctrl::kApDone;
  idle_cycles(1);
  const bool second = ctrl() & rm::ctrl::kApDone;
  EXPECT_TRUE(first || second);
  EXPECT_FALSE(first && second) << "a done seen once must be cleared by that read";
}

TEST_F(ControlSlave, AutoRestartRunsUntilCleared) {
  write(rm::ctrl::kOffset, rm::ctrl::kApStart | rm::ctrl::kAutoRestart);
  idle_cycles(2);
  EXPECT_EQ(starts_seen_, 1u);
  for (unsigned run = 2; run <= 4; ++run) {
    finish();
    idle_cycles(2);
    EXPECT_EQ(starts_seen_, run);
    EXPECT_TRUE(ctrl() & rm::ctrl::kApStart);
  }
  // Clearing auto_restart lets the running command be the last one.
  write(rm::ctrl::kOffset, 0);
  EXPECT_FALSE(ctrl() & rm::ctrl::kAutoRestart);
  finish();
  idle_cycles(4);
  EXPECT_EQ(starts_seen_, 4u);
  const uint32_t c = ctrl();
  EXPECT_FALSE(c & rm::ctrl::kApStart);
  EXPECT_TRUE(c & rm::ctrl::kApIdle);
}

TEST_F(ControlSlave, InterruptFollowsGieIerIsr) {
  // Enabled in IER but not globally: ISR records, the line stays low.
  write(rm::ier::kOffset, rm::ier::kDone);
  write(rm::ctrl::kOffset, rm::ctrl::kApStart);
  finish();
  EXPECT_EQ(read(rm::isr::kOffset), rm::isr::kDone);
  EXPECT_EQ(dut_->interrupt_o, 0);
  write(rm::gie::kOffset, rm::gie::kEnable);
  top_->settle();
  EXPECT_EQ(dut_->interrupt_o, 1);
  // Toggle on write clears it; writing 0 changes nothing.
  write(rm::isr::kOffset, 0);
  EXPECT_EQ(read(rm::isr::kOffset), rm::isr::kDone);
  write(rm::isr::kOffset, rm::isr::kDone);
  EXPECT_EQ(read(rm::isr::kOffset), 0u);
  top_->settle();
  EXPECT_EQ(dut_->interrupt_o, 0);
  // Toggle on write also sets (how software can test the line).
  write(rm::isr::kOffset, rm::isr::kReady);
  top_->settle();
  EXPECT_EQ(dut_->interrupt_o, 1);
  write(rm::isr::kOffset, rm::isr::kReady);

  // Ready enabled too: both bits at the next done.
  write(rm::ier::kOffset, rm::ier::kDone | rm::ier::kReady);
  write(rm::ctrl::kOffset, rm::ctrl::kApStart);
  finish();
  EXPECT_EQ(read(rm::isr::kOffset), rm::isr::kDone | rm::isr::kReady);
  // Nothing enabled: a done leaves ISR alone.
  write(rm::isr::kOffset, rm::isr::kDone | rm::isr::kReady);
  write(rm::ier::kOffset, 0);
  write(rm::ctrl::kOffset, rm::ctrl::kApStart);
  finish();
  EXPECT_EQ(read(rm::isr::kOffset), 0u);
  top_->settle();
  EXPECT_EQ(dut_->interrupt_o, 0);
}

TEST_F(ControlSlave, ArgumentsReadBackAndReachTheCore) {
  std::mt19937_64 rng(7);
  harness_->control().set_random_delays(3, 11);
  const uint64_t params = rng(), state = rng(), io = rng();
  const uint32_t tokens = uint32_t(rng()), lanes = uint32_t(rng()), flags = uint32_t(rng());
  const uint32_t slots = uint32_t(rng()), reset = uint32_t(rng());
  const unsigned batch = read(rm::hw_batch_lanes::kOffset);
  ASSERT_GE(batch, 1u);
  ASSERT_LE(batch, rm::kMaxBatchLanes);
  std::vector<uint32_t> lane_slot(batch);
  for (auto& v : lane_slot) v = uint32_t(rng());
  uint64_t weights[kPorts];
  write64(rm::params::kOffset, params);
  write64(rm::state::kOffset, state);
  write64(rm::io::kOffset, io);
  write(rm::num_tokens::kOffset, tokens);
  write(rm::num_lanes::kOffset, lanes);
  write(rm::flags::kOffset, flags);
  write(rm::num_slots::kOffset, slots);
  write(rm::lane_reset::kOffset, reset);
  for (unsigned k = 0; k < batch; ++k) write(rm::lane_slot_offset(k), lane_slot[k]);
  for (unsigned p = 0; p < kPorts; ++p) write64(rm::weight_port_offset(p), weights[p] = rng());

  EXPECT_EQ(read64(rm::params::kOffset), params);
  EXPECT_EQ(read64(rm::state::kOffset), state);
  EXPECT_EQ(read64(rm::io::kOffset), io);
  EXPECT_EQ(read(rm::num_tokens::kOffset), tokens);
  EXPECT_EQ(read(rm::num_lanes::kOffset), lanes);
  EXPECT_EQ(read(rm::flags::kOffset), flags);
  EXPECT_EQ(read(rm::num_slots::kOffset), slots);
  EXPECT_EQ(read(rm::lane_reset::kOffset), reset);
  for (unsigned k = 0; k < batch; ++k) EXPECT_EQ(read(rm::lane_slot_offset(k)), lane_slot[k]) << k;
  for (unsigned p = 0; p < kPorts; ++p) EXPECT_EQ(read64(rm::weight_port_offset(p)), weights[p]) << p;

  EXPECT_EQ(dut_->params_o, params);
  EXPECT_EQ(dut_->state_o, state);
  EXPECT_EQ(dut_->io_o, io);
  EXPECT_EQ(dut_->num_tokens_o, tokens);
  EXPECT_EQ(dut_->num_lanes_o, lanes);
  EXPECT_EQ(dut_->flags_o, flags);
  EXPECT_EQ(dut_->num_slots_o, slots);
  EXPECT_EQ(dut_->lane_reset_o, reset);
  for (unsigned k = 0; k < batch; ++k) EXPECT_EQ(dut_->lane_slots_o[k], lane_slot[k]) << k;  // (B = 4: a wide port)
  for (unsigned p = 0; p < kPorts; ++p) {
    const uint64_t got = uint64_t(dut_->weight_base_o[2 * p]) | uint64_t(dut_->weight_base_o[2 * p + 1]) << 32;
    EXPECT_EQ(got, weights[p]) << p;
  }

  // Byte strobes: only the enabled bytes change.
  write(rm::num_tokens::kOffset, 0xAABBCCDD, 0b0101);
  EXPECT_EQ(read(rm::num_tokens::kOffset), (tokens & 0xFF00FF00u) | 0x00BB00DDu);
  // Unmapped words read zero and ignore writes.
  write(0xFF0, 0xFFFFFFFF);
  EXPECT_EQ(read(0xFF0), 0u);
}

TEST_F(ControlSlave, CounterHighWordIsLatchedByTheLowRead) {
  auto set_counter = [&](unsigned index, uint64_t v) {
    dut_->counters_i[2 * index] = uint32_t(v);
    dut_->counters_i[2 * index + 1] = uint32_t(v >> 32);
  };
  for (unsigned i = 0; i < rm::kCounters.size(); ++i) set_counter(i, 0x1111111100000000ull * (i + 1) + i);
  for (unsigned p = 0; p < kPorts; ++p) {
    dut_->port_bytes_i[2 * p] = 100 + p;
    dut_->port_bytes_i[2 * p + 1] = 7 + p;
  }
  for (unsigned i = 0; i < rm::kCounters.size(); ++i) {
    EXPECT_EQ(read64(rm::kCounters[i].offset), 0x1111111100000000ull * (i + 1) + i) << rm::kCounters[i].name;
  }
  for (unsigned p = 0; p < kPorts; ++p) {
    EXPECT_EQ(read64(rm::weight_port_bytes_offset(p)), (uint64_t(7 + p) << 32) | (100 + p));
  }
  // The counter carries between the two reads: the pair still reads the value at the low read.
  set_counter(0, 0x00000004FFFFFFFFull);
  const uint32_t lo = read(rm::counter::kCycles);
  set_counter(0, 0x0000000500000000ull);
  const uint32_t hi = read(rm::counter::kCycles + 4);
  EXPECT_EQ((uint64_t(hi) << 32) | lo, 0x00000004FFFFFFFFull);
}

TEST_F(ControlSlave, RandomChannelOrderKeepsEveryWrite) {
  // AW before W, W before AW, late bready/rready: every write lands once.
  harness_->control().set_random_delays(4, 2024);
  std::mt19937 rng(5);
  uint32_t expect_tokens = 0, expect_lanes = 0;
  for (int i = 0; i < 200; ++i) {
    const uint32_t v = rng();
    if (rng() & 1) {
      write(rm::num_tokens::kOffset, v);
      expect_tokens = v;
    } else {
      write(rm::num_lanes::kOffset, v);
      expect_lanes = v;
    }
    if (i % 10 == 0) {
      EXPECT_EQ(read(rm::num_tokens::kOffset), expect_tokens);
      EXPECT_EQ(read(rm::num_lanes::kOffset), expect_lanes);
    }
  }
  EXPECT_EQ(read(rm::num_tokens::kOffset), expect_tokens);
  EXPECT_EQ(read(rm::num_lanes::kOffset), expect_lanes);
}

}  // namespace
