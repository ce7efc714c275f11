// Vectors streamed Lanes values per beat with first/last flags, the way the reduction units
// (sum_squares_unit, abs_max_unit) receive them: the last beat is padded with zeros.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "lane_ports.hpp"
#include "test_values.hpp"

namespace mmfree::rtl_test {

struct VectorBeat {
  std::vector<int32_t> lanes;
  bool first = false, last = false;
};

inline std::vector<VectorBeat> split_into_beats(const std::vector<std::vector<int32_t>>& vectors) {
  std::vector<VectorBeat> beats;
  for (const auto& v : vectors) {
    for (std::size_t start = 0; start < v.size(); start += kUnitLanes) {
      VectorBeat b{std::vector<int32_t>(kUnitLanes, 0), start == 0, start + kUnitLanes >= v.size()};
      for (int k = 0; k < kUnitLanes && start + k < v.size(); ++k) b.lanes[k] = v[start + k];
      beats.push_back(b);
    }
  }
  return beats;
}

// Random vectors of lengths 1 .. max_length, plus the extremes: all zeros, and the longest
// vector at the largest magnitude of format A.
inline std::vector<std::vector<int32_t>> test_vectors(std::size_t count, std::size_t max_length, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> length(1, max_length);
  std::vector<std::vector<int32_t>> vectors;
  for (std::size_t i = 0; i < count; ++i) {
    std::vector<int32_t> v(length(rng));
    for (int32_t& x : v) x = random_a(rng);
    vectors.push_back(v);
  }
  vectors.push_back(std::vector<int32_t>(6912, 0));
  vectors.push_back(std::vector<int32_t>(6912, kAMax));
  vectors.push_back(std::vector<int32_t>(6912, -kAMax));
  vectors.push_back(std::vector<int32_t>(1, -kAMax));
  return vectors;
}

}  // namespace mmfree::rtl_test
