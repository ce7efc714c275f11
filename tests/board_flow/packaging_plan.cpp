#include "packaging_plan.hpp"

#include <sstream>

#include "mmfree/error.hpp"
#include "support/child_process.hpp"

namespace board_flow {
namespace fs = std::filesystem;
using mmfree::test::ChildResult;
using mmfree::test::run_child;

const PlannedRegister* PackagingPlan::find_register(const std::string& name) const {
  for (const auto& r : registers) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

PackagingPlan parse_packaging_plan(const std::string& text) {
  PackagingPlan plan;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream item(line);
    std::string kind;
    if (!(item >> kind)) continue;
    auto need = [&](auto&... fields) {
      if (!((item >> fields) && ...)) throw mmfree::Error("packaging plan: malformed line '" + line + "'");
    };
    if (kind == "kernel") {
      need(plan.kernel);
    } else if (kind == "vlnv") {
      need(plan.vlnv);
    } else if (kind == "part") {
      need(plan.part);
    } else if (kind == "rtl") {
      std::string path;
      need(path);
      plan.rtl_files.emplace_back(path);
    } else if (kind == "generic") {
      std::string name, value;
      need(name, value);
      plan.generics.emplace_back(name, value);
    } else if (kind == "clock") {
      std::string reset_word;
      need(plan.clock, reset_word, plan.reset);
    } else if (kind == "interrupt") {
      plan.interrupt = true;
    } else if (kind == "busif") {
      PlannedBusInterface b;
      need(b.name, b.mode, b.data_width, b.clock);
      plan.bus_interfaces.push_back(b);
    } else if (kind == "control_range") {
      std::string range;
      need(range);
      plan.control_range = std::stoull(range, nullptr, 0);
    } else if (kind == "register") {
      PlannedRegister r;
      std::string offset;
      need(r.name, offset, r.bits, r.bus_interface);
      r.offset = static_cast<uint32_t>(std::stoul(offset, nullptr, 0));
      plan.registers.push_back(r);
    } else if (kind == "xo") {
      std::string path;
      need(path);
      plan.xo = path;
    } else {
      throw mmfree::Error("packaging plan: unknown item '" + line + "'");
    }
  }
  if (plan.kernel.empty() || plan.rtl_files.empty() || plan.bus_interfaces.empty()) {
    throw mmfree::Error("packaging plan is incomplete:\n" + text);
  }
  return plan;
}

PackagingPlan make_packaging_plan(const std::string& platform, const fs::path& out) {
  const fs::path script = fs::path(MMFREE_SOURCE_ROOT) / "scripts" / "build_xclbin.sh";
  const ChildResult r = run_child({script.string(), platform, "--plan", "--out", out.string()});
  if (r.exit_code != 0) {
    throw mmfree::Error("build_xclbin.sh " + platform + " --plan exited " + std::to_string(r.exit_code) +
                        ":\n" + r.err);
  }
  PackagingPlan plan = parse_packaging_plan(r.out);
  plan.generated_dir = out / "xo" / platform / "generated";
  return plan;
}

}  // namespace board_flow
