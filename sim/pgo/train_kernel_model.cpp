// The training run of the kernel model's profile-guided build (MMFREE_SIM_PGO, see
// kernel_model_pgo.cmake): greedy decode steps of the demo model through the `sim` engine, so
// that GCC learns which way the Verilated model's branches go while the kernel streams
// matrices and runs its token engine. What it computes is checked elsewhere (tests/sim compares
// the sim engine with golden); a failure here only costs the profile, not the build.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>

#include "mmfree/engine.hpp"
#include "mmfree/model.hpp"
#include "mmfree/sequence.hpp"
#include "mmfree/sim/sim_engine.hpp"

int main() {
  constexpr int kSteps = 4;  // a few decode tokens cover every matrix and element-wise loop
  try {
    const mmfree::Model model = mmfree::Model::open(MMFREE_ASSETS_DIR "/models/mmfree-demo-d256-l6");
    auto engine = mmfree::sim::make_sim_engine(model);
    mmfree::Sequence sequence(*engine);
    uint32_t token = model.config().bos_token_id;
    for (int step = 0; step < kSteps; ++step) {
      const auto logits = sequence.step(token);
      token = static_cast<uint32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    }
    std::printf("sim profile training: %d demo tokens decoded\n", kSteps);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sim profile training failed: %s\n", e.what());
    return 1;
  }
}
