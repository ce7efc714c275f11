// mmfree_segment_gearbox (hw/rtl/kernel/): passes of random rows (1..13 segments, so rows start
// and end anywhere in a beat and cross beats) in five-segment beats, the last beat of a pass
// padded with garbage segments that must be dropped, the next pass's beats offered right behind,
// and random stalls on both sides. Every chunk is the row's next four segments (or the rest,
// zero-filled), every beat of a pass and none of the next is taken, and no assertion fires.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "Vmmfree_segment_gearbox.h"
#include "part_top.hpp"

namespace {

using namespace mmfree::kernel_parts_test;
using Segment = std::array<uint32_t, 4>;  // 128 bits: 64 two-bit codes

struct Chunk {
  unsigned want;               // segments, 1..4
  std::array<uint32_t, 16> bits;  // 512 bits, zero after `want` segments
};

struct Pass {
  uint32_t segments = 0;
  std::vector<std::array<Segment, 5>> beats;
  std::deque<Chunk> chunks;
};

Pass make_pass(std::mt19937_64& rng, unsigned max_rows) {
  Pass p;
  std::vector<Segment> stream;
  const unsigned rows = 1 + unsigned(rng() % max_rows);
  for (unsigned r = 0; r < rows; ++r) {
    const unsigned length = 1 + unsigned(rng() % 13);
    for (unsigned k = 0; k < length; k += 4) {
      Chunk c{std::min(4u, length - k), {}};
      for (unsigned s = 0; s < c.want; ++s) {
        Segment seg;
        for (auto& w : seg) w = static_cast<uint32_t>(rng());
        stream.push_back(seg);
        for (unsigned w = 0; w < 4; ++w) c.bits[4 * s + w] = seg[w];
      }
      p.chunks.push_back(c);
    }
  }
  p.segments = static_cast<uint32_t>(stream.size());
  for (std::size_t k = 0; k < stream.size(); k += 5) {
    std::array<Segment, 5> beat;
    for (unsigned s = 0; s < 5; ++s) {
      if (k + s < stream.size()) beat[s] = stream[k + s];
      else for (auto& w : beat[s]) w = static_cast<uint32_t>(rng());  // padding: must be dropped
    }
    p.beats.push_back(beat);
  }
  return p;
}

void run_passes(uint64_t seed, double in_stall, double out_stall, unsigned passes, unsigned max_rows) {
  PartTop<Vmmfree_segment_gearbox> g;
  std::mt19937_64 rng(seed);
  std::vector<Pass> all;
  for (unsigned k = 0; k < passes; ++k) all.push_back(make_pass(rng, max_rows));
  // Every beat of every pass, back to back: the source does not know where a pass ends.
  std::vector<std::pair<unsigned, std::size_t>> source;
  for (unsigned k = 0; k < passes; ++k)
    for (std::size_t b = 0; b < all[k].beats.size(); ++b) source.push_back({k, b});
  std::size_t next_beat = 0;
  uint64_t chunks_checked = 0;

  for (unsigned k = 0; k < passes; ++k) {
    // Start the pass once the gearbox is idle (as the feeder does).
    g->start_i = 0;
    g->in_valid_i = 0;
    g->out_ready_i = 0;
    g->want_i = 4;
    g.settle();
    ASSERT_FALSE(g->busy_o) << "pass " << k;
    g->start_i = 1;
    g->total_i = all[k].segments;
    g.tick();
    g->start_i = 0;
    Pass& p = all[k];
    std::size_t taken = 0;
    for (uint64_t cycle = 0; !p.chunks.empty(); ++cycle) {
      ASSERT_LT(cycle, 100000u) << "pass " << k << " hangs";
      const bool offer = next_beat < source.size() && !chance(rng, in_stall);
      g->in_valid_i = offer;
      if (offer) {
        const auto& beat = all[source[next_beat].first].beats[source[next_beat].second];
        for (unsigned s = 0; s < 5; ++s)
          for (unsigned w = 0; w < 4; ++w) g->in_segments_i[4 * s + w] = beat[s][w];
      }
      g->want_i = p.chunks.front().want;
      g->out_ready_i = !chance(rng, out_stall);
      g.settle();
      if (g->out_valid_o && g->out_ready_i) {
        for (unsigned w = 0; w < 16; ++w)
          ASSERT_EQ(g->out_chunk_o[w], p.chunks.front().bits[w]) << "pass " << k << " chunk word " << w;
        p.chunks.pop_front();
        ++chunks_checked;
      }
      if (offer && g->in_ready_o) {
        ASSERT_EQ(source[next_beat].first, k) << "a beat of the next pass was taken before its start";
        ++next_beat;
        ++taken;
      }
      g.tick();
    }
    ASSERT_EQ(taken, p.beats.size()) << "pass " << k;
  }
  EXPECT_EQ(next_beat, source.size());
  EXPECT_GT(chunks_checked, uint64_t(passes));
  EXPECT_EQ(g.assertion_failures(), 0u);
}

TEST(SegmentGearbox, RandomRowsNoStalls) { run_passes(1, 0.0, 0.0, 40, 30); }
TEST(SegmentGearbox, RandomRowsRandomStalls) { run_passes(2, 0.3, 0.3, 60, 30); }
TEST(SegmentGearbox, SlowMemory) { run_passes(3, 0.6, 0.05, 40, 30); }
TEST(SegmentGearbox, SlowArray) { run_passes(4, 0.05, 0.7, 40, 30); }
TEST(SegmentGearbox, OneRowPasses) { run_passes(5, 0.2, 0.2, 200, 1); }

}  // namespace
