// mmfree_token_prefetcher with the real vector reader (token_read_path.sv, wired as the engine
// wires them) against a model of the gmem read engine with random stalls, and a model of the
// sequence that consumes a token's vectors and betas in the engine's order, taking random time
// for each loop and matrix. Over several tokens: the reads go out in item order (a beta read may
// be left out: the beta cache serves it); every vector is still in its buffer (the n slot of its
// number, h, LB, x) when the sequence uses it, so nothing was overwritten early; every beta
// comes out of the FIFO in order, converted (golden::to_sf); and no assertion fires. With three
// lanes, each lane gets its own embedding and h rows (read once per lane, into its region).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <random>
#include <vector>

#include "Vtoken_read_path.h"
#include "mmfree/golden/numerics.hpp"
#include "part_top.hpp"

namespace {

using namespace mmfree::kernel_parts_test;
namespace golden = mmfree::golden;

constexpr unsigned kLanes = 16;
constexpr unsigned kBeatBytes = 64;
constexpr uint32_t kLayers = 3, kD = 40, kI = 70;
constexpr uint64_t kVectors = 0x100000;   // item vectors, one 4 KiB page each
constexpr uint64_t kBetas = 0x800000;     // the beta table: 6 per layer, then the lm_head's

enum Dst : uint32_t { kX = 0, kN = 1, kH = 2, kLb = 3, kBeta = 4 };

struct Item {
  Dst dst;
  uint64_t addr;
  uint32_t n;
  uint32_t lane = 0;
};

// The test's layout: item (emb, l, i) -> address and length, as the engine's top computes them
// from the descriptor. Vectors start at varying word offsets (the funnel's alignments).
// Lane k's embedding row and h rows (items emb and 7) lie elsewhere for every lane.
Item item_of(bool emb, uint32_t l, uint32_t i, uint32_t lane = 0) {
  auto vector = [](uint32_t slot, uint32_t n, Dst dst) {
    return Item{dst, kVectors + 0x1000 * uint64_t{slot} + 4 * (slot % 13), n};
  };
  if (emb) return vector(200 + lane, kD, kX);
  if (l == kLayers) {
    if (i == 2) return {kBeta, kBetas + 4 * 6 * kLayers, 1};
    return vector(1 + 17 * l + i, kD, kN);
  }
  const uint32_t slot = 1 + 17 * l + i;
  switch (i) {
    case 2: case 4: case 6: case 11: case 14: case 16: {
      const uint32_t k = i == 2 ? 0 : i == 4 ? 1 : i == 6 ? 2 : i == 11 ? 3 : i == 14 ? 4 : 5;
      return {kBeta, kBetas + 4 * (6 * l + k), 6 - k};
    }
    case 7: return vector(slot + 300 * lane, kD, kH);
    case 8: return vector(slot, kD, kLb);
    case 15: return vector(slot, kI, kN);
    default: return vector(slot, kD, kN);
  }
}

class Prefetcher : public ::testing::Test {
 protected:
  Prefetcher() : rng_(31337) {
    u_->start_i = 0;
    u_->nl_i = kLayers;
    u_->num_lanes_i = 1;
    u_->rd_cmd_ready_i = 0;
    u_->rd_valid_i = 0;
    clear_consumer_inputs();
    u_.settle();
  }

  void clear_consumer_inputs() {
    u_->n_consume_i = 0;
    u_->beta_pop_i = 0;
    u_->h_lb_take_i = 0;
    u_->h_free_i = 0;
    u_->lb_free_i = 0;
  }

  // Memory: each word is a float that encodes its own address (betas: positive, distinct).
  uint32_t word_at(uint64_t addr) {
    if (addr >= kBetas) {
      const float beta = 0.5f + 0.03125f * static_cast<float>((addr - kBetas) / 4) + token_ * 0.25f;
      uint32_t bits;
      std::memcpy(&bits, &beta, 4);
      return bits;
    }
    return static_cast<uint32_t>(addr * 2654435761u) ^ (token_ << 28);
  }

  void cycle() {
    u_->rd_cmd_ready_i = engine_.size() < 2 && !chance(rng_, stall_);
    const bool beat_ready = !engine_.empty() && engine_.front().wait == 0;
    u_->rd_valid_i = beat_ready && !chance(rng_, stall_);
    if (u_->rd_valid_i) {
      const Burst& b = engine_.front();
      for (unsigned w = 0; w < kLanes; ++w) u_->rd_data_i[w] = word_at(b.addr + kBeatBytes * b.done + 4 * w);
    }
    // The layout answers the prefetcher's current item.
    const Item item = item_of(u_->item_emb_o, u_->item_layer_o, u_->item_index_o, u_->item_lane_o);
    u_->item_addr_i = item.addr;
    u_->item_n_i = item.n;
    u_.settle();

    if (u_->rd_cmd_valid_o && u_->rd_cmd_ready_i) {
      // The next item in order, past betas the cache served.
      while (true) {
        ASSERT_LT(expect_next_, expected_.size()) << "a read past the token's items";
        const Item& e = expected_[expect_next_++];
        if (u_->rd_cmd_addr_o == (e.addr & ~uint64_t{63})) {
          reads_.push_back(e);
          break;
        }
        ASSERT_EQ(e.dst, kBeta) << "item " << expect_next_ - 1 << " (addr 0x" << std::hex << e.addr
                                << ") was never read";
      }
      engine_.push_back({u_->rd_cmd_addr_o, u_->rd_cmd_beats_o, 0, static_cast<int>(rng_() % 5)});
    }
    if (u_->we_o) {
      ASSERT_FALSE(reads_.empty());
      const Item& r = reads_.front();
      ASSERT_EQ(u_->dst_o, r.dst);
      ASSERT_EQ(u_->lane_o, r.lane) << "a vector into another lane's region";
      auto& buffer = u_->dst_o == kN ? n_[u_->slot_o] : u_->dst_o == kH ? h_[u_->lane_o] : u_->dst_o == kLb ? lb_ : x_[u_->lane_o];
      if (buffer.size() < 64 * kLanes) buffer.resize(64 * kLanes);
      for (unsigned b = 0; b < kLanes; ++b) buffer[u_->waddr_o * kLanes + b] = u_->word_o[b];
    }
    if (u_->done_o) reads_.pop_front();
    if (u_->rd_valid_i && u_->rd_ready_o) {
      Burst& b = engine_.front();
      if (++b.done == b.beats) engine_.pop_front();
    }
    for (auto& b : engine_) b.wait = std::max(0, b.wait - 1);
    u_.tick();
    u_->start_i = 0;
    clear_consumer_inputs();
  }

  // Waits until ready() (the sequence's condition), then one cycle with act() (its action).
  void wait_then(const std::function<bool()>& ready, const std::function<void()>& act) {
    for (int guard = 0;; ++guard) {
      ASSERT_LT(guard, 20000) << "the sequence waited forever";
      u_.settle();
      if (ready()) break;
      cycle();
      if (HasFatalFailure()) return;
    }
    act();
    cycle();
  }
  void busy(int max_cycles) {
    for (int c = static_cast<int>(rng_() % max_cycles); c > 0 && !HasFatalFailure(); --c) cycle();
  }

  // The buffer holds item's vector.
  void expect_holds(const std::vector<uint32_t>& buffer, const Item& item, const char* what) {
    ASSERT_GE(buffer.size(), item.n);
    for (uint32_t c = 0; c < item.n; ++c)
      ASSERT_EQ(buffer[c], word_at(item.addr + 4 * c)) << what << " element " << c;
  }
  void consume_norms(uint32_t count) {
    for (uint32_t k = 0; k < count; ++k) {
      const Item& item = norm_items_[consumed_ + k];
      expect_holds(n_[(consumed_ + k) % 4], item, "norm vector");
      if (HasFatalFailure()) return;
    }
    consumed_ += count;
    u_->n_consume_i = count;
  }
  void pop_beta(uint32_t index) {
    u_.settle();
    uint32_t bits = word_at(kBetas + 4 * index);
    float beta;
    std::memcpy(&beta, &bits, 4);
    const golden::ScaleFloat sf = golden::to_sf(beta);
    EXPECT_EQ(u_->beta_man_o, sf.mantissa) << "beta " << index;
    EXPECT_EQ(static_cast<int32_t>(static_cast<int16_t>(u_->beta_exp_o << 6)) >> 6, sf.exponent) << "beta " << index;
    u_->beta_pop_i = 1;
  }

  // One token through the sequence's order (mmfree_token_engine's states).
  void run_token() {
    expected_.clear();
    norm_items_.clear();
    expect_next_ = 0;
    consumed_ = 0;
    auto with_lane = [](Item item, uint32_t lane) {
      item.lane = lane;
      return item;
    };
    for (uint32_t k = 0; k < lanes_; ++k) expected_.push_back(with_lane(item_of(true, 0, 0, k), k));
    for (uint32_t l = 0; l <= kLayers; ++l) {
      for (uint32_t i = 0; i < (l == kLayers ? 3u : 17u); ++i) {
        const uint32_t per_lane = (l < kLayers && i == 7) ? lanes_ : 1;   // h: a row per lane
        for (uint32_t k = 0; k < per_lane; ++k) expected_.push_back(with_lane(item_of(false, l, i, k), k));
        if (expected_.back().dst == kN) norm_items_.push_back(expected_.back());
      }
    }
    u_->num_lanes_i = lanes_;
    u_->start_i = 1;
    cycle();
    auto& u = u_.dut();
    const int work = 40;  // a loop or a matrix: up to this many cycles
    for (uint32_t l = 0; l < kLayers && !HasFatalFailure(); ++l) {
      wait_then([&] { return u.x_ready_o && u.n_avail2_o; }, [&] {});          // attn norm (+ I's)
      for (uint32_t k = 0; k < lanes_; ++k) expect_holds(x_[k], item_of(true, 0, 0, k), "x");
      busy(work);
      consume_norms(2);
      cycle();
      wait_then([&] { return u.beta_avail_o; }, [&] { pop_beta(6 * l + 0); });  // I
      busy(work);
      for (uint32_t k = 1; k <= 2; ++k) {                                        // F, G
        wait_then([&] { return u.n_avail_o && u.beta_avail_o; }, [&] { pop_beta(6 * l + k); });
        busy(work);
        consume_norms(1);
        cycle();
        busy(work);
      }
      wait_then([&] { return u.h_lb_ready_o; }, [&] { u.h_lb_take_i = 1; });     // MLGRU
      for (uint32_t k = 0; k < lanes_; ++k) expect_holds(h_[k], item_of(false, l, 7, k), "h");
      expect_holds(lb_, item_of(false, l, 8), "LB");
      busy(work);
      u.lb_free_i = 1;
      cycle();
      wait_then([&] { return u.n_avail2_o; }, [&] {});                           // output gate (+ O's)
      busy(work);
      consume_norms(2);
      u.h_free_i = 1;
      cycle();
      wait_then([&] { return u.beta_avail_o; }, [&] { pop_beta(6 * l + 3); });  // O
      busy(work);
      wait_then([&] { return u.n_avail2_o; }, [&] {});                           // mlp norm (+ Gate's)
      busy(work);
      consume_norms(2);
      cycle();
      wait_then([&] { return u.beta_avail_o; }, [&] { pop_beta(6 * l + 4); });  // Gate
      busy(work);
      wait_then([&] { return u.n_avail_o; }, [&] {});                            // GLU (+ Down's)
      busy(work);
      consume_norms(1);
      cycle();
      wait_then([&] { return u.beta_avail_o; }, [&] { pop_beta(6 * l + 5); });  // Down
      busy(work);
    }
    if (HasFatalFailure()) return;
    wait_then([&] { return u.n_avail2_o; }, [&] {});                             // final norm (+ head's)
    busy(work);
    consume_norms(2);
    cycle();
    wait_then([&] { return u.beta_avail_o; }, [&] { pop_beta(6 * kLayers); });  // lm_head
    for (int guard = 0; !(reads_.empty() && engine_.empty()); ++guard) {
      ASSERT_LT(guard, 1000);
      cycle();
    }
    u_.settle();
    EXPECT_EQ(consumed_, norm_items_.size());
    EXPECT_FALSE(u.beta_avail_o) << "betas left over";
    EXPECT_FALSE(u.n_avail_o) << "norm vectors left over";
    EXPECT_FALSE(u.rd_cmd_valid_o) << "reads past the token";
  }

  struct Burst {
    uint64_t addr;
    uint32_t beats, done;
    int wait;
  };

  PartTop<Vtoken_read_path> u_;
  std::mt19937_64 rng_;
  double stall_ = 0.0;
  uint32_t token_ = 0;
  std::deque<Burst> engine_;
  std::deque<Item> reads_;
  std::vector<Item> expected_, norm_items_;
  size_t expect_next_ = 0;
  uint32_t consumed_ = 0;
  uint32_t lanes_ = 1;
  std::vector<uint32_t> n_[4], h_[16], lb_, x_[16];
};

// Three lanes: the embedding rows and every layer's h rows once per lane, each into its lane's
// region, ready only once all have arrived; the parameters still once.
TEST_F(Prefetcher, LanesGetTheirOwnEmbeddingAndHRows) {
  lanes_ = 3;
  for (double stall : {0.0, 0.5}) {
    stall_ = stall;
    for (int t = 0; t < 2; ++t, ++token_) {
      SCOPED_TRACE(testing::Message() << "stall " << stall << " pass " << token_);
      run_token();
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_EQ(u_.assertion_failures(), 0u);
}

TEST_F(Prefetcher, EveryItemIsReadAheadInOrderAndHeldUntilUsed) {
  for (double stall : {0.0, 0.3, 0.6}) {
    stall_ = stall;
    for (int t = 0; t < 3; ++t, ++token_) {
      SCOPED_TRACE(testing::Message() << "stall " << stall << " token " << token_);
      run_token();
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_EQ(u_.assertion_failures(), 0u);
}

}  // namespace
