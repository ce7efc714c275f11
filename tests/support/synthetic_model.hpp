// A model of random weights of any shape (host/src/model/synthetic_checkpoint.hpp), for tests
// that need shapes the bundled demo does not have: odd widths, no lower bounds, released widths.
#pragma once

#include "mmfree/model.hpp"
#include "model/synthetic_checkpoint.hpp"

namespace mmfree::test {

// Writes the synthetic checkpoint `spec` describes into a temporary directory, opens it (the
// Model converts it into memory, its weights in `encoding`) and removes the directory again.
Model synthetic_model(const model::SyntheticCheckpoint& spec,
                      mmf::WeightEncoding encoding = mmf::kDefaultWeightEncoding);

}  // namespace mmfree::test
