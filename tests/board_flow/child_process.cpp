#include "child_process.hpp"

namespace board_flow {

const std::string& python3() {
  static const std::string interpreter = [] {
    const ChildResult r = run_child({"python3", "-c", "import sys; print(sys.executable)"});
    const std::string path = r.out.substr(0, r.out.find('\n'));
    return r.exit_code == 0 && !path.empty() ? path : std::string("python3");
  }();
  return interpreter;
}

}  // namespace board_flow
