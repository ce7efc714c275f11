// The table of backends behind engine.hpp. Add one line per backend.
#include <array>
#include <memory>
#include <string>

#include "mmfree/device/device_runtime.hpp"
#include "mmfree/device/golden_device.hpp"
#include "mmfree/device/xrt_device.hpp"
#include "mmfree/engine.hpp"
#include "mmfree/error.hpp"
#include "mmfree/golden/golden_engine.hpp"
#include "mmfree/reference/reference_engine.hpp"

namespace mmfree {
// Weak: defined in sim/, linked only into binaries that offer the backend (mmfree_sim_engine).
namespace sim { [[gnu::weak]] std::unique_ptr<Engine> make_sim_engine(const Model&, const EngineOptions&); }
namespace {

using EngineMaker = std::unique_ptr<Engine> (*)(const Model&, const EngineOptions&);

struct Backend {
  std::string_view name;
  EngineMaker make;
};

const std::array kBackends = {
    Backend{"reference",
            [](const Model& m, const EngineOptions&) -> std::unique_ptr<Engine> {
              return std::make_unique<reference::ReferenceEngine>(m);
            }},
    Backend{"golden", [](const Model& m, const EngineOptions&) -> std::unique_ptr<Engine> {
              return std::make_unique<golden::GoldenEngine>(m);
            }},
    Backend{"golden-kernel",
            [](const Model& m, const EngineOptions& o) -> std::unique_ptr<Engine> {
              return device::make_device_engine(m, device::make_golden_device(), "golden-kernel", o);
            }},
    Backend{"xrt",
            [](const Model& m, const EngineOptions& o) -> std::unique_ptr<Engine> {
              return device::make_device_engine(m, device::open_xrt_device(o.xclbin, o.device_index), "xrt", o);
            }},
    Backend{"sim",
            [](const Model& m, const EngineOptions& o) -> std::unique_ptr<Engine> {
              if (!sim::make_sim_engine) throw DeviceError("this binary was linked without the Verilator simulation");
              return sim::make_sim_engine(m, o);
            }},
};

auto make_name_table() {
  std::array<std::string_view, kBackends.size()> names{};
  for (std::size_t k = 0; k < kBackends.size(); ++k) names[k] = kBackends[k].name;
  return names;
}

}  // namespace

std::span<const std::string_view> engine_names() {
  static const auto names = make_name_table();
  return names;
}

std::unique_ptr<Engine> make_engine(std::string_view backend, const Model& model, const EngineOptions& options) {
  for (const auto& b : kBackends)
    if (b.name == backend) return b.make(model, options);
  std::string known;
  for (const auto& b : kBackends) {
    if (!known.empty()) known.append(", ");
    known.append(b.name);
  }
  throw UsageError("unknown backend '" + std::string(backend) + "' (this build has: " + known + ")");
}

}  // namespace mmfree
