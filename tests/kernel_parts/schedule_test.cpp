// mmfree_token_schedule (hw/rtl/kernel/token/) with three weight ports, against models of the
// parts it commands: each part answers after a random number of cycles, the prefetcher's levels
// (x ready, norm vectors, betas, h and LB) come and go at random, the stream engines take their
// commands at random, and the ports fire beats at random while their gates are open. Over
// commands of several tokens and every flag combination: the parts are commanded in the order
// of the per-token schedule (docs/device.md), with the loop commands (kind, length, clears,
// operands) and writes the golden kernel's pass implies; each gate passes exactly its port's
// share of each matrix; bad arguments and bad token ids end the command with their status; and
// no assertion of the part fires. With lanes (a four-lane schedule): every element-wise step runs
// lane by lane (the events carry lane_o), each matrix is granted once after every lane's
// quantizer, the beta, h and LB are taken once at lane 0, the slots with a reset bit are zeroed in
// lane order, and a lane's h is written unless the next lane continues its chain.
#include <gtest/gtest.h>

#include <cstdint>
#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "Vmmfree_token_schedule.h"
#include "mmfree/regmap.hpp"
#include "part_top.hpp"

namespace {

using namespace mmfree::kernel_parts_test;
namespace rm = mmfree::regmap;

constexpr unsigned kPorts = 3;
constexpr uint32_t kD = 32, kI = 48, kV = 40, kBeatsD = 2, kBeatsI = 3;
constexpr uint32_t kRowsD[kPorts] = {11, 11, 10}, kRowsGate[kPorts] = {32, 32, 32}, kRowsVocab[kPorts] = {14, 13, 13};

enum Kind : uint32_t { kNorm = 0, kOgate = 1, kProj = 2, kMlgru = 3, kGlu = 4, kQuant = 5 };
enum Src : uint32_t { kZero = 0, kH = 1, kArgmax = 2, kLogits = 3 };
enum Mx : uint32_t { kMxI = 0, kMxF, kMxG, kMxO, kMxGate, kMxDown, kMxHead };

std::string loop_event(Kind kind, uint32_t n, bool clear_ss, bool clear_amax, bool src_x, bool bounded) {
  static const char* names[] = {"norm", "ogate", "proj", "mlgru", "glu", "quant"};
  std::string e = std::string("loop ") + names[kind] + " n=" + std::to_string(n);
  if (clear_ss) e += " clear-ss";
  if (clear_amax) e += " clear-amax";
  if (kind == kNorm) e += src_x ? " from-x" : " from-r";
  if (kind == kMlgru && bounded) e += " bounded";
  return e;
}
// The test's flag for "zero the slot first" (the schedule's reset_i; flags bit 0 is reserved).
constexpr uint32_t kReset = 1u << 0;

std::string write_event(Src src) {
  static const char* names[] = {"zero-slot", "h", "argmax", "logits"};
  return std::string("write ") + names[src];
}
std::string at(std::string e, uint32_t lane) { return e + " @" + std::to_string(lane); }

// The events of one command, in order, as the golden kernel's pass orders its work, for `lanes`
// lanes (reset: the lanes whose slot is zeroed first; chain: the lanes that continue the one
// before).
std::vector<std::string> expected_events(uint32_t tokens, uint32_t layers, uint32_t flags, bool bounded_flag,
                                         uint32_t lanes = 1, uint32_t reset = 0, uint32_t chain = 0) {
  std::vector<std::string> e;
  if (flags & kReset) reset |= 1u;
  for (uint32_t k = 0; k < lanes; ++k)
    if (reset & (1u << k)) e.push_back(at(write_event(kZero), k));
  // One BitLinear: per lane its loop before (pre), the beta at lane 0, its own projection loop,
  // the scale, the quantizer; then the logits' write and the matrix's sums, once.
  auto bitlinear = [&](Mx mx, const std::function<void(uint32_t)>& pre, bool own_loop, uint32_t cols, bool logits) {
    for (uint32_t k = 0; k < lanes; ++k) {
      if (pre) pre(k);
      if (k == 0) e.push_back("beta");
      if (own_loop) e.push_back(at(loop_event(kProj, cols, false, true, true, false), k));
      e.push_back(at("scale", k));
      e.push_back(at(loop_event(kQuant, cols, false, false, true, false), k));
    }
    if (logits) e.push_back(at(write_event(kLogits), lanes - 1));   // (started at the last lane)
    e.push_back("sums mx=" + std::to_string(mx));
  };
  for (uint32_t t = 0; t < tokens; ++t) {
    e.push_back("token read");
    e.push_back("pass");
    for (uint32_t l = 0; l < layers; ++l) {
      bitlinear(kMxI, [&](uint32_t k) { e.push_back(at(loop_event(kNorm, kD, true, true, true, false), k)); }, false,
                kD, false);
      bitlinear(kMxF, nullptr, true, kD, false);
      bitlinear(kMxG, nullptr, true, kD, false);
      for (uint32_t k = 0; k < lanes; ++k) {
        if (k == 0) e.push_back("h+lb");
        e.push_back(at(loop_event(kMlgru, kD, false, false, true, bounded_flag && l != 0), k));
        const bool chained_next = k + 1 < lanes && (chain & (1u << (k + 1)));
        if (!chained_next) e.push_back(at(write_event(kH), k));
      }
      bitlinear(kMxO, [&](uint32_t k) { e.push_back(at(loop_event(kOgate, kD, true, true, true, false), k)); }, false,
                kD, false);
      bitlinear(kMxGate, [&](uint32_t k) { e.push_back(at(loop_event(kNorm, kD, true, true, false, false), k)); },
                false, kD, false);
      bitlinear(kMxDown, [&](uint32_t k) { e.push_back(at(loop_event(kGlu, kI, true, true, true, false), k)); }, false,
                kI, false);
    }
    const bool logits = !(flags & (1u << rm::flags::kNoLogitsBit)) &&
                        ((flags & (1u << rm::flags::kAllLogitsBit)) || t + 1 == tokens);
    bitlinear(kMxHead, [&](uint32_t k) { e.push_back(at(loop_event(kNorm, kD, true, true, true, false), k)); }, false,
              kD, logits);
    e.push_back(at(write_event(kArgmax), 0));
    e.push_back("token done");
  }
  e.push_back("done");
  return e;
}

class Schedule : public ::testing::Test {
 protected:
  Schedule() : rng_(1234) {
    auto& s = u_.dut();
    s.start_i = 0;
    s.d_i = kD;
    s.ni_i = kI;
    s.nv_i = kV;
    s.beats_d_i = kBeatsD;
    s.beats_i_i = kBeatsI;
    for (unsigned p = 0; p < kPorts; ++p) {
      s.port_rows_d_i[p] = kRowsD[p];
      s.port_rows_gate_i[p] = kRowsGate[p];
      s.port_rows_vocab_i[p] = kRowsVocab[p];
    }
    idle_inputs();
    u_.settle();
  }

  void idle_inputs() {
    auto& s = u_.dut();
    s.nc_ready_i = 0;
    s.rd_idle_i = 1;
    s.tok_bad_i = 0;
    s.rd_error_i = 0;
    s.lp_done_i = 0;
    s.bs_done_i = 0;
    s.ig_done_i = 0;
    s.wr_done_i = 0;
    s.wr_done_seen_i = 0;
    s.gmem_wr_done_i = 0;
    s.gmem_wr_error_i = 0;
    s.ws_error_i = 0;
    s.array_fire_i = 0;
  }

  // Runs one command to its done_o; returns the events the schedule commanded.
  std::vector<std::string> run(uint32_t tokens, uint32_t layers, uint32_t flags, bool bounded_flag, uint32_t token_id,
                               uint32_t lanes = 1, uint32_t reset = 0, uint32_t chain = 0) {
    auto& s = u_.dut();
    std::vector<std::string> events;
    s.num_tokens_i = tokens;
    s.nl_i = layers;
    s.flags_i = flags & ~kReset;
    s.num_lanes_i = lanes;
    s.lane_reset_i = reset | ((flags & kReset) ? 1u : 0u);
    s.lane_chain_i = chain;
    s.start_i = 1;
    int nc_in = -1, tok_in = -1, lp_in = -1, bs_in = -1, ig_in = -1, wr_in = -1;
    bool nc_ready = false, ig_running = false, logits_open = false, seen = false;
    uint32_t fires[kPorts] = {}, share[kPorts] = {};
    uint64_t token_dones = 0;
    for (int cycle = 0; cycle < 200000; ++cycle) {
      // The parts' answers for this cycle.
      s.nc_ready_i = nc_ready;
      s.tok_bad_i = token_id >= kV;   // (the engine's top checks every lane's id)
      s.rd_idle_i = (tok_in < 0);
      s.lp_done_i = (lp_in == 0);
      s.bs_done_i = (bs_in == 0);
      s.bs_scale_man_i = 0x1ABCD;
      s.bs_scale_exp_i = 0x3F0;
      s.bs_c_man_i = (cycle % 7 == 0) ? 0 : 0x15555;   // amax 0 sometimes: q = 0
      s.bs_c_exp_i = 0x3F5;
      s.wr_done_i = (wr_in == 0);
      s.wr_done_seen_i = seen;
      s.x_ready_i = chance(rng_, 0.5);
      s.n_avail_i = chance(rng_, 0.5);
      s.n_avail2_i = s.n_avail_i && chance(rng_, 0.5);
      s.beta_avail_i = chance(rng_, 0.5);
      s.h_lb_ready_i = chance(rng_, 0.3);
      s.beta_man_i = 0x10001;
      s.beta_exp_i = 0x3F8;
      s.ws_cmd_ready_i = static_cast<uint8_t>(rng_() & 7);
      s.feeders_busy_i = chance(rng_, 0.2);
      s.bounded_i = bounded_flag && s.layer_o != 0;
      s.array_fire_i = 0;
      u_.settle();
      // The ports fire while their gates are open; the row sums end once every share has
      // passed (and, for the logits, the beats were written).
      uint32_t fire = 0;
      for (unsigned p = 0; p < kPorts; ++p)
        if (s.gate_open_o & (1u << p) && chance(rng_, 0.5)) fire |= 1u << p;
      s.array_fire_i = fire;
      s.ig_done_i = ig_running && ig_in == 0;
      u_.settle();

      for (unsigned p = 0; p < kPorts; ++p) fires[p] += (fire >> p) & 1;
      if (s.nc_start_o) nc_in = 3;
      if (s.tok_read_o) {
        events.push_back("token read");
        tok_in = 2 + static_cast<int>(rng_() % 5);
      }
      if (s.pass_start_o) {
        events.push_back("pass");
        EXPECT_EQ(s.ws_cmd_valid_o, 0u) << "the pass starts before every stream command was taken";
      }
      if (s.beta_pop_o) events.push_back("beta");
      if (s.h_lb_take_o) events.push_back("h+lb");
      if (s.bs_valid_o) {
        events.push_back(at("scale", s.lane_o));
        bs_in = 2 + static_cast<int>(rng_() % 4);
      }
      if (s.lp_start_o) {
        const uint64_t c = s.lp_cmd_o;
        events.push_back(at(loop_event(static_cast<Kind>((c >> 37) & 7), static_cast<uint32_t>(c >> 5), (c >> 4) & 1,
                                       (c >> 3) & 1, (c >> 2) & 1, c & 1),
                            s.lane_o));
        lp_in = 1 + static_cast<int>(rng_() % 6);
      }
      if (s.wr_start_o) {
        events.push_back(at(write_event(static_cast<Src>(s.wr_src_o)), s.lane_o));
        wr_in = s.wr_src_o == kLogits ? 1 : 1 + static_cast<int>(rng_() % 6);
        if (s.wr_src_o == kLogits) {
          logits_open = true;
          seen = false;
        }
      }
      if (s.ig_clear_o) {
        events.push_back("sums mx=" + std::to_string(s.mx_o));
        // The share of each port for this matrix: rows times beats per row.
        for (unsigned p = 0; p < kPorts; ++p) {
          const uint32_t rows = s.mx_o == kMxGate ? kRowsGate[p] : s.mx_o == kMxHead ? kRowsVocab[p] : kRowsD[p];
          share[p] = rows * (s.mx_o == kMxDown ? kBeatsI : kBeatsD);
          fires[p] = 0;
        }
        ig_running = true;
        ig_in = -1;
      }
      if (ig_running && s.ig_active_o && ig_in < 0) {
        bool all = true;
        for (unsigned p = 0; p < kPorts; ++p) all = all && fires[p] == share[p];
        if (all) ig_in = static_cast<int>(rng_() % 3);
      }
      if (s.ig_done_i) {
        ig_running = false;
        for (unsigned p = 0; p < kPorts; ++p) EXPECT_EQ(fires[p], share[p]) << "port " << p << "'s share";
        if (logits_open) {
          wr_in = -1;
          seen = true;  // the logits' beats are written: the engine responds
          logits_open = false;
        }
      }
      token_dones += s.token_done_o;
      if (s.token_done_o) events.push_back("token done");
      if (s.done_o) {
        events.push_back("done");
        EXPECT_EQ(token_dones, s.status_o == 0 ? tokens : 0u);
        u_.tick();
        s.start_i = 0;
        return events;
      }
      u_.tick();
      s.start_i = 0;
      auto count = [](int& c) {
        if (c >= 0) --c;
      };
      if (nc_in == 0) nc_ready = true;
      count(nc_in);
      count(tok_in);
      count(lp_in);
      count(bs_in);
      count(ig_in);
      if (wr_in == 0) wr_in = -1;
      else count(wr_in);
    }
    ADD_FAILURE() << "the command never ended";
    return events;
  }

  PartTop<Vmmfree_token_schedule> u_;
  std::mt19937_64 rng_;
};

TEST_F(Schedule, CommandsThePartsInTheTokenPassOrder) {
  const uint32_t reset = kReset, all = 1u << rm::flags::kAllLogitsBit,
                 none = 1u << rm::flags::kNoLogitsBit;
  for (uint32_t flags : {0u, reset, all, none, reset | all}) {
    for (uint32_t tokens : {1u, 3u}) {
      const bool bounded = (flags & reset) != 0;
      SCOPED_TRACE(testing::Message() << "flags " << flags << " tokens " << tokens);
      const auto got = run(tokens, 2, flags, bounded, 7);
      const auto want = expected_events(tokens, 2, flags, bounded);
      for (size_t k = 0; k < std::min(got.size(), want.size()); ++k) ASSERT_EQ(got[k], want[k]) << "event " << k;
      ASSERT_EQ(got.size(), want.size());
      EXPECT_EQ(u_->status_o, 0u);
    }
  }
  EXPECT_EQ(u_.assertion_failures(), 0u);
}

TEST_F(Schedule, LanesRunEachStepLaneByLaneAndChainsSkipTheirHWrites) {
  struct Case {
    uint32_t lanes, reset, chain;
  };
  // Four decode lanes; a chain of four; a decode lane, a chain of two, a decode lane; two lanes.
  for (const Case& c : {Case{4, 0b1111, 0}, Case{4, 0b0001, 0b1110}, Case{4, 0b0010, 0b0100}, Case{2, 0, 0}}) {
    for (uint32_t flags : {0u, 1u << rm::flags::kAllLogitsBit}) {
      SCOPED_TRACE(testing::Message() << "lanes " << c.lanes << " reset " << c.reset << " chain " << c.chain
                                      << " flags " << flags);
      const auto got = run(2, 2, flags, true, 7, c.lanes, c.reset, c.chain);
      const auto want = expected_events(2, 2, flags, true, c.lanes, c.reset, c.chain);
      for (size_t k = 0; k < std::min(got.size(), want.size()); ++k) ASSERT_EQ(got[k], want[k]) << "event " << k;
      ASSERT_EQ(got.size(), want.size());
      EXPECT_EQ(u_->status_o, 0u);
    }
  }
  EXPECT_EQ(u_.assertion_failures(), 0u);
}

TEST_F(Schedule, BadArgumentsAndBadTokensEndTheCommand) {
  auto got = run(0, 2, 0, false, 7);
  EXPECT_EQ(got, std::vector<std::string>{"done"});
  EXPECT_EQ(u_->status_o, 1u << rm::status::kBadArgumentsBit);
  got = run(2, 2, 0, false, kV);   // token id == vocabulary size
  EXPECT_EQ(got, (std::vector<std::string>{"token read", "done"}));
  EXPECT_EQ(u_->status_o, 1u << rm::status::kBadTokenBit);
  EXPECT_EQ(u_.assertion_failures(), 0u);
}

}  // namespace
