// The one place where the backends of this build are registered: one call per backend
// library. A library that is not built (sim with MMFREE_BUILD_SIM=OFF, xrt with
// MMFREE_BACKEND_XRT=OFF) is named by CMake's definitions, not guessed from headers.
#include "mmfree/backends.hpp"

#include <vector>

#include "mmfree/golden/golden_backend.hpp"
#include "mmfree/reference/reference_backend.hpp"
#include "mmfree/runtime/golden_kernel_backend.hpp"
#if MMFREE_BACKEND_SIM
#include "mmfree/sim/sim_engine.hpp"
#endif
#if MMFREE_BACKEND_XRT
#include "mmfree/xrt/xrt_backend.hpp"
#endif
#include "mmfree/error.hpp"

namespace mmfree {
namespace {

BackendRegistry register_all() {
  BackendRegistry registry;
  reference::register_reference_backend(registry);
  golden::register_golden_backend(registry);
  device::register_golden_kernel_backend(registry);
#if MMFREE_BACKEND_XRT
  device::register_xrt_backend(registry);
#endif
#if MMFREE_BACKEND_SIM
  sim::register_sim_backend(registry);
#endif
  return registry;
}

}  // namespace

const BackendRegistry& backends() {
  static const BackendRegistry registry = register_all();
  return registry;
}

std::span<const std::string_view> engine_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& b : backends().all()) out.push_back(b.name);
    return out;
  }();
  return names;
}

std::unique_ptr<Engine> make_engine(std::string_view name, const Model& model, const BackendOptions& options) {
  const Backend& backend = backends().find(name);
  if (const std::string misfit = option_misfit(backend, options); !misfit.empty()) throw UsageError(misfit);
  return backend.make(model, options);
}

}  // namespace mmfree
