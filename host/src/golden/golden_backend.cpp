#include "mmfree/golden/golden_backend.hpp"

#include "mmfree/golden/golden_engine.hpp"
#include "mmfree/looped_engine.hpp"

namespace mmfree::golden {

std::unique_ptr<Engine> make_golden_engine(const Model& model) {
  return make_looped_engine("golden", model, [&model] { return std::make_unique<GoldenEngine>(model); });
}

void register_golden_backend(BackendRegistry& registry) {
  registry.add({"golden", {}, [](const Model& model, const BackendOptions&) { return make_golden_engine(model); }});
}

}  // namespace mmfree::golden
