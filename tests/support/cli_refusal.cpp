#include "support/cli_refusal.hpp"

#include "support/cli_runner.hpp"

namespace mmfree::test {

testing::AssertionResult cli_refuses(const CliRefusal& refusal) {
  std::string command = "mmfree";
  for (const auto& a : refusal.args) command += " '" + a + "'";
  const CliResult r = run_cli(refusal.args);
  if (r.exit_code == 0) return testing::AssertionFailure() << command << " succeeded; stdout: " << r.out;
  if (!contains(r.err, refusal.message_part))
    return testing::AssertionFailure() << command << ": stderr lacks \"" << refusal.message_part << "\": " << r.err;
  if (!r.out.empty()) return testing::AssertionFailure() << command << " printed on stdout: " << r.out;
  return testing::AssertionSuccess();
}

}  // namespace mmfree::test
