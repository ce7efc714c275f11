#include "mmfree/reference/reference_backend.hpp"

#include "mmfree/looped_engine.hpp"
#include "mmfree/reference/reference_engine.hpp"

namespace mmfree::reference {

void register_reference_backend(BackendRegistry& registry) {
  registry.add({"reference", {}, [](const Model& model, const BackendOptions&) {
                  return make_looped_engine("reference", model,
                                            [&model] { return std::make_unique<ReferenceEngine>(model); });
                }});
}

}  // namespace mmfree::reference
