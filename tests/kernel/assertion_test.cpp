// The RTL's assertions (SVA inside `ifndef SYNTHESIS, Verilated with --assert) fire on a planted
// protocol violation and stay silent on the same traffic without it:
//   - mmfree_control_slave (AXI4-Lite): the host must hold ARVALID, with ARADDR unchanged, until
//     ARREADY; the slave holds ARREADY low while its read response waits for RREADY.
//   - mmfree_axi_read_streamer (AXI4 read): an R beat is an answer to an accepted burst; one that
//     arrives with nothing requested is the memory side's error.
//   - mmfree_axi_master_checker (the generated top's checker on every m_axi port): a burst across
//     a 4 KiB boundary, WLAST before the beat AWLEN says, an AR request changed while waiting.
// The pins are driven directly, cycle by cycle. Each model's context is told not to end the
// process on a failed assertion so the test can observe it (VerilatedContext::gotError); built
// without --assert, the violation tests fail.
#include <gtest/gtest.h>

#include <verilated.h>

#include <cstdint>
#include <memory>

#include "Vmmfree_axi_master_checker.h"
#include "Vmmfree_axi_read_streamer.h"
#include "Vmmfree_control_slave.h"
#include "mmfree/regmap.hpp"

namespace {

namespace rm = mmfree::regmap;

// A Verilated unit with its own context, clocked by hand: set inputs, then tick().
template <class Model>
class DirectUnit {
 public:
  DirectUnit() : context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(0);
    context_->fatalOnError(false);
    model_ = std::make_unique<Model>(context_.get(), "dut");
    Verilated::threadContextp(context_.get());  // where VL_STOP records a failed assertion
    model_->clk_i = 0;
    model_->rst_ni = 0;
    model_->eval();
  }
  // Verilator 5.006 unregisters a model's scopes (which --assert builds have) from
  // Verilated::threadContextp(), not from the model's own context: point it here first, or a
  // context destroyed earlier in the process is locked and the process hangs.
  ~DirectUnit() {
    Verilated::threadContextp(context_.get());
    model_->final();
  }

  Model* operator->() { return model_.get(); }
  bool assertion_failed() const { return context_->gotError(); }

  void reset() {
    model_->rst_ni = 0;
    tick();
    tick();
    model_->rst_ni = 1;
    settle();
  }
  void settle() {
    model_->clk_i = 0;
    model_->eval();
  }
  void tick() {
    settle();
    model_->clk_i = 1;
    model_->eval();
    settle();
  }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
};

// ------------------------------------------------------------------ control slave

class ControlSlaveAssertions : public ::testing::Test {
 protected:
  ControlSlaveAssertions() {
    slave->awvalid_i = 0;
    slave->wvalid_i = 0;
    slave->bready_i = 1;
    slave->arvalid_i = 0;
    slave->rready_i = 0;
    slave.reset();
    // A first read whose response the host does not take yet: ARREADY goes low behind it.
    slave->arvalid_i = 1;
    slave->araddr_i = rm::hw_magic::kOffset;
    slave.tick();
    slave->arvalid_i = 0;
    slave.tick();
    EXPECT_TRUE(slave->rvalid_o);
    EXPECT_FALSE(slave->arready_o);
    // The second read is offered while the slave cannot take it.
    slave->arvalid_i = 1;
    slave->araddr_i = rm::hw_weight_ports::kOffset;
    slave.tick();
    EXPECT_FALSE(slave->arready_o);
  }

  // The host takes the first response; the second read is accepted and answered.
  void finish_reads() {
    slave->rready_i = 1;
    slave.tick();  // first response taken
    slave->rready_i = 0;
    slave.tick();  // second address accepted
    slave->arvalid_i = 0;
    slave.tick();
  }

  DirectUnit<Vmmfree_control_slave> slave;
};

TEST_F(ControlSlaveAssertions, ReadHeldWhileStalledIsSilent) {
  slave.tick();
  slave.tick();
  finish_reads();
  EXPECT_TRUE(slave->rvalid_o);
  EXPECT_EQ(slave->rdata_o, 3u) << "hw_weight_ports of the P = 3 instance";
  EXPECT_FALSE(slave.assertion_failed()) << "an assertion fired on legal traffic";
}

TEST_F(ControlSlaveAssertions, ArvalidDroppedBeforeArreadyFires) {
  slave->arvalid_i = 0;  // the planted violation: the host withdraws its read
  slave.tick();
  EXPECT_TRUE(slave.assertion_failed()) << "HostArValidHeld_A did not fire (built without --assert?)";
}

TEST_F(ControlSlaveAssertions, AraddrChangedWhileStalledFires) {
  slave->araddr_i = rm::hw_magic::kOffset;  // the planted violation: another address, same valid
  slave.tick();
  EXPECT_TRUE(slave.assertion_failed()) << "HostArAddrStable_A did not fire (built without --assert?)";
}

// ------------------------------------------------------------------ read streamer

class ReadStreamerAssertions : public ::testing::Test {
 protected:
  ReadStreamerAssertions() {
    streamer->cmd_valid_i = 0;
    streamer->data_ready_i = 1;
    streamer->arready_i = 0;
    streamer->rvalid_i = 0;
    streamer->rresp_i = 0;
    streamer->rlast_i = 0;
    streamer.reset();
  }

  void r_beat(uint32_t tag, bool last) {
    streamer->rvalid_i = 1;
    streamer->rdata_i[0] = tag;
    streamer->rlast_i = last;
    streamer.tick();
    streamer->rvalid_i = 0;
    streamer->rlast_i = 0;
  }

  DirectUnit<Vmmfree_axi_read_streamer> streamer;
};

TEST_F(ReadStreamerAssertions, AnsweredBurstIsSilent) {
  streamer->cmd_valid_i = 1;
  streamer->cmd_addr_i = 0x1000;
  streamer->cmd_beats_i = 2;
  streamer.tick();
  streamer->cmd_valid_i = 0;
  while (!streamer->arvalid_o) streamer.tick();
  EXPECT_EQ(streamer->arlen_o, 1u);
  streamer->arready_i = 1;
  streamer.tick();
  streamer->arready_i = 0;
  r_beat(7, false);
  r_beat(8, true);
  int delivered = 0;
  for (int cycle = 0; cycle < 8; ++cycle) {
    if (streamer->data_valid_o) ++delivered;
    streamer.tick();
  }
  EXPECT_EQ(delivered, 2);
  EXPECT_FALSE(streamer.assertion_failed()) << "an assertion fired on legal traffic";
}

TEST_F(ReadStreamerAssertions, RBeatWithNothingRequestedFires) {
  streamer.tick();
  EXPECT_FALSE(streamer.assertion_failed()) << "fired before the violation";
  r_beat(7, true);  // the planted violation: an answer to no request
  EXPECT_TRUE(streamer.assertion_failed())
      << "RespOnlyWhenOutstanding_A did not fire (built without --assert?)";
}

// ------------------------------------------------------------------ AXI4 master checker

class AxiMasterCheckerAssertions : public ::testing::Test {
 protected:
  AxiMasterCheckerAssertions() {
    checker->arvalid_i = 0;
    checker->arready_i = 0;
    checker->rvalid_i = 0;
    checker->rready_i = 1;
    checker->awvalid_i = 0;
    checker->awready_i = 0;
    checker->wvalid_i = 0;
    checker->wready_i = 0;
    checker->bvalid_i = 0;
    checker->bready_i = 1;
    // What docs/device.md promises of every burst: INCR, full width, AxCACHE 0011, AxPROT 0.
    checker->arsize_i = checker->awsize_i = 6;
    checker->arburst_i = checker->awburst_i = 1;
    checker->arcache_i = checker->awcache_i = 3;
    checker->arprot_i = checker->awprot_i = 0;
    checker.reset();
  }

  void read_address(uint64_t addr, uint8_t len) {
    checker->arvalid_i = 1;
    checker->arready_i = 1;
    checker->araddr_i = addr;
    checker->arlen_i = len;
    checker.tick();
    checker->arvalid_i = 0;
    checker->arready_i = 0;
  }
  void r_beat(bool last) {
    checker->rvalid_i = 1;
    checker->rlast_i = last;
    checker.tick();
    checker->rvalid_i = 0;
    checker->rlast_i = 0;
  }
  void write_address(uint64_t addr, uint8_t len) {
    checker->awvalid_i = 1;
    checker->awready_i = 1;
    checker->awaddr_i = addr;
    checker->awlen_i = len;
    checker.tick();
    checker->awvalid_i = 0;
    checker->awready_i = 0;
  }
  void w_beat(bool last) {
    checker->wvalid_i = 1;
    checker->wready_i = 1;
    checker->wlast_i = last;
    checker.tick();
    checker->wvalid_i = 0;
    checker->wready_i = 0;
    checker->wlast_i = 0;
  }

  DirectUnit<Vmmfree_axi_master_checker> checker;
};

TEST_F(AxiMasterCheckerAssertions, LegalBurstsAreSilent) {
  read_address(0x1000 - 4 * 64, 3);  // ends exactly at the 4 KiB boundary
  for (int beat = 0; beat < 4; ++beat) r_beat(beat == 3);
  write_address(0x2000, 1);
  w_beat(false);
  w_beat(true);
  checker->bvalid_i = 1;
  checker.tick();
  checker->bvalid_i = 0;
  checker.tick();
  EXPECT_FALSE(checker.assertion_failed()) << "an assertion fired on legal traffic";
}

TEST_F(AxiMasterCheckerAssertions, BurstAcrossFourKibFires) {
  read_address(0x1000 - 64, 1);  // the planted violation: the second beat is in the next page
  EXPECT_TRUE(checker.assertion_failed()) << "ArWithin4KiB_A did not fire (built without --assert?)";
}

TEST_F(AxiMasterCheckerAssertions, EarlyWlastFires) {
  write_address(0x2000, 3);
  EXPECT_FALSE(checker.assertion_failed()) << "fired before the violation";
  w_beat(true);  // the planted violation: WLAST on the first of four beats
  EXPECT_TRUE(checker.assertion_failed()) << "WLastOnLenBeat_A did not fire (built without --assert?)";
}

TEST_F(AxiMasterCheckerAssertions, ArChangedWhileWaitingFires) {
  checker->arvalid_i = 1;
  checker->araddr_i = 0x3000;
  checker->arlen_i = 0;
  checker.tick();  // not accepted (arready low)
  EXPECT_FALSE(checker.assertion_failed()) << "fired before the violation";
  checker->araddr_i = 0x3040;  // the planted violation: another address before ARREADY
  checker.tick();
  EXPECT_TRUE(checker.assertion_failed()) << "ArStable_A did not fire (built without --assert?)";
}

}  // namespace
