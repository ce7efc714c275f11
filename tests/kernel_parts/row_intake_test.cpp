// mmfree_token_row_intake (hw/rtl/kernel/token/) with three ports whose row sums arrive at
// random (each held until taken) and a writer that is not always ready for logits: every row is
// taken exactly once, from its port, in the longest group the contract allows; its value is
// golden::apply_scale_a of its sum, placed at its word and lane (the Gate matrix's up half from
// word 0), the residual added with saturation one cycle later; the argmax of the lm_head is the
// first largest value; and no assertion of the part fires.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <random>
#include <vector>

#include "Vmmfree_token_row_intake.h"
#include "mmfree/golden/numerics.hpp"
#include "part_top.hpp"

namespace {

using namespace mmfree::kernel_parts_test;
namespace golden = mmfree::golden;

constexpr unsigned kPorts = 3;   // the Verilated instance's NumWeightPorts (CMakeLists.txt)
constexpr unsigned kLanes = 16;
constexpr unsigned kGroup = 3;   // min(P, Lanes)

struct Matrix {
  bool gate = false, head = false, logits = false;
  uint32_t half = 0, rows = 0;
};

class RowIntake : public ::testing::Test {
 protected:
  RowIntake() : rng_(2024) {
    u_->clear_i = 0;
    u_->active_i = 0;
    u_->can_push_i = 1;
    u_->num_lanes_i = 1;
    u_->sum_valid_i = 0;
    u_.settle();
  }

  // Runs one matrix: its sums (random values, ports offering at random), checks each cycle's
  // group and stage-2 output, and returns the values written per row.
  void run(const Matrix& m, golden::ScaleFloat scale, double offer) {
    u_->cfg_i[0] = m.rows;
    u_->cfg_i[1] = m.half;
    u_->cfg_i[2] = (m.gate ? 4u : 0u) | (m.head ? 2u : 0u) | (m.logits ? 1u : 0u);
    u_->scale_man_i = scale.mantissa;
    u_->scale_exp_i = static_cast<uint16_t>(scale.exponent) & 0x3FF;
    std::vector<int32_t> sums(m.rows);
    for (auto& s : sums) s = static_cast<int32_t>(rng_() % 2000001) - 1000000;
    if (m.head && m.rows > 4) sums[m.rows / 2] = sums[m.rows - 1] = 1200000;  // a tie: the first wins
    std::vector<int32_t> resid(64 * kLanes);
    for (auto& r : resid) r = static_cast<int32_t>(rng_());
    resid[0] = std::numeric_limits<int32_t>::max();  // saturates upwards for a positive value
    resid[1] = -std::numeric_limits<int32_t>::max();

    std::vector<std::deque<uint32_t>> queue(kPorts);
    for (uint32_t r = 0; r < m.rows; ++r) queue[r % kPorts].push_back(r);
    std::vector<int64_t> written(m.rows, -1), with_resid(m.rows, -1);
    uint32_t next_row = 0;
    bool offering[kPorts] = {};

    u_->clear_i = 1;
    u_.tick();
    u_->clear_i = 0;
    u_->active_i = 1;
    bool done = false;
    // Stage 2 of the previous cycle's group: its rows, its residual word.
    std::vector<uint32_t> prev_rows;
    uint32_t resid_word = 0;
    for (int guard = 0; !done || !prev_rows.empty(); ++guard) {
      ASSERT_LT(guard, 100000) << "the matrix never completed";
      if (done) u_->active_i = 0;
      for (unsigned p = 0; p < kPorts; ++p) {
        if (!offering[p] && !queue[p].empty() && chance(rng_, offer)) offering[p] = true;
        u_->sum_i[p] = offering[p] ? static_cast<uint32_t>(sums[queue[p].front()]) : 0xDEADBEEF;
      }
      u_->sum_valid_i = (offering[0] ? 1 : 0) | (offering[1] ? 2 : 0) | (offering[2] ? 4 : 0);
      u_->can_push_i = !m.logits || !chance(rng_, 0.3);
      // The residual source answers last cycle's address.
      for (unsigned b = 0; b < kLanes; ++b) u_->resid_rd_i[b] = static_cast<uint32_t>(resid[resid_word * kLanes + b]);
      u_.settle();

      // Stage 2 of last cycle's group.
      ASSERT_EQ(u_->st_v_o, !prev_rows.empty());
      for (uint32_t r : prev_rows) {
        const bool up = m.gate && r >= m.half;
        const uint32_t local = up ? r - m.half : r;
        ASSERT_EQ(u_->st_up_o, up);
        ASSERT_EQ(u_->st_addr_o, local / kLanes);
        ASSERT_TRUE((u_->st_lanes_o >> (local % kLanes)) & 1);
        const int32_t value = static_cast<int32_t>(u_->st_word_o[local % kLanes]);
        ASSERT_EQ(value, written[r]);
        const int64_t total = int64_t{resid[(local / kLanes) * kLanes + local % kLanes]} + value;
        const int64_t max = std::numeric_limits<int32_t>::max();
        ASSERT_EQ(static_cast<int32_t>(u_->st_resid_o[local % kLanes]), std::clamp(total, -max, max)) << "row " << r;
        with_resid[r] = total;
      }
      ASSERT_EQ(std::popcount(static_cast<unsigned>(u_->st_lanes_o)) * (u_->st_v_o ? 1 : 0), static_cast<int>(prev_rows.size()));
      prev_rows.clear();

      // This cycle's group: the longest allowed prefix.
      uint32_t expect_n = 0;
      if (!done && u_->active_i && u_->can_push_i) {
        const bool up = m.gate && next_row >= m.half;
        const uint32_t local = up ? next_row - m.half : next_row;
        const uint32_t end = (m.gate && !up) ? m.half : m.rows;
        while (expect_n < kGroup && local % kLanes + expect_n < kLanes && next_row + expect_n < end &&
               offering[(next_row + expect_n) % kPorts])
          ++expect_n;
      }
      ASSERT_EQ(u_->take_o, expect_n > 0) << "row " << next_row;
      if (expect_n > 0) {
        const bool up = m.gate && next_row >= m.half;
        const uint32_t local = up ? next_row - m.half : next_row;
        ASSERT_EQ(u_->resid_ra_o, local / kLanes);
        ASSERT_EQ(u_->group_lanes_o, ((1u << expect_n) - 1) << (local % kLanes));
        ASSERT_EQ(u_->logit_last_o, local % kLanes + expect_n == kLanes || next_row + expect_n == m.rows);
        unsigned ready = 0;
        for (uint32_t j = 0; j < expect_n; ++j) {
          const uint32_t r = next_row + j, p = r % kPorts;
          ASSERT_EQ(queue[p].front(), r);
          const int32_t value = golden::apply_scale_a(sums[r], scale);
          ASSERT_EQ(static_cast<int32_t>(u_->group_word_o[(local + j) % kLanes]), value) << "row " << r;
          written[r] = value;
          prev_rows.push_back(r);
          ready |= 1u << p;
          queue[p].pop_front();
          offering[p] = false;
        }
        ASSERT_EQ(u_->sum_ready_o, ready);
        resid_word = local / kLanes;
        next_row += expect_n;
        ASSERT_EQ(u_->done_o, next_row == m.rows);
        done = next_row == m.rows;
      } else {
        ASSERT_EQ(u_->sum_ready_o, 0u);
      }
      u_.tick();
    }
    u_->active_i = 0;
    for (uint32_t r = 0; r < m.rows; ++r) ASSERT_NE(with_resid[r], -1) << "row " << r << " never written";
    if (m.head) {
      const auto best = std::max_element(written.begin(), written.end());  // the first of equals
      EXPECT_EQ(u_->argmax_o, static_cast<uint32_t>(best - written.begin()));
    }
  }

  PartTop<Vmmfree_token_row_intake> u_;
  std::mt19937_64 rng_;
};

TEST_F(RowIntake, EveryRowScaledIntoItsLaneUnderRandomArrival) {
  const golden::ScaleFloat scales[] = {{0x1ABCD, -20}, {0x10000, -16}, {0x1FFFF, -9}, {0x12345, 2}};
  int k = 0;
  for (double offer : {1.0, 0.6, 0.2}) {
    for (const auto& scale : scales) {
      Matrix plain;
      plain.rows = 1 + static_cast<uint32_t>(rng_() % 200);
      Matrix gate;
      gate.gate = true;
      gate.half = 1 + static_cast<uint32_t>(rng_() % 100);
      gate.rows = 2 * gate.half;
      Matrix head;
      head.head = true;
      head.logits = (k++ % 2) == 0;
      head.rows = 1 + static_cast<uint32_t>(rng_() % 300);
      for (const Matrix& m : {plain, gate, head}) {
        SCOPED_TRACE(testing::Message() << "offer " << offer << " scale " << scale.mantissa << "*2^" << scale.exponent
                                        << " rows " << m.rows << (m.gate ? " gate" : "") << (m.head ? " head" : "")
                                        << (m.logits ? " logits" : ""));
        run(m, scale, offer);
        if (HasFatalFailure()) return;
      }
    }
  }
  EXPECT_EQ(u_.assertion_failures(), 0u);
}

}  // namespace
