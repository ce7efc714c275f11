// tests/rtl_units/rtl/abs_max_unit.sv against golden::abs_max, on vectors of one to many beats,
// under random valid/stall.
#include <gtest/gtest.h>

#include <vector>

#include "Vabs_max_unit.h"
#include "clocked_model.hpp"
#include "mmfree/golden/numerics.hpp"
#include "valid_stall_driver.hpp"
#include "vector_stream.hpp"

namespace mmfree::rtl_test {
namespace {

TEST(AbsMaxUnit, MatchesGolden) {
  auto vectors = test_vectors(400, 700, 53);
  // A maximum hidden in the middle of a long vector, negative, and in a padded last beat.
  std::vector<int32_t> v(1000, 5);
  v[517] = -77777;
  vectors.push_back(v);
  v.assign(33, -3);
  v[32] = 9;
  vectors.push_back(v);
  const auto beats = split_into_beats(vectors);
  ClockedModel<Vabs_max_unit> sim;
  sim->valid_i = 0;
  sim->stall_i = 0;
  sim.reset();
  std::vector<uint32_t> out;
  stream_valid_stall(
      sim, beats.size(), vectors.size(), StallPattern{0.7, 0.3, 10},
      [&](std::size_t i) {
        set_lanes(sim->a_i, beats[i].lanes.data());
        sim->first_i = beats[i].first;
        sim->last_i = beats[i].last;
      },
      [&] { out.push_back(sim->amax_o); });
  ASSERT_EQ(out.size(), vectors.size());
  for (std::size_t i = 0; i < vectors.size(); ++i)
    ASSERT_EQ(out[i], golden::abs_max(vectors[i])) << "vector " << i << " of length " << vectors[i].size();
}

}  // namespace
}  // namespace mmfree::rtl_test
