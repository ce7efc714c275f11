// hw/rtl/datapath/bitlinear_scale_unit.sv against golden::double_norm_t / single_norm_t,
// bitlinear_scale and quantizer_scale (docs/numerics.md 4), with the norm constants of the
// real model sizes and epsilons, under random valid/stall.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "Vbitlinear_scale_unit.h"
#include "clocked_model.hpp"
#include "mmfree/golden/numerics.hpp"
#include "test_values.hpp"
#include "valid_stall_driver.hpp"

namespace mmfree::rtl_test {
namespace {

using golden::ScaleFloat;
using golden::uint128;

struct ScaleCase {
  bool double_norm;
  uint128 ss_primary, ss_input;
  golden::NormConstants constants;
  ScaleFloat k;
  uint32_t amax;
};

void put_76(VlWide<3>& port, uint128 v) {
  for (int w = 0; w < 3; ++w) port[w] = static_cast<uint32_t>(v >> (32 * w));
}

uint128 random_sum(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0: return 0;
    case 1: return rng() % (uint64_t{1} << 40);                                     // tiny vectors
    case 2: return (uint128{rng() % 4096} << 64) | rng();                           // < 2^76
    default: return uint128{rng() % (uint64_t{1} << 50)} * (1 + rng() % 6912);      // typical
  }
}

TEST(BitlinearScaleUnit, MatchesGoldenScaleAndQuantizerScalar) {
  std::mt19937_64 rng(61);
  std::mt19937 rng32(62);
  const uint32_t sizes[] = {256, 768, 1024, 2048, 2560, 2816, 5632, 6912};
  const float epsilons[] = {1e-6f, 1e-5f, 1e-8f};
  std::uniform_real_distribution<float> beta(1e-5f, 1.0f);
  std::vector<ScaleCase> cases;
  for (int i = 0; i < 20000; ++i) {
    ScaleCase c;
    c.double_norm = (i % 4) != 0;
    c.ss_primary = random_sum(rng);
    c.ss_input = random_sum(rng);
    // The block norm's epsilon is the config's; the BitLinear's own is 1e-6 on the real path.
    c.constants = golden::norm_constants(sizes[i % 8], epsilons[(i / 8) % 3], epsilons[(i / 24) % 3]);
    c.k = golden::sf_mul(golden::to_sf(beta(rng32)), c.constants.c);
    switch (i % 5) {
      case 0: c.amax = 0; break;
      case 1: c.amax = 1; break;
      case 2: c.amax = static_cast<uint32_t>(kAMax); break;
      default: c.amax = static_cast<uint32_t>(rng() % (uint64_t{1} << (1 + rng() % 31)));
    }
    cases.push_back(c);
  }

  ClockedModel<Vbitlinear_scale_unit> sim;
  sim->valid_i = 0;
  sim->stall_i = 0;
  sim.reset();
  std::vector<std::pair<ScaleFloat, ScaleFloat>> out;
  stream_valid_stall(
      sim, cases.size(), cases.size(), StallPattern{0.7, 0.3, 11},
      [&](std::size_t i) {
        const ScaleCase& c = cases[i];
        sim->double_norm_i = c.double_norm;
        put_76(sim->ss_primary_i, c.ss_primary);
        put_76(sim->ss_input_i, c.ss_input);
        sim->e40_i = static_cast<uint32_t>(c.constants.e40);
        sim->ne_i = c.double_norm ? c.constants.ne2 : c.constants.ne1;
        sim->k_man_i = c.k.mantissa;
        sim->k_exp_i = static_cast<uint16_t>(c.k.exponent) & 0x3FF;
        sim->amax_i = c.amax;
      },
      [&] {
        out.push_back({ScaleFloat{sim->scale_man_o, sign_extend(sim->scale_exp_o, 10)},
                       ScaleFloat{sim->c_man_o, sign_extend(sim->c_exp_o, 10)}});
      });
  ASSERT_EQ(out.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const ScaleCase& c = cases[i];
    const uint128 t = c.double_norm ? golden::double_norm_t(c.ss_primary, c.ss_input, c.constants)
                                    : golden::single_norm_t(c.ss_primary, c.constants);
    const ScaleFloat scale = golden::bitlinear_scale(c.k, c.amax, t);
    const ScaleFloat quant = golden::quantizer_scale(c.amax);
    ASSERT_EQ(out[i].first, scale) << "case " << i << " amax " << c.amax;
    ASSERT_EQ(out[i].second, quant) << "case " << i << " amax " << c.amax;
  }
}

}  // namespace
}  // namespace mmfree::rtl_test
