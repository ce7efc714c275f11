// mmfree_axi_write_master (the gmem write half) against the C++ AXI memory model with random
// awready/wready/bvalid stalls and latency: memory ends up holding exactly the streamed bytes
// (byte strobes respected, nothing outside the region touched), bursts obey AXI's rules, and
// done/error report the responses.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "Vmmfree_axi_write_master.h"
#include "axi_memory.hpp"
#include "sim_clock.hpp"

namespace {

using namespace mmfree::kernel_test;

constexpr unsigned kBeatBytes = 64;

class WriteMaster : public ::testing::Test {
 protected:
  WriteMaster() : clock_(*dut_.model, dut_->clk_i) {
    dut_->rst_ni = 0;
    clock_.tick();
    clock_.tick();
    dut_->rst_ni = 1;
  }

  // Writes `beats` beats of random data with random strobes at addr; mirrors them into `model`.
  // Returns whether done_o came with error_o.
  bool write(uint64_t addr, uint32_t beats, AxiTiming timing, uint32_t seed, SparseMemory& model,
             uint64_t error_begin = 0, uint64_t error_end = 0) {
    AxiWriteMemory mem(AxiWritePort{&dut_->awvalid_o, &dut_->awready_i, &dut_->awaddr_o, &dut_->awlen_o,
                                    &dut_->awsize_o, &dut_->awburst_o, &dut_->wvalid_o, &dut_->wready_i,
                                    dut_->wdata_o.data(), &dut_->wstrb_o, &dut_->wlast_o, &dut_->bvalid_i,
                                    &dut_->bready_o, &dut_->bresp_i, kBeatBytes},
                       memory_, timing, seed);
    mem.set_error_range(error_begin, error_end);
    std::mt19937_64 rng(seed);
    bool sent = false, done = false, error = false;
    uint32_t beat = 0;
    std::vector<uint32_t> data(16);
    uint64_t strb = 0;
    auto next_beat = [&] {
      for (auto& w : data) w = uint32_t(rng());
      strb = (rng() % 4 == 0) ? rng() : ~0ull;  // mostly full beats, some partial
    };
    next_beat();
    for (uint64_t guard = 0; !done; ++guard) {
      if (guard > 1'000'000) {
        ADD_FAILURE() << "write did not finish";
        break;
      }
      mem.drive(clock_.cycle());
      dut_->cmd_valid_i = !sent;
      dut_->cmd_addr_i = addr;
      dut_->cmd_beats_i = beats;
      dut_->in_valid_i = sent && beat < beats && (rng() % 3 != 0);
      for (unsigned w = 0; w < 16; ++w) dut_->in_data_i[w] = data[w];
      dut_->in_strb_i = strb;
      clock_.settle();
      mem.observe(clock_.cycle());
      if (dut_->cmd_valid_i && dut_->cmd_ready_o) sent = true;
      if (dut_->in_valid_i && dut_->in_ready_o) {
        const uint64_t a = addr + uint64_t(beat) * kBeatBytes;
        for (unsigned i = 0; i < kBeatBytes; ++i) {
          if ((strb >> i) & 1) model.write(a + i, uint8_t(data[i / 4] >> (8 * (i % 4))));
        }
        ++beat;
        next_beat();
      }
      if (dut_->done_o) {
        done = true;
        error = dut_->error_o;
        EXPECT_EQ(beat, beats) << "done before every beat was taken";
      }
      clock_.tick();
    }
    EXPECT_TRUE(mem.errors.empty()) << mem.errors.front();
    bursts_ = mem.bursts_accepted;
    return error;
  }

  VerilatedUnit<Vmmfree_axi_write_master> dut_;
  SimClock<Vmmfree_axi_write_master> clock_;
  SparseMemory memory_;
  uint64_t bursts_ = 0;
};

void expect_same(const SparseMemory& a, const SparseMemory& b, uint64_t begin, uint64_t end) {
  for (uint64_t x = begin; x < end; ++x) {
    if (a.read(x) != b.read(x)) {
      ADD_FAILURE() << "byte " << std::hex << x << " differs";
      return;
    }
  }
}

TEST_F(WriteMaster, IdealMemory) {
  SparseMemory model;
  EXPECT_FALSE(write(0x20000, 5, AxiTiming::ideal(), 1, model));
  expect_same(memory_, model, 0x20000 - 256, 0x20000 + 5 * 64 + 256);
}

TEST_F(WriteMaster, RandomStallsAndPageCrossingsWriteExactlyTheStream) {
  SparseMemory model;
  std::mt19937 rng(8);
  for (int i = 0; i < 8; ++i) {
    const uint64_t addr = 0x40000 + 64 * (rng() % 200) + 4096 * i;
    const uint32_t beats = 1 + rng() % 90;
    EXPECT_FALSE(write(addr, beats, AxiTiming::random_stalls(), 100 + i, model));
  }
  expect_same(memory_, model, 0x3f000, 0x40000 + 4096 * 8 + 64 * 300);
}

TEST_F(WriteMaster, SplitsAtFourKilobyteBoundaries) {
  SparseMemory model;
  EXPECT_FALSE(write(0x50000 + 4096 - 64, 20, AxiTiming::ideal(), 3, model));
  EXPECT_EQ(bursts_, 3u);  // 1 + 16 + 3 (MaxBurstBeats = 16)
  expect_same(memory_, model, 0x4f000, 0x53000);
}

TEST_F(WriteMaster, ErrorResponseIsReportedWithDone) {
  SparseMemory model;
  EXPECT_TRUE(write(0x60000, 40, AxiTiming::ideal(), 4, model, 0x60000 + 20 * 64, 0x60000 + 21 * 64));
  // A clean write afterwards reports no error.
  EXPECT_FALSE(write(0x60000, 4, AxiTiming::ideal(), 5, model));
}

}  // namespace
