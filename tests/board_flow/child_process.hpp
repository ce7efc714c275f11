// The board-flow tests drive real tools (build_xclbin.sh, verilator, python3, tclsh) as child
// processes, with the runner shared by the suites in tests/support/.
#pragma once

#include <string>

#include "../support/child_process.hpp"

namespace board_flow {

using mmfree::test::ChildResult;
using mmfree::test::EnvironmentChanges;
using mmfree::test::run_child;
using mmfree::test::TempDir;

// The interpreter `python3` on PATH runs, resolved once per process: version managers put slow
// shims on PATH, and the tests start Python many times.
const std::string& python3();

}  // namespace board_flow
