#include "rtl_top.hpp"

#include <nlohmann/json.hpp>

#include "mmfree/error.hpp"
#include "support/child_process.hpp"

namespace board_flow {
namespace fs = std::filesystem;
using mmfree::test::ChildResult;
using mmfree::test::python3;
using mmfree::test::run_child;

RtlTop elaborate_rtl_top(const std::vector<fs::path>& files, const std::string& top,
                         const std::vector<std::pair<std::string, std::string>>& parameters,
                         const fs::path& scratch) {
  const fs::path xml = scratch / (top + ".xml");
  std::vector<std::string> argv = {"verilator", "--xml-only", "--top-module", top, "-Mdir",
                                   (scratch / "verilator").string(), "--xml-output", xml.string(),
                                   // Style and lint are scripts/lint.sh's job. Everything else stays
                                   // fatal: the RTL's elaboration-time checks ($error on parameter
                                   // values it does not support) must fail the board's test.
                                   "-Wno-lint", "-Wno-style"};
  for (const auto& [name, value] : parameters) argv.push_back("-G" + name + "=" + value);
  for (const auto& f : files) argv.push_back(f.string());
  const ChildResult v = run_child(argv);
  if (v.exit_code != 0) throw mmfree::Error("verilator --xml-only of " + top + " failed:\n" + v.err);

  const fs::path helper = fs::path(MMFREE_SOURCE_ROOT) / "tests" / "board_flow" / "xml_summary.py";
  const ChildResult s = run_child({python3(), helper.string(), "rtl-top", xml.string()});
  if (s.exit_code != 0) throw mmfree::Error("summarising " + xml.string() + ": " + s.err);
  const auto json = nlohmann::json::parse(s.out);
  RtlTop result;
  result.module = json.at("module");
  result.parameters = json.at("parameters").get<std::map<std::string, int64_t>>();
  for (const auto& [name, port] : json.at("ports").items()) {
    result.ports[name] = {port.at("dir"), port.at("width")};
  }
  return result;
}

}  // namespace board_flow
