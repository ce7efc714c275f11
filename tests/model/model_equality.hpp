// Asserting that two Models present identical views (every vector and matrix entry).
#pragma once

#include "mmfree/model.hpp"

namespace mmfree::test {

// Adds a GoogleTest failure naming the first difference; returns true when identical.
bool models_identical(const Model& a, const Model& b);

}  // namespace mmfree::test
