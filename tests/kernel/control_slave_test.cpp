// mmfree_control_slave against the ap_ctrl_hs protocol, driven by a C++ AXI4-Lite master:
// start/done/idle/ready, clear-on-read, auto-restart, interrupt with GIE/IER/ISR (toggle on
// write), argument registers with byte strobes, and the counters' high-word latch.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "Vmmfree_control_slave.h"
#include "axi_lite_driver.hpp"
#include "mmfree/regmap.hpp"
#include "sim_clock.hpp"

namespace {

using namespace mmfree::kernel_test;
namespace rm = mmfree::regmap;

constexpr unsigned kPorts = 3;  // the Verilated instance's NumWeightPorts (tests/kernel/CMakeLists.txt)

class ControlSlave : public ::testing::Test {
 protected:
  ControlSlave()
      : clock_(*dut_.model, dut_->clk_i),
        bus_(AxiLitePort{&dut_->awvalid_i, &dut_->awready_o, &dut_->awaddr_i, &dut_->wvalid_i,
                         &dut_->wready_o, &dut_->wdata_i, &dut_->wstrb_i, &dut_->bvalid_o,
                         &dut_->bready_i, &dut_->bresp_o, &dut_->arvalid_i, &dut_->arready_o,
                         &dut_->araddr_i, &dut_->rvalid_o, &dut_->rready_i, &dut_->rdata_o,
                         &dut_->rresp_o},
             [this] { clock_.settle(); }, [this] { edge(); }) {
    dut_->done_i = 0;
    dut_->rst_ni = 0;
    clock_.tick();
    clock_.tick();
    dut_->rst_ni = 1;
    clock_.settle();
  }

  // One clock edge; a start seen at this edge is counted, and a requested done is pulsed.
  void edge() {
    clock_.settle();
    if (dut_->start_o) ++starts_seen_;
    dut_->done_i = finish_now_;
    dut_->status_i = status_;
    clock_.tick();
    if (finish_now_) {
      dut_->done_i = 0;
      finish_now_ = false;
    }
  }

  void idle_cycles(unsigned n) {
    for (unsigned i = 0; i < n; ++i) edge();
  }
  // Pulses done_i for one cycle (the core completing its command).
  void finish(uint32_t status = 0) {
    finish_now_ = true;
    status_ = status;
    edge();
  }
  uint32_t ctrl() { return bus_.read(rm::ctrl::kOffset); }

  VerilatedUnit<Vmmfree_control_slave> dut_;
  SimClock<Vmmfree_control_slave> clock_;
  AxiLiteDriver bus_;
  unsigned starts_seen_ = 0;
  bool finish_now_ = false;
  uint32_t status_ = 0;
};

TEST_F(ControlSlave, IdleAfterResetAndIdentifies) {
  const uint32_t c = ctrl();
  EXPECT_TRUE(c & rm::ctrl::kApIdle);
  EXPECT_FALSE(c & (rm::ctrl::kApStart | rm::ctrl::kApDone | rm::ctrl::kApReady | rm::ctrl::kAutoRestart));
  EXPECT_EQ(bus_.read(rm::hw_magic::kOffset), rm::kKernelMagic);
  EXPECT_EQ(bus_.read(rm::hw_version::kOffset), rm::kInterfaceVersion);
  EXPECT_EQ(bus_.read(rm::hw_weight_ports::kOffset), kPorts);
  EXPECT_EQ(bus_.read(rm::hw_weight_data_width::kOffset), 512u);
  EXPECT_EQ(dut_->interrupt_o, 0);
}

TEST_F(ControlSlave, StartRunDoneHandshake) {
  bus_.write(rm::ctrl::kOffset, rm::ctrl::kApStart);
  idle_cycles(3);
  EXPECT_EQ(starts_seen_, 1u) << "start_o must be seen exactly once per command";
  uint32_t c = ctrl();
  EXPECT_TRUE(c & rm::ctrl::kApStart);
  EXPECT_FALSE(c & rm::ctrl::kApIdle);
  EXPECT_FALSE(c & rm::ctrl::kApDone);

  // Writing 0 to ap_start does not abort a running command.
  bus_.write(rm::ctrl::kOffset, 0);
  EXPECT_TRUE(ctrl() & rm::ctrl::kApStart);

  finish(rm::status::kBadToken);
  c = ctrl();
  EXPECT_TRUE(c & rm::ctrl::kApDone);
  EXPECT_TRUE(c & rm::ctrl::kApReady);
  EXPECT_TRUE(c & rm::ctrl::kApIdle);
  EXPECT_FALSE(c & rm::ctrl::kApStart);
  EXPECT_EQ(bus_.read(rm::status::kOffset), rm::status::kBadToken);
  // Clear on read.
  c = ctrl();
  EXPECT_FALSE(c & (rm::ctrl::kApDone | rm::ctrl::kApReady));
  EXPECT_TRUE(c & rm::ctrl::kApIdle);
  idle_cycles(5);
  EXPECT_EQ(starts_seen_, 1u) << "no restart without auto_restart";
}

TEST_F(ControlSlave, DoneCoincidingWithAReadIsNotLost) {
  bus_.write(rm::ctrl::kOffset, rm::ctrl::kApStart);
  idle_cycles(2);
  // The done pulse lands on the same edge as the address handshake of a ctrl read: that read
  // may or may not see it, but the next one must if the first did not.
  dut_->araddr_i = rm::ctrl::kOffset;
  dut_->arvalid_i = 1;
  dut_->rready_i = 1;
  finish();
  dut_->arvalid_i = 0;
  idle_cycles(1);
  const bool first = dut_->rdata_o & rm::ctrl::kApDone;
  dut_->rready_i = 0;
  idle_cycles(1);
  const bool second = ctrl() & rm::ctrl::kApDone;
  EXPECT_TRUE(first || second);
  EXPECT_FALSE(first && second) << "a done seen once must be cleared by that read";
}

TEST_F(ControlSlave, AutoRestartRunsUntilCleared) {
  bus_.write(rm::ctrl::kOffset, rm::ctrl::kApStart | rm::ctrl::kAutoRestart);
  idle_cycles(2);
  EXPECT_EQ(starts_seen_, 1u);
  for (unsigned run = 2; run <= 4; ++run) {
    finish();
    idle_cycles(2);
    EXPECT_EQ(starts_seen_, run);
    EXPECT_TRUE(ctrl() & rm::ctrl::kApStart);
  }
  // Clearing auto_restart lets the running command be the last one.
  bus_.write(rm::ctrl::kOffset, 0);
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
  bus_.write(rm::ier::kOffset, rm::ier::kDone);
  bus_.write(rm::ctrl::kOffset, rm::ctrl::kApStart);
  finish();
  EXPECT_EQ(bus_.read(rm::isr::kOffset), rm::isr::kDone);
  EXPECT_EQ(dut_->interrupt_o, 0);
  bus_.write(rm::gie::kOffset, rm::gie::kEnable);
  clock_.settle();
  EXPECT_EQ(dut_->interrupt_o, 1);
  // Toggle on write clears it; writing 0 changes nothing.
  bus_.write(rm::isr::kOffset, 0);
  EXPECT_EQ(bus_.read(rm::isr::kOffset), rm::isr::kDone);
  bus_.write(rm::isr::kOffset, rm::isr::kDone);
  EXPECT_EQ(bus_.read(rm::isr::kOffset), 0u);
  clock_.settle();
  EXPECT_EQ(dut_->interrupt_o, 0);
  // Toggle on write also sets (how software can test the line).
  bus_.write(rm::isr::kOffset, rm::isr::kReady);
  clock_.settle();
  EXPECT_EQ(dut_->interrupt_o, 1);
  bus_.write(rm::isr::kOffset, rm::isr::kReady);

  // Ready enabled too: both bits at the next done.
  bus_.write(rm::ier::kOffset, rm::ier::kDone | rm::ier::kReady);
  bus_.write(rm::ctrl::kOffset, rm::ctrl::kApStart);
  finish();
  EXPECT_EQ(bus_.read(rm::isr::kOffset), rm::isr::kDone | rm::isr::kReady);
  // Nothing enabled: a done leaves ISR alone.
  bus_.write(rm::isr::kOffset, rm::isr::kDone | rm::isr::kReady);
  bus_.write(rm::ier::kOffset, 0);
  bus_.write(rm::ctrl::kOffset, rm::ctrl::kApStart);
  finish();
  EXPECT_EQ(bus_.read(rm::isr::kOffset), 0u);
  clock_.settle();
  EXPECT_EQ(dut_->interrupt_o, 0);
}

TEST_F(ControlSlave, ArgumentsReadBackAndReachTheCore) {
  std::mt19937_64 rng(7);
  bus_.set_random_delays(3, 11);
  const uint64_t params = rng(), state = rng(), io = rng();
  const uint32_t tokens = uint32_t(rng()), slot = uint32_t(rng()), flags = uint32_t(rng());
  uint64_t weights[kPorts];
  bus_.write64(rm::params::kOffset, params);
  bus_.write64(rm::state::kOffset, state);
  bus_.write64(rm::io::kOffset, io);
  bus_.write(rm::num_tokens::kOffset, tokens);
  bus_.write(rm::state_slot::kOffset, slot);
  bus_.write(rm::flags::kOffset, flags);
  for (unsigned p = 0; p < kPorts; ++p) bus_.write64(rm::weight_port_offset(p), weights[p] = rng());

  EXPECT_EQ(bus_.read64(rm::params::kOffset), params);
  EXPECT_EQ(bus_.read64(rm::state::kOffset), state);
  EXPECT_EQ(bus_.read64(rm::io::kOffset), io);
  EXPECT_EQ(bus_.read(rm::num_tokens::kOffset), tokens);
  EXPECT_EQ(bus_.read(rm::state_slot::kOffset), slot);
  EXPECT_EQ(bus_.read(rm::flags::kOffset), flags);
  for (unsigned p = 0; p < kPorts; ++p) EXPECT_EQ(bus_.read64(rm::weight_port_offset(p)), weights[p]) << p;

  EXPECT_EQ(dut_->params_o, params);
  EXPECT_EQ(dut_->state_o, state);
  EXPECT_EQ(dut_->io_o, io);
  EXPECT_EQ(dut_->num_tokens_o, tokens);
  EXPECT_EQ(dut_->state_slot_o, slot);
  EXPECT_EQ(dut_->flags_o, flags);
  for (unsigned p = 0; p < kPorts; ++p) {
    const uint64_t got = uint64_t(dut_->weight_base_o[2 * p]) | uint64_t(dut_->weight_base_o[2 * p + 1]) << 32;
    EXPECT_EQ(got, weights[p]) << p;
  }

  // Byte strobes: only the enabled bytes change.
  bus_.write(rm::num_tokens::kOffset, 0xAABBCCDD, 0b0101);
  EXPECT_EQ(bus_.read(rm::num_tokens::kOffset), (tokens & 0xFF00FF00u) | 0x00BB00DDu);
  // Unmapped words read zero and ignore writes.
  bus_.write(0xFF0, 0xFFFFFFFF);
  EXPECT_EQ(bus_.read(0xFF0), 0u);
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
    EXPECT_EQ(bus_.read64(rm::kCounters[i].offset), 0x1111111100000000ull * (i + 1) + i) << rm::kCounters[i].name;
  }
  for (unsigned p = 0; p < kPorts; ++p) {
    EXPECT_EQ(bus_.read64(rm::weight_port_bytes_offset(p)), (uint64_t(7 + p) << 32) | (100 + p));
  }
  // The counter carries between the two reads: the pair still reads the value at the low read.
  set_counter(0, 0x00000004FFFFFFFFull);
  const uint32_t lo = bus_.read(rm::counter::kCycles);
  set_counter(0, 0x0000000500000000ull);
  const uint32_t hi = bus_.read(rm::counter::kCycles + 4);
  EXPECT_EQ((uint64_t(hi) << 32) | lo, 0x00000004FFFFFFFFull);
}

TEST_F(ControlSlave, RandomChannelOrderKeepsEveryWrite) {
  // AW before W, W before AW, late bready/rready: every write lands once.
  bus_.set_random_delays(4, 2024);
  std::mt19937 rng(5);
  uint32_t expect_tokens = 0, expect_slot = 0;
  for (int i = 0; i < 200; ++i) {
    const uint32_t v = rng();
    if (rng() & 1) {
      bus_.write(rm::num_tokens::kOffset, v);
      expect_tokens = v;
    } else {
      bus_.write(rm::state_slot::kOffset, v);
      expect_slot = v;
    }
    if (i % 10 == 0) {
      EXPECT_EQ(bus_.read(rm::num_tokens::kOffset), expect_tokens);
      EXPECT_EQ(bus_.read(rm::state_slot::kOffset), expect_slot);
    }
  }
  EXPECT_EQ(bus_.read(rm::num_tokens::kOffset), expect_tokens);
  EXPECT_EQ(bus_.read(rm::state_slot::kOffset), expect_slot);
}

}  // namespace
