// mmfree_token_buffers (hw/rtl/kernel/token/) against a model of its buffers: every cycle the
// three writers (vector reader, row-sum intake, element loop) write at random, to every buffer
// each may write (never two to one buffer at once, as the engine's schedule promises), and every
// read port reads a random word; each read returns, one cycle later, the word the model holds
// (old data on a read of the word being written), so every writer reaches exactly its buffers,
// lanes and words, the n buffer's slots and the p buffer's q words line up, and no assertion of
// the part fires.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "Vmmfree_token_buffers.h"
#include "part_top.hpp"

namespace {

using namespace mmfree::kernel_parts_test;

constexpr unsigned kLanes = 16;
constexpr unsigned kHWords = 16;   // MaxHidden 256 (CMakeLists.txt)
constexpr unsigned kIWords = 32;   // MaxIntermediate 512
constexpr unsigned kVWords = 32;
constexpr unsigned kQWords = 4;    // element words per q word

enum Dst : uint32_t { kX = 0, kN = 1, kH = 2, kLb = 3 };
enum Mx : uint32_t { kI = 0, kF = 1, kG = 2, kO = 3, kGate = 4, kDown = 5 };
enum Kind : uint32_t { kNorm = 0, kOgate = 1, kProj = 2, kMlgru = 3, kGlu = 4, kQuant = 5 };

using Word = std::array<uint32_t, kLanes>;

// A buffer of the model: its words, and which lanes have been written (the RAMs start with
// random contents: only what was written is checked).
struct Buffer {
  explicit Buffer(size_t words = 0) : data(words), known(words, 0) {}
  void resize(size_t words) {
    data.resize(words);
    known.resize(words, 0);
  }
  void write(uint32_t at, const Word& w, uint32_t lanes = 0xFFFF) {
    for (unsigned b = 0; b < kLanes; ++b)
      if ((lanes >> b) & 1) data[at][b] = w[b];
    known[at] |= lanes;
  }
  std::vector<Word> data;
  std::vector<uint32_t> known;
};

TEST(Buffers, EveryWriterReachesItsBuffersAndEveryReadItsWord) {
  PartTop<Vmmfree_token_buffers> u;
  std::mt19937_64 rng(808);
  Buffer x(kHWords), r(kHWords), h(kHWords), f(kHWords), i(kHWords), g(kHWords), p1(kHWords), lb(kHWords);
  Buffer yg(kIWords), yu(kIWords), p(kVWords);
  std::array<Buffer, 4> n;
  for (auto& slot : n) slot.resize(kVWords);
  auto random_word = [&](auto& port) {
    Word w;
    for (unsigned b = 0; b < kLanes; ++b) port[b] = w[b] = static_cast<uint32_t>(rng());
    return w;
  };
  uint64_t checked = 0;
  auto expect_word = [&](const auto& port, const Buffer& buffer, uint32_t at, const char* what) {
    for (unsigned b = 0; b < kLanes; ++b) {
      if (!((buffer.known[at] >> b) & 1)) continue;
      ASSERT_EQ(port[b], buffer.data[at][b]) << what << " word " << at << " lane " << b;
      ++checked;
    }
  };

  struct Read {
    uint32_t lp, xr, h, n_cons;
  };
  uint64_t writes = 0;
  for (int cycle = 0; cycle < 20000; ++cycle) {
    // The writers.
    const bool rd_we = chance(rng, 0.3);
    const Dst dst = static_cast<Dst>(rng() % 4);
    const uint32_t slot = static_cast<uint32_t>(rng() % 4);
    const uint32_t rd_waddr = static_cast<uint32_t>(rng() % (dst == kN ? kVWords : kHWords));
    u->rd_we_i = rd_we;
    u->rd_dst_i = dst;
    u->rd_slot_i = slot;
    u->rd_waddr_i = rd_waddr;
    const Word rd_word = random_word(u->rd_word_i), rd_a = random_word(u->rd_as_a_i), rd_g = random_word(u->rd_as_g_i);

    Mx mx = static_cast<Mx>(rng() % 6);
    bool ig_v = chance(rng, 0.3);
    const bool ig_up = chance(rng, 0.5);
    const uint32_t ig_addr = static_cast<uint32_t>(rng() % (mx == kGate ? kIWords : kHWords));
    const uint32_t lanes = static_cast<uint32_t>(rng() & 0xFFFF);
    Kind kind = static_cast<Kind>(rng() % 6);
    bool lp_wr = chance(rng, 0.3);
    const uint32_t lp_wa = static_cast<uint32_t>(
        rng() % ((kind == kMlgru || kind == kNorm || kind == kOgate) ? kHWords : kIWords));
    // Never two writers of one buffer (the schedule's promise, asserted in the part).
    if (rd_we && dst == kX && ig_v && mx == kDown) ig_v = false;
    if (rd_we && dst == kH && lp_wr && kind == kMlgru) lp_wr = false;
    if (ig_v && mx == kGate && !ig_up && lp_wr && kind == kGlu) lp_wr = false;
    u->rd_lane_i = 0;   // (one lane: the part's default BatchLanes = 1)
    u->ig_lane_i = 0;
    u->lp_lane_i = 0;
    u->ig_mx_i = mx;
    u->ig_v_i = ig_v;
    u->ig_up_i = ig_up;
    u->ig_addr_i = ig_addr;
    u->ig_lanes_i = lanes;
    const Word ig_word = random_word(u->ig_word_i), ig_resid = random_word(u->ig_resid_i);
    u->lp_wr_i = lp_wr;
    u->lp_kind_i = kind;
    u->lp_wa_i = lp_wa;
    const Word lp_h = random_word(u->lp_h_new_i), lp_z = random_word(u->lp_z_i), lp_p1 = random_word(u->lp_p1_i),
               lp_p = random_word(u->lp_p_i);

    // The reads of this cycle.
    const Read now{static_cast<uint32_t>(rng() % kVWords), static_cast<uint32_t>(rng() % kHWords),
                   static_cast<uint32_t>(rng() % kHWords), static_cast<uint32_t>(rng() % 4)};
    u->lp_ra_i = now.lp;
    u->xr_ra_i = now.xr;
    u->h_ra_i = now.h;
    u->n_cons_i = now.n_cons;
    u.settle();
    u.tick();

    // The reads of the edge just taken (registered: what the words held before its writes).
    const Read prev = now;
    {
      expect_word(u->x_rd_o, x, prev.xr, "x");
      expect_word(u->r_rd_o, r, prev.xr, "r");
      expect_word(u->h_rd_o, h, prev.h, "h");
      expect_word(u->f_rd_o, f, prev.lp % kHWords, "f");
      expect_word(u->i_rd_o, i, prev.lp % kHWords, "i");
      expect_word(u->g_rd_o, g, prev.lp % kHWords, "g");
      expect_word(u->p1_rd_o, p1, prev.lp % kHWords, "p1");
      expect_word(u->lb_rd_o, lb, prev.lp % kHWords, "lb");
      expect_word(u->yg_rd_o, yg, prev.lp % kIWords, "yg");
      expect_word(u->yu_rd_o, yu, prev.lp % kIWords, "yu");
      expect_word(u->n_cur_rd_o, n[prev.n_cons], prev.lp, "n (current)");
      expect_word(u->n_nxt_rd_o, n[(prev.n_cons + 1) % 4], prev.lp, "n (next)");
      // p: q word q is element words 4q .. 4q + 3 side by side.
      const uint32_t q = prev.lp % (kVWords / kQWords);
      for (unsigned e = 0; e < kQWords * kLanes; ++e) {
        const uint32_t word = q * kQWords + e / kLanes, lane = e % kLanes;
        if (!((p.known[word] >> lane) & 1)) continue;
        ASSERT_EQ(u->p_rd_o[e], p.data[word][lane]) << "p element " << e << " of q word " << q;
        ++checked;
      }
      if (HasFatalFailure()) return;
    }

    // The model: the edge's writes.
    if (rd_we) {
      ++writes;
      switch (dst) {
        case kX: x.write(rd_waddr, rd_a); break;
        case kH: h.write(rd_waddr, rd_word); break;
        case kLb: lb.write(rd_waddr, rd_g); break;
        case kN: n[slot].write(rd_waddr, rd_a); break;
      }
    }
    if (ig_v) {
      ++writes;
      switch (mx) {
        case kI: i.write(ig_addr, ig_word, lanes); break;
        case kF: f.write(ig_addr, ig_word, lanes); break;
        case kG: g.write(ig_addr, ig_word, lanes); break;
        case kO: r.write(ig_addr, ig_resid, lanes); break;
        case kDown: x.write(ig_addr, ig_resid, lanes); break;
        case kGate: (ig_up ? yu : yg).write(ig_addr, ig_word, lanes); break;
      }
    }
    if (lp_wr) {
      ++writes;
      switch (kind) {
        case kMlgru: h.write(lp_wa, lp_h); break;
        case kGlu: yg.write(lp_wa, lp_z); p.write(lp_wa, lp_p); break;
        case kNorm: case kOgate: p1.write(lp_wa, lp_p1); p.write(lp_wa, lp_p); break;
        case kProj: p.write(lp_wa, lp_p); break;
        case kQuant: break;
      }
    }
  }
  EXPECT_GT(writes, 10000u);
  EXPECT_GT(checked, 1000000u);
  EXPECT_EQ(u.assertion_failures(), 0u);
}

}  // namespace
