// mmfree_gmem_arbiter (hw/rtl/kernel/, the kernel core's gmem arbitration) with both clients
// driving random commands and beats in their turns (the sequencer outside token mode, the token
// engine in it) and engines that stall at random: every cycle the engines see exactly the
// selected client's signals, the readies reach the clients as the contract says, and no
// assertion of the part fires.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "Vmmfree_gmem_arbiter.h"
#include "part_top.hpp"

namespace {

using namespace mmfree::kernel_parts_test;

constexpr unsigned kWords = 16;  // DataWidth 512

TEST(GmemArbiter, TheSelectedClientAloneReachesTheEngines) {
  PartTop<Vmmfree_gmem_arbiter> a;
  std::mt19937_64 rng(5);
  bool token = false;
  uint64_t switches = 0, tok_beats = 0, seq_beats = 0;
  for (int cycle = 0; cycle < 20000; ++cycle) {
    if (chance(rng, 0.01)) {
      token = !token;
      ++switches;
    }
    a->token_active_i = token;
    // Each client drives only in its turn; its data and addresses are random either way.
    const bool seq_turn = !token;
    a->seq_rd_cmd_valid_i = seq_turn && chance(rng, 0.5);
    a->seq_rd_cmd_addr_i = rng();
    a->seq_rd_cmd_beats_i = static_cast<uint32_t>(rng());
    a->seq_rd_ready_i = chance(rng, 0.5);
    a->seq_wr_cmd_valid_i = seq_turn && chance(rng, 0.5);
    a->seq_wr_cmd_addr_i = rng();
    a->seq_wr_cmd_beats_i = static_cast<uint32_t>(rng());
    a->seq_wr_in_valid_i = chance(rng, 0.5);  // the collector may hold a beat in any mode
    a->tok_rd_cmd_valid_i = token && chance(rng, 0.5);
    a->tok_rd_cmd_addr_i = rng();
    a->tok_rd_cmd_beats_i = static_cast<uint32_t>(rng());
    a->tok_rd_ready_i = chance(rng, 0.5);
    a->tok_wr_cmd_valid_i = token && chance(rng, 0.5);
    a->tok_wr_cmd_addr_i = rng();
    a->tok_wr_cmd_beats_i = static_cast<uint32_t>(rng());
    a->tok_wr_in_valid_i = token && chance(rng, 0.5);
    for (unsigned w = 0; w < kWords; ++w) {
      a->seq_wr_in_data_i[w] = static_cast<uint32_t>(rng());
      a->tok_wr_in_data_i[w] = static_cast<uint32_t>(rng());
    }
    a->seq_wr_in_strb_i = rng();
    a->tok_wr_in_strb_i = rng();
    a->wr_in_ready_i = chance(rng, 0.6);
    a.settle();

    ASSERT_EQ(a->rd_cmd_valid_o, token ? a->tok_rd_cmd_valid_i : a->seq_rd_cmd_valid_i);
    ASSERT_EQ(a->rd_cmd_addr_o, token ? a->tok_rd_cmd_addr_i : a->seq_rd_cmd_addr_i);
    ASSERT_EQ(a->rd_cmd_beats_o, token ? a->tok_rd_cmd_beats_i : a->seq_rd_cmd_beats_i);
    ASSERT_EQ(a->rd_ready_o, token ? a->tok_rd_ready_i : a->seq_rd_ready_i);
    ASSERT_EQ(a->wr_cmd_valid_o, token ? a->tok_wr_cmd_valid_i : a->seq_wr_cmd_valid_i);
    ASSERT_EQ(a->wr_cmd_addr_o, token ? a->tok_wr_cmd_addr_i : a->seq_wr_cmd_addr_i);
    ASSERT_EQ(a->wr_cmd_beats_o, token ? a->tok_wr_cmd_beats_i : a->seq_wr_cmd_beats_i);
    ASSERT_EQ(a->wr_in_valid_o, token ? a->tok_wr_in_valid_i : a->seq_wr_in_valid_i);
    ASSERT_EQ(a->wr_in_strb_o, token ? a->tok_wr_in_strb_i : a->seq_wr_in_strb_i);
    for (unsigned w = 0; w < kWords; ++w)
      ASSERT_EQ(a->wr_in_data_o[w], token ? a->tok_wr_in_data_i[w] : a->seq_wr_in_data_i[w]);
    // The collector's beat leaves only outside token mode; the token engine sees the engine's
    // ready as it is.
    ASSERT_EQ(a->seq_wr_in_ready_o, a->wr_in_ready_i && !token);
    ASSERT_EQ(a->tok_wr_in_ready_o, a->wr_in_ready_i);
    seq_beats += a->seq_wr_in_valid_i && a->seq_wr_in_ready_o;
    tok_beats += a->tok_wr_in_valid_i && a->tok_wr_in_ready_o;
    a.tick();
  }
  EXPECT_GT(switches, 50u);
  EXPECT_GT(seq_beats, 1000u);
  EXPECT_GT(tok_beats, 1000u);
  EXPECT_EQ(a.assertion_failures(), 0u);
}

}  // namespace
