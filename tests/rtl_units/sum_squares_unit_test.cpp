// tests/rtl_units/rtl/sum_squares_unit.sv against golden::sum_squares (exact, 76 bits), on vectors
// of one to many beats including the longest at full magnitude, under random valid/stall.
#include <gtest/gtest.h>

#include <vector>

#include "Vsum_squares_unit.h"
#include "clocked_model.hpp"
#include "mmfree/golden/numerics.hpp"
#include "valid_stall_driver.hpp"
#include "vector_stream.hpp"

namespace mmfree::rtl_test {
namespace {

using golden::uint128;

TEST(SumSquaresUnit, MatchesGoldenExactSums) {
  const auto vectors = test_vectors(300, 700, 51);
  const auto beats = split_into_beats(vectors);
  ClockedModel<Vsum_squares_unit> sim;
  sim->valid_i = 0;
  sim->stall_i = 0;
  sim.reset();
  std::vector<uint128> out;
  stream_valid_stall(
      sim, beats.size(), vectors.size(), StallPattern{0.7, 0.3, 9},
      [&](std::size_t i) {
        set_lanes(sim->a_i, beats[i].lanes.data());
        sim->first_i = beats[i].first;
        sim->last_i = beats[i].last;
      },
      [&] {
        out.push_back(uint128{sim->sum_o[0]} | (uint128{sim->sum_o[1]} << 32) | (uint128{sim->sum_o[2]} << 64));
      });
  ASSERT_EQ(out.size(), vectors.size());
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    ASSERT_TRUE(out[i] == golden::sum_squares(vectors[i])) << "vector " << i << " of length " << vectors[i].size();
  }
  // The full-magnitude vector needs more than 64 bits: the check above covered the high word.
  EXPECT_GT(static_cast<uint64_t>(golden::sum_squares(vectors[vectors.size() - 3]) >> 64), 0u);
}

}  // namespace
}  // namespace mmfree::rtl_test
