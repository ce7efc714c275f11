#include "kernel_description.hpp"

#include <nlohmann/json.hpp>

#include "mmfree/error.hpp"
#include "support/child_process.hpp"

namespace board_flow {
namespace fs = std::filesystem;
using mmfree::test::ChildResult;
using mmfree::test::python3;
using mmfree::test::run_child;

const KernelPort* KernelDescription::find_port(const std::string& name) const {
  for (const auto& p : ports) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

KernelDescription read_kernel_description(const fs::path& kernel_xml) {
  const fs::path helper = fs::path(MMFREE_SOURCE_ROOT) / "tests" / "board_flow" / "xml_summary.py";
  const ChildResult r = run_child({python3(), helper.string(), "kernel-xml", kernel_xml.string()});
  if (r.exit_code != 0) throw mmfree::Error("reading " + kernel_xml.string() + ": " + r.err);
  const auto json = nlohmann::json::parse(r.out);
  auto number = [](const nlohmann::json& attrs, const char* key) -> uint64_t {
    return std::stoull(attrs.at(key).get<std::string>(), nullptr, 0);
  };
  KernelDescription d;
  d.kernel = json.at("kernel").get<std::map<std::string, std::string>>();
  for (const auto& p : json.at("ports")) {
    d.ports.push_back({p.at("name"), p.at("mode"), number(p, "range"), static_cast<int>(number(p, "dataWidth"))});
  }
  for (const auto& a : json.at("args")) {
    d.arguments.push_back({a.at("name"), static_cast<int>(number(a, "addressQualifier")),
                           static_cast<int>(number(a, "id")), a.at("port"),
                           static_cast<uint32_t>(number(a, "size")), static_cast<uint32_t>(number(a, "offset")),
                           a.at("type")});
  }
  return d;
}

}  // namespace board_flow
