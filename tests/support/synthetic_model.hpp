// A model of random weights of any shape (host/src/model/synthetic_checkpoint.hpp), for tests
// that need shapes the bundled demo does not have: odd widths, no lower bounds, released widths.
#pragma once

#include "mmfree/model.hpp"
#include "model/synthetic_checkpoint.hpp"

namespace mmfree::test {

// Writes the synthetic checkpoint `spec` describes into a temporary directory, opens it (the
// Model converts it into memory) and removes the directory again.
Model synthetic_model(const model::SyntheticCheckpoint& spec);

}  // namespace mmfree::test
