// The "golden" backend: one GoldenEngine (the bit-exact integer model) per sequence. It takes
// no options.
#pragma once

#include <memory>

#include "mmfree/backend.hpp"
#include "mmfree/engine.hpp"

namespace mmfree::golden {

std::unique_ptr<Engine> make_golden_engine(const Model& model);

void register_golden_backend(BackendRegistry& registry);

}  // namespace mmfree::golden
