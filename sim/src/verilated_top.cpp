#include "mmfree/sim/verilated_top.hpp"

#include "mmfree/error.hpp"

namespace mmfree::sim {

void VerilatedTop::open_trace(const std::filesystem::path& file) {
  throw DeviceError("sim: " + description() + " was built without tracing; cannot write " + file.string());
}

}  // namespace mmfree::sim
