// A model of a given shape with random ternary weights, for measurements of models larger than
// the bundled demo: the values are meaningless, the bytes a token streams are exact.
#pragma once

#include <cstdint>

#include "mmfree/model.hpp"

namespace mmfree::measure {

// Writes a synthetic checkpoint of `config` into a temporary directory, converts it in memory
// (so the process holds one packed image: ~2 bits per weight plus the float32 embeddings),
// and removes the directory. Throws ModelError when the temporary files cannot be written.
Model make_synthetic_model(const ModelConfig& config, uint64_t seed = 1,
                           mmf::WeightEncoding encoding = mmf::kDefaultWeightEncoding);

}  // namespace mmfree::measure
