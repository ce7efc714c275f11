// tests/rtl_units/rtl/param_convert_unit.sv (float32 -> format A, and -> format G with the clamp of
// the lower bounds) against golden::to_fixed (docs/numerics.md 2), under random valid/stall.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "Vparam_convert_gate.h"
#include "Vparam_convert_unit.h"
#include "clocked_model.hpp"
#include "lane_ports.hpp"
#include "mmfree/golden/numerics.hpp"
#include "valid_stall_driver.hpp"

namespace mmfree::rtl_test {
namespace {

// Parameters as they occur (norm weights, embeddings, lower bounds), every rounding tie of
// the conversion, the saturation edges and arbitrary bit patterns (Inf, NaN, denormals).
std::vector<float> parameter_floats(std::size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> kind(0, 5);
  std::uniform_int_distribution<uint32_t> bits;
  std::uniform_real_distribution<float> weight(-3.0f, 3.0f), unit(0.0f, 1.0f);
  std::uniform_int_distribution<int32_t> grid(-(1 << 22), 1 << 22);
  const float specials[] = {0.0f, -0.0f, 32767.99f, -32767.99f, 32768.0f, -32768.0f, 1e30f, -1e30f,
                            std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::min(),
                            1.0f, 0.9985f, 127.0f / 256.0f};
  std::vector<float> out;
  for (std::size_t i = 0; i < count; ++i) {
    switch (kind(rng)) {
      case 0: out.push_back(weight(rng)); break;
      case 1: out.push_back(unit(rng)); break;
      // Odd multiples of 2^-17 and 2^-25: exact ties for 16 and 24 fractional bits.
      case 2: out.push_back(std::ldexp(static_cast<float>(2 * grid(rng) + 1), -17)); break;
      case 3: out.push_back(std::ldexp(static_cast<float>(2 * (grid(rng) / 4) + 1), -25)); break;
      case 4: out.push_back(specials[i % std::size(specials)]); break;
      default: out.push_back(std::bit_cast<float>(bits(rng))); break;
    }
  }
  return out;
}

template <class Model>
std::vector<int32_t> convert_on_rtl(const std::vector<float>& floats, uint32_t seed) {
  ClockedModel<Model> sim;
  sim->valid_i = 0;
  sim->stall_i = 0;
  sim.reset();
  std::vector<int32_t> out;
  const std::size_t beats = floats.size() / kUnitLanes;
  stream_valid_stall(
      sim, beats, beats, StallPattern{0.7, 0.3, seed},
      [&](std::size_t beat) {
        for (int k = 0; k < kUnitLanes; ++k) sim->float_i[k] = std::bit_cast<uint32_t>(floats[beat * kUnitLanes + k]);
      },
      [&] { append_lanes(sim->fixed_o, out); });
  return out;
}

TEST(ParamConvertUnit, FormatAMatchesGoldenToFixed) {
  const std::vector<float> floats = parameter_floats(kUnitLanes * 4000, 31);
  const std::vector<int32_t> rtl = convert_on_rtl<Vparam_convert_unit>(floats, 1);
  ASSERT_EQ(rtl.size(), floats.size());
  for (std::size_t i = 0; i < floats.size(); ++i) {
    ASSERT_EQ(rtl[i], golden::to_fixed(floats[i], golden::kActFracBits))
        << "float bits 0x" << std::hex << std::bit_cast<uint32_t>(floats[i]);
  }
}

TEST(ParamConvertUnit, FormatGClampsLowerBounds) {
  const std::vector<float> floats = parameter_floats(kUnitLanes * 4000, 32);
  const std::vector<int32_t> rtl = convert_on_rtl<Vparam_convert_gate>(floats, 2);
  ASSERT_EQ(rtl.size(), floats.size());
  for (std::size_t i = 0; i < floats.size(); ++i) {
    const int32_t expected = std::clamp(golden::to_fixed(floats[i], golden::kGateFracBits), 0,
                                        static_cast<int32_t>(golden::kGateOne));
    ASSERT_EQ(rtl[i], expected) << "float bits 0x" << std::hex << std::bit_cast<uint32_t>(floats[i]);
  }
}

}  // namespace
}  // namespace mmfree::rtl_test
