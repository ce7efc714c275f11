// mmfree_weight_port (hw/rtl/kernel/) with three lanes (BatchLanes = 3): one pass of a small
// layer and head streamed from a memory model that answers its AXI read bursts with random
// gaps, every beat applied to the three lanes' own activations (qd, qi written per lane), and
// each lane's row sums taken with its own random stalls. Every lane's sums are exactly
// sum_c T[r][c] * q_lane[c] (qi for Down, qd for the rest) in stream order, whatever the other
// lanes do; a lane not taken in time holds the port back instead of losing a row; and no
// assertion of the port (its FIFO, streamer, feeder, arrays) fires.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "Vmmfree_weight_port.h"
#include "part_top.hpp"

namespace {

using namespace mmfree::kernel_parts_test;

constexpr unsigned kLanes = 3;          // the Verilated instance's BatchLanes (CMakeLists.txt)
constexpr unsigned kCodes = 256;        // ternary weights per 512-bit beat
constexpr unsigned kWordsPerEntry = 4;  // 64-byte gmem words per activation entry
constexpr unsigned kQdEntries = 40;     // the instance's QdEntries
// One port's share of one layer and the head: rows of d-column matrices (I, F, G, O, Down's
// rows are d as well), of the Gate matrix, of the vocabulary; beats per row of d and I columns.
constexpr uint32_t kRowsD = 5, kRowsGate = 7, kRowsVocab = 6, kBeatsD = 2, kBeatsI = 3;
constexpr uint64_t kBase = 0x10000;

struct Row {
  bool down;                                 // its q is qi (the Down matrix)
  std::vector<int8_t> weights;               // kCodes * beats
};

class WeightPort : public ::testing::Test {
 protected:
  WeightPort() : rng_(77) {
    auto& p = u_.dut();
    p.cmd_valid_i = 0;
    p.arready_i = 0;
    p.rvalid_i = 0;
    p.pass_start_i = 0;
    p.gate_pass_i = 1;
    p.act_wr_i = 0;
    p.sum_ready_i = 0;
    p.num_layers_i = 1;
    p.rows_d_i = kRowsD;
    p.rows_gate_i = kRowsGate;
    p.rows_vocab_i = kRowsVocab;
    p.beats_d_i = kBeatsD;
    p.beats_i_i = kBeatsI;
    // 2-bit codes (trit5_i = 0), but the gearbox's row-end segment counts are always driven by
    // the sequencer (1..4, from d and I): this test's rows are whole 256-column beats.
    p.last_segs_d_i = 4;
    p.last_segs_i_i = 4;
    u_.settle();
  }

  // The rows of the pass in stream order: I, F, G, O (d rows), Gate, Down, then the lm_head.
  void make_rows() {
    std::uniform_int_distribution<int> code(-1, 1);
    auto add = [&](uint32_t n, uint32_t beats, bool down) {
      for (uint32_t r = 0; r < n; ++r) {
        Row row{down, std::vector<int8_t>(kCodes * beats)};
        for (auto& w : row.weights) w = static_cast<int8_t>(code(rng_));
        rows_.push_back(row);
      }
    };
    for (int m = 0; m < 4; ++m) add(kRowsD, kBeatsD, false);
    add(kRowsGate, kBeatsD, false);
    add(kRowsD, kBeatsI, true);
    add(kRowsVocab, kBeatsD, false);
    for (const Row& row : rows_) {
      for (std::size_t b = 0; b < row.weights.size() / kCodes; ++b) {
        std::array<uint32_t, 16> beat{};
        for (unsigned k = 0; k < kCodes; ++k) {
          const int8_t w = row.weights[b * kCodes + k];
          const uint32_t bits = w == 0 ? 0u : w == 1 ? 1u : 3u;   // 0b01 = +1, 0b11 = -1
          beat[k / 16] |= bits << (2 * (k % 16));
        }
        beats_.push_back(beat);
      }
    }
  }

  // Lane l's activations: qd (d = kBeatsD beats of codes), qi (kBeatsI), written word by word.
  void write_activations() {
    std::uniform_int_distribution<int> act(-128, 127);
    for (unsigned l = 0; l < kLanes; ++l) {
      qd_[l].resize(kCodes * kBeatsD);
      qi_[l].resize(kCodes * kBeatsI);
      for (auto& a : qd_[l]) a = static_cast<int8_t>(act(rng_));
      for (auto& a : qi_[l]) a = static_cast<int8_t>(act(rng_));
      auto write = [&](const std::vector<int8_t>& q, uint32_t first_entry) {
        for (uint32_t w = 0; w < q.size() / 64; ++w) {
          auto& p = u_.dut();
          p.act_wr_i = 1;
          p.act_wr_lane_i = l;
          p.act_wr_addr_i = first_entry + w / kWordsPerEntry;
          p.act_wr_bank_i = w % kWordsPerEntry;
          for (unsigned j = 0; j < 16; ++j) {
            uint32_t v = 0;
            for (unsigned b = 0; b < 4; ++b) v |= uint32_t(uint8_t(q[64 * w + 4 * j + b])) << (8 * b);
            p.act_wr_data_i[j] = v;
          }
          u_.tick();
          p.act_wr_i = 0;
        }
      };
      write(qd_[l], 0);
      write(qi_[l], kQdEntries);
    }
  }

  int64_t expected_sum(unsigned lane, const Row& row) const {
    const std::vector<int8_t>& q = row.down ? qi_[lane] : qd_[lane];
    int64_t s = 0;
    for (std::size_t c = 0; c < row.weights.size(); ++c) s += int64_t(row.weights[c]) * q[c];
    return s;
  }

  PartTop<Vmmfree_weight_port> u_;
  std::mt19937_64 rng_;
  std::vector<Row> rows_;
  std::vector<std::array<uint32_t, 16>> beats_;
  std::array<std::vector<int8_t>, kLanes> qd_, qi_;
};

TEST_F(WeightPort, EveryLaneGetsItsOwnRowSumsUnderRandomStalls) {
  make_rows();
  write_activations();
  auto& p = u_.dut();
  // The stream command: every beat of the pass from kBase; then the pass.
  p.cmd_valid_i = 1;
  p.cmd_addr_i = kBase;
  p.cmd_beats_i = static_cast<uint32_t>(beats_.size());
  u_.settle();
  while (!p.cmd_ready_o) u_.tick();
  u_.tick();
  p.cmd_valid_i = 0;
  p.pass_start_i = 1;
  u_.tick();
  p.pass_start_i = 0;

  std::deque<std::pair<uint64_t, uint32_t>> bursts;   // (first beat, beats) requested
  uint64_t next_beat = 0;                              // the next beat memory answers
  std::array<std::size_t, kLanes> taken{};
  const double lane_stall[kLanes] = {0.1, 0.5, 0.8};
  for (int cycle = 0; cycle < 200000; ++cycle) {
    bool done = true;
    for (unsigned l = 0; l < kLanes; ++l) done = done && taken[l] == rows_.size();
    if (done) break;
    p.arready_i = chance(rng_, 0.7);
    p.rvalid_i = !bursts.empty() && chance(rng_, 0.6);
    if (p.rvalid_i) {
      const uint64_t beat = next_beat;
      for (unsigned j = 0; j < 16; ++j) p.rdata_i[j] = beats_.at(beat)[j];
      p.rresp_i = 0;
      p.rlast_i = (beat + 1 == bursts.front().first + bursts.front().second);
    }
    uint32_t ready = 0;
    for (unsigned l = 0; l < kLanes; ++l)
      if (!chance(rng_, lane_stall[l])) ready |= 1u << l;
    p.sum_ready_i = ready;
    u_.settle();
    if (p.arvalid_o && p.arready_i) {
      ASSERT_EQ((p.araddr_o - kBase) % 64, 0u);
      bursts.emplace_back((p.araddr_o - kBase) / 64, p.arlen_o + 1u);
    }
    if (p.rvalid_i && p.rready_o) {   // (bursts are requested in order and back to back)
      ++next_beat;
      if (p.rlast_i) bursts.pop_front();
    }
    for (unsigned l = 0; l < kLanes; ++l) {
      if ((p.sum_valid_o >> l & 1) && (ready >> l & 1)) {
        ASSERT_LT(taken[l], rows_.size()) << "lane " << l << ": more sums than rows";
        const int32_t got = static_cast<int32_t>(p.sum_o[l]);
        ASSERT_EQ(got, expected_sum(l, rows_[taken[l]])) << "lane " << l << " row " << taken[l];
        ++taken[l];
      }
    }
    u_.tick();
  }
  for (unsigned l = 0; l < kLanes; ++l) EXPECT_EQ(taken[l], rows_.size()) << "lane " << l;
  EXPECT_EQ(u_.assertion_failures(), 0u);
}

}  // namespace
