// mmfree_token_element_loop (hw/rtl/kernel/token/) over buffers modelled with the RAMs' one-cycle
// registered read: every loop kind of the token pass (norm from x and from r, output gate,
// projection, MLGRU with and without the forget gate's lower bound, GLU, quantizer) on random
// vectors of random length, each written word bit-exact against the golden kernel's element
// units (golden::mul_a, silu_a, forget_complement_g, mlgru_update_a, quantize_q8), the words in
// order, one per cycle (some cycles after the reads: the loop is pipelined), and the reductions (exact sums of squares, the largest |p|) with the
// clears each loop asks for; no assertion of the part fires.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

#include "Vmmfree_token_element_loop.h"
#include "mmfree/golden/numerics.hpp"
#include "part_top.hpp"

namespace {

using namespace mmfree::kernel_parts_test;
namespace golden = mmfree::golden;
using golden::uint128;

constexpr unsigned kLanes = 16;
constexpr unsigned kQBytes = 64;
constexpr unsigned kMaxN = 400;
constexpr int kMaxLatency = 40;   // cycles from a loop's last read to its done, with margin

enum Kind : uint32_t { kNorm = 0, kOgate = 1, kProj = 2, kMlgru = 3, kGlu = 4, kQuant = 5 };

struct Command {
  Kind kind;
  uint32_t n;
  bool clear_ss, clear_amax, src_x, down, bounded;
};

using Vector = std::vector<int32_t>;

class ElementLoop : public ::testing::Test {
 protected:
  ElementLoop() : rng_(4242) {
    u_->start_i = 0;
    u_.settle();
    for (Vector* v : {&x_, &r_, &h_, &f_, &i_, &g_, &p1_, &n_cur_, &n_nxt_, &yg_, &yu_, &p_}) v->resize(kMaxN + kQBytes);
    lb_.resize(kMaxN + kQBytes);
  }

  // Values in format A (16 fraction bits): activations up to +-2^20, norm weights around 1.
  void randomize() {
    std::uniform_int_distribution<int32_t> act(-(1 << 20), 1 << 20), norm(1 << 14, 1 << 18), gate(0, 1 << 24);
    for (Vector* v : {&x_, &r_, &h_, &f_, &i_, &g_, &p1_, &yg_, &yu_, &p_})
      for (auto& e : *v) e = act(rng_);
    for (Vector* v : {&n_cur_, &n_nxt_})
      for (auto& e : *v) e = norm(rng_) * (chance(rng_, 0.1) ? -1 : 1);
    for (auto& e : lb_) e = static_cast<uint32_t>(gate(rng_));
    p_[3] = 0x7FFFFFFF;   // extremes through the quantizer
    p_[5] = -0x7FFFFFFF;
  }

  void serve(uint32_t word) {
    auto put = [&](auto& port, const auto& v) {
      for (unsigned b = 0; b < kLanes; ++b) port[b] = static_cast<uint32_t>(v[(word * kLanes + b) % v.size()]);
    };
    put(u_->x_rd_i, x_);
    put(u_->r_rd_i, r_);
    put(u_->h_rd_i, h_);
    put(u_->f_rd_i, f_);
    put(u_->i_rd_i, i_);
    put(u_->g_rd_i, g_);
    put(u_->p1_rd_i, p1_);
    put(u_->lb_rd_i, lb_);
    put(u_->n_cur_rd_i, n_cur_);
    put(u_->n_nxt_rd_i, n_nxt_);
    put(u_->yg_rd_i, yg_);
    put(u_->yu_rd_i, yu_);
    for (unsigned e = 0; e < kQBytes; ++e) u_->p_rd_i[e] = static_cast<uint32_t>(p_[(word * kQBytes + e) % p_.size()]);
  }

  static uint128 wide(const VlWide<3>& w) {
    return (uint128{w[2] & 0xFFFu} << 64) | (uint128{w[1]} << 32) | w[0];
  }

  // Runs c; checks every write and returns nothing (the accumulators are checked by the caller).
  void run(const Command& c) {
    // {kind[39:37], n[36:5], clear_ss, clear_amax, src_x, down, bounded}
    const uint64_t packed = (uint64_t{c.kind} << 37) | (uint64_t{c.n} << 5) | (uint64_t{c.clear_ss} << 4) |
                            (uint64_t{c.clear_amax} << 3) | (uint64_t{c.src_x} << 2) | (uint64_t{c.down} << 1) |
                            uint64_t{c.bounded};
    u_->cmd_i = packed;
    u_->start_i = 1;
    serve(u_->ra_o);
    u_.tick();
    u_->start_i = 0;
    if (c.clear_ss) ssa_ = ssb_ = 0;
    if (c.clear_amax) amax_ = 0;
    const uint32_t per_word = c.kind == kQuant ? kQBytes : kLanes;
    const uint32_t words = (c.n + per_word - 1) / per_word;
    uint32_t written = 0;
    bool writing = false;   // the writes come one per cycle, from the first to the last
    for (int cycle = 0;; ++cycle) {
      // The loop is pipelined: its writes and its done come up to kMaxLatency cycles after the
      // reads (mmfree_token_element_loop.sv, WriteLatency / ReduceLatency).
      ASSERT_LT(cycle, static_cast<int>(words) + kMaxLatency) << "the loop did not end";
      ASSERT_TRUE(u_->busy_o);
      u_.settle();
      if (u_->wr_o) {
        ASSERT_EQ(u_->wa_o, written) << "words out of order";
        ASSERT_EQ(u_->kind_o, c.kind);
        check_word(c, written);
        if (HasFatalFailure()) return;
        ++written;
        writing = written < words;
      } else {
        ASSERT_FALSE(writing) << "a gap between the writes of word " << written - 1 << " and " << written;
      }
      // done comes once every word is written (in the cycle of the last write at the earliest).
      if (u_->done_o) ASSERT_EQ(written, words) << "done before the last write";
      const bool done = u_->done_o;
      const uint32_t ra = u_->ra_o;
      u_.tick();
      serve(ra);
      if (done) break;
    }
    EXPECT_EQ(written, words);
    u_.settle();
    EXPECT_FALSE(u_->busy_o);
    EXPECT_TRUE(wide(u_->ssa_o) == ssa_) << "sum of squares (p1, z)";
    EXPECT_TRUE(wide(u_->ssb_o) == ssb_) << "sum of squares (the first norm's input)";
    EXPECT_EQ(u_->amax_o, amax_);
  }

  void check_word(const Command& c, uint32_t word) {
    if (c.kind == kQuant) {
      const golden::ScaleFloat cq{cq_man_, cq_exp_};
      for (unsigned e = 0; e < kQBytes; ++e) {
        const uint32_t idx = word * kQBytes + e;
        const int8_t expect = idx < c.n ? golden::quantize_q8(p_[idx], cq) : 0;
        ASSERT_EQ(static_cast<int8_t>(u_->q_o[e / 4] >> (8 * (e % 4))), expect) << "q element " << idx;
      }
      return;
    }
    for (unsigned b = 0; b < kLanes; ++b) {
      const uint32_t e = word * kLanes + b;
      if (e >= c.n) break;
      auto out = [&](const auto& port) { return static_cast<int32_t>(port[b]); };
      switch (c.kind) {
        case kNorm: {
          const int32_t in = c.src_x ? x_[e] : r_[e];
          const int32_t p1 = golden::mul_a(in, n_cur_[e]);
          const int32_t p = golden::mul_a(p1, n_nxt_[e]);
          ASSERT_EQ(out(u_->p1_o), p1) << "p1 element " << e;
          ASSERT_EQ(out(u_->p_o), p) << "p element " << e;
          ssa_ += static_cast<uint128>(int64_t{p1} * p1);
          ssb_ += static_cast<uint128>(int64_t{in} * in);
          amax_ = std::max(amax_, static_cast<uint32_t>(std::abs(int64_t{p})));
          break;
        }
        case kOgate: {
          const int32_t p1 = golden::mul_a(golden::mul_a(g_[e], n_cur_[e]), golden::silu_a(h_[e]));
          const int32_t p = golden::mul_a(p1, n_nxt_[e]);
          ASSERT_EQ(out(u_->p1_o), p1) << "p1 element " << e;
          ASSERT_EQ(out(u_->p_o), p) << "p element " << e;
          ssa_ += static_cast<uint128>(int64_t{p1} * p1);
          ssb_ += static_cast<uint128>(int64_t{g_[e]} * g_[e]);
          amax_ = std::max(amax_, static_cast<uint32_t>(std::abs(int64_t{p})));
          break;
        }
        case kProj: {
          const int32_t p = golden::mul_a(c.down ? yg_[e] : p1_[e], n_cur_[e]);
          ASSERT_EQ(out(u_->p_o), p) << "p element " << e;
          amax_ = std::max(amax_, static_cast<uint32_t>(std::abs(int64_t{p})));
          break;
        }
        case kMlgru: {
          const uint32_t cf = golden::forget_complement_g(f_[e], static_cast<uint32_t>(lb_[e]), c.bounded);
          ASSERT_EQ(out(u_->h_new_o), golden::mlgru_update_a(h_[e], golden::silu_a(i_[e]), cf)) << "h element " << e;
          break;
        }
        case kGlu: {
          const int32_t z = golden::mul_a(golden::silu_a(yg_[e]), yu_[e]);
          const int32_t p = golden::mul_a(z, n_cur_[e]);
          ASSERT_EQ(out(u_->z_o), z) << "z element " << e;
          ASSERT_EQ(out(u_->p_o), p) << "p element " << e;
          ssa_ += static_cast<uint128>(int64_t{z} * z);
          amax_ = std::max(amax_, static_cast<uint32_t>(std::abs(int64_t{p})));
          break;
        }
        default:
          FAIL();
      }
    }
  }

  PartTop<Vmmfree_token_element_loop> u_;
  std::mt19937_64 rng_;
  Vector x_, r_, h_, f_, i_, g_, p1_, n_cur_, n_nxt_, yg_, yu_, p_, lb_;
  uint128 ssa_ = 0, ssb_ = 0;
  uint32_t amax_ = 0;
  uint32_t cq_man_ = 0;
  int32_t cq_exp_ = 0;
};

TEST_F(ElementLoop, EveryLoopKindMatchesTheGoldenUnits) {
  for (int round = 0; round < 12; ++round) {
    randomize();
    auto n = [&] { return 1 + static_cast<uint32_t>(rng_() % kMaxN); };
    const bool src_x = round % 2 == 0;
    // A BitLinear's loops in the engine's order: the norm (clears), the projection (amax only:
    // the norm's sums stay for the scale), the quantizer, then the other kinds.
    const Command loops[] = {
        {kNorm, n(), true, true, src_x, false, false},
        {kProj, n(), false, true, true, false, false},
        {kQuant, n(), false, false, true, false, false},
        {kOgate, n(), true, true, true, false, false},
        {kMlgru, n(), false, false, true, false, round % 3 != 0},
        {kGlu, n(), true, true, true, false, false},
        {kProj, n(), false, true, true, true, false},
    };
    for (const Command& c : loops) {
      SCOPED_TRACE(testing::Message() << "round " << round << " kind " << c.kind << " n " << c.n);
      if (c.kind == kQuant) {
        cq_man_ = (1u << 16) | static_cast<uint32_t>(rng_() % (1u << 16));
        cq_exp_ = -static_cast<int32_t>(10 + rng_() % 12);
        u_->cq_man_i = cq_man_;
        u_->cq_exp_i = static_cast<uint16_t>(cq_exp_) & 0x3FF;
      }
      run(c);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_EQ(u_.assertion_failures(), 0u);
}

}  // namespace
