// The float32 reference forward pass: the authors' semantics (docs/model-spec.md) on the
// ternarized weights of a Model, one token at a time. It is the yardstick every other
// backend (golden, sim, xrt) is compared against.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "mmfree/sequence_stepper.hpp"
#include "mmfree/model.hpp"
#include "mmfree/reference/bitlinear.hpp"

namespace mmfree::reference {

class ReferenceEngine final : public SequenceStepper {
 public:
  // `model` must outlive the engine.
  explicit ReferenceEngine(const Model& model);

  void reset() override;
  // Throws UsageError for token >= vocab_size.
  std::span<const float> step(uint32_t token) override;
  std::string_view name() const override { return "reference"; }

 private:
  void run_layer(uint32_t layer);

  const Model& model_;
  ModelConfig config_;
  std::vector<std::vector<float>> state_;  // h[l], one length-d vector per layer
  std::vector<float> x_, u_, f_, i_, g_, o_in_, o_, v_, gate_up_, z_, down_, final_normed_, logits_;
  BitLinear bitlinear_;
};

}  // namespace mmfree::reference
