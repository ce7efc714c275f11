// The "reference" backend: one ReferenceEngine per sequence. It takes no options.
#pragma once

#include "mmfree/backend.hpp"

namespace mmfree::reference {

void register_reference_backend(BackendRegistry& registry);

}  // namespace mmfree::reference
