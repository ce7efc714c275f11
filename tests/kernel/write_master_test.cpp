// mmfree_axi_write_master (the gmem write half) against sim's AXI memory slave with random
// awready/wready/bvalid stalls and write latency: memory ends up holding exactly the streamed
// bytes (byte strobes respected, nothing outside the region touched), bursts obey AXI's rules
// and the mmfree masters' promises (checked by the slave), and done/error report the responses.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include "Vmmfree_axi_write_master.h"
#include "mmfree/sim/sim_harness.hpp"
#include "unit_top.hpp"

namespace {

using namespace mmfree::kernel_test;
namespace sim = mmfree::sim;

constexpr unsigned kBeatBytes = 64;
constexpr uint64_t kRegionBytes = 80 * 1024;

// sim's slave serves a read channel on every port; the write master has none, so the slave
// gets one that never asks for anything.
struct IdleReadChannel {
  uint8_t arvalid = 0, arready = 0, arlen = 0, arsize = 0, arburst = 0;
  uint64_t araddr = 0;
  uint8_t rvalid = 0, rready = 0, rresp = 0, rlast = 0;
  VlWide<16> rdata{};
};

class WriteMaster : public ::testing::Test {
 protected:
  // The unit on a memory slave with `timing`, and one region of patterned memory that `model`
  // mirrors; the region is the last allocation, so its end is the end of the simulated memory.
  void open(const sim::MemoryTiming& timing) {
    auto top = std::make_unique<UnitTop<Vmmfree_axi_write_master>>("mmfree_axi_write_master");
    auto& d = top->dut();
    sim::AxiMasterPins pins{};
    pins.arvalid = &idle_read_.arvalid;
    pins.arready = &idle_read_.arready;
    pins.araddr = &idle_read_.araddr;
    pins.arlen = &idle_read_.arlen;
    pins.arsize = &idle_read_.arsize;
    pins.arburst = &idle_read_.arburst;
    pins.rvalid = &idle_read_.rvalid;
    pins.rready = &idle_read_.rready;
    pins.rdata = &idle_read_.rdata;
    pins.rresp = &idle_read_.rresp;
    pins.rlast = &idle_read_.rlast;
    pins.awvalid = &d.awvalid_o;
    pins.awready = &d.awready_i;
    pins.awaddr = &d.awaddr_o;
    pins.awlen = &d.awlen_o;
    pins.awsize = &d.awsize_o;
    pins.awburst = &d.awburst_o;
    pins.wvalid = &d.wvalid_o;
    pins.wready = &d.wready_i;
    pins.wdata = &d.wdata_o;
    pins.wstrb = &d.wstrb_o;
    pins.wlast = &d.wlast_o;
    pins.bvalid = &d.bvalid_i;
    pins.bready = &d.bready_o;
    pins.bresp = &d.bresp_i;
    top->ports.push_back({"m_axi_gmem", pins});
    top_ = top.get();
    dut_ = &d;
    harness_ = std::make_unique<sim::SimHarness>(std::move(top), timing);
    harness_->port(0).set_full_width_incr_only(true);
    region_ = harness_->memory().allocate(kRegionBytes);
    std::mt19937_64 rng(5);
    model_.resize(kRegionBytes);
    for (auto& b : model_) b = std::byte(rng());
    harness_->memory().write(region_, model_);
    top_->before_edge = [this] {
      if (observe_) observe_();
    };
  }

  // Writes `beats` beats of random data with random strobes at addr; mirrors the bytes that
  // fall inside the region into the model. Returns whether done_o came with error_o.
  bool write(uint64_t addr, uint32_t beats, uint32_t seed) {
    const uint64_t bursts_before = harness_->port(0).stats().write_bursts;
    std::mt19937_64 rng(seed);
    bool sent = false, done = false, error = false;
    // The source stalls at random, but once it offers a beat it holds it until taken: in_valid_i
    // drives WVALID, which AXI forbids to drop before WREADY (the master asserts it).
    bool offering = false;
    uint32_t beat = 0;
    std::vector<uint32_t> data(16);
    uint64_t strb = 0;
    auto next_beat = [&] {
      for (auto& w : data) w = uint32_t(rng());
      strb = (rng() % 4 == 0) ? rng() : ~0ull;  // mostly full beats, some partial
    };
    next_beat();
    observe_ = [&] {
      if (dut_->cmd_valid_i && dut_->cmd_ready_o) sent = true;
      if (dut_->in_valid_i && dut_->in_ready_o) {
        const uint64_t a = addr + uint64_t(beat) * kBeatBytes;
        for (unsigned i = 0; i < kBeatBytes; ++i) {
          if (((strb >> i) & 1) && a + i >= region_ && a + i < region_ + kRegionBytes) {
            model_[a + i - region_] = std::byte(data[i / 4] >> (8 * (i % 4)));
          }
        }
        ++beat;
        next_beat();
        offering = false;
      }
      if (dut_->done_o) {
        done = true;
        error = dut_->error_o;
        EXPECT_EQ(beat, beats) << "done before every beat was taken";
      }
    };
    for (uint64_t guard = 0; !done; ++guard) {
      if (guard > 1'000'000) {
        ADD_FAILURE() << "write did not finish";
        break;
      }
      dut_->cmd_valid_i = !sent;
      dut_->cmd_addr_i = addr;
      dut_->cmd_beats_i = beats;
      if (sent && beat < beats && rng() % 3 != 0) offering = true;
      dut_->in_valid_i = offering;
      for (unsigned w = 0; w < 16; ++w) dut_->in_data_i[w] = data[w];
      dut_->in_strb_i = strb;
      harness_->tick();
    }
    observe_ = nullptr;
    dut_->cmd_valid_i = 0;
    dut_->in_valid_i = 0;
    EXPECT_EQ(harness_->protocol_error(), "");
    bursts_ = harness_->port(0).stats().write_bursts - bursts_before;
    return error;
  }

  // The region in simulated memory equals the model, byte for byte.
  void expect_memory_is_model() const {
    std::vector<std::byte> got(kRegionBytes);
    harness_->memory().read(region_, got);
    for (uint64_t x = 0; x < kRegionBytes; ++x) {
      if (got[x] != model_[x]) {
        ADD_FAILURE() << "byte at region + " << x << " differs";
        return;
      }
    }
  }

  UnitTop<Vmmfree_axi_write_master>* top_ = nullptr;  // owned by harness_
  Vmmfree_axi_write_master* dut_ = nullptr;
  IdleReadChannel idle_read_;  // outlives harness_ (declared before it)
  std::unique_ptr<sim::SimHarness> harness_;
  uint64_t region_ = 0;
  std::vector<std::byte> model_;
  std::function<void()> observe_;
  uint64_t bursts_ = 0;
};

sim::MemoryTiming random_stalls() {
  sim::MemoryTiming t;
  t.write_latency_cycles = 20;
  t.stall_probability = 0.4;
  t.stall_seed = 100;
  return t;
}

TEST_F(WriteMaster, IdealMemory) {
  open({});
  EXPECT_FALSE(write(region_ + 4096, 5, 1));
  expect_memory_is_model();
}

TEST_F(WriteMaster, RandomStallsAndPageCrossingsWriteExactlyTheStream) {
  open(random_stalls());
  std::mt19937 rng(8);
  for (int i = 0; i < 8; ++i) {
    const uint64_t addr = region_ + 4096 + 64 * (rng() % 200) + 4096 * i;
    const uint32_t beats = 1 + rng() % 90;
    EXPECT_FALSE(write(addr, beats, 100 + i));
  }
  expect_memory_is_model();
}

TEST_F(WriteMaster, SplitsAtFourKilobyteBoundaries) {
  open({});
  EXPECT_FALSE(write(region_ + 2 * 4096 - 64, 20, 3));
  EXPECT_EQ(bursts_, 3u);  // 1 + 16 + 3 (MaxBurstBeats = 16)
  expect_memory_is_model();
}

TEST_F(WriteMaster, ErrorResponseIsReportedWithDone) {
  // 40 beats whose last 20 lie past the end of the simulated memory (DECERR there).
  open({});
  EXPECT_TRUE(write(region_ + kRegionBytes - 20 * 64, 40, 4));
  EXPECT_GT(harness_->port(0).stats().decode_errors, 0u);
  // A clean write afterwards reports no error.
  EXPECT_FALSE(write(region_, 4, 5));
  expect_memory_is_model();
}

}  // namespace
