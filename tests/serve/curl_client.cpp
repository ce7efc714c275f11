#include "curl_client.hpp"

#include "support/child_process.hpp"

namespace mmfree::test {

CurlResult curl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"curl", "-sS", "-i", "--max-time", "120"};
  argv.insert(argv.end(), args.begin(), args.end());
  const ChildResult child = run_child(argv);
  CurlResult result;
  result.exit_code = child.exit_code;
  result.error = child.err;
  result.response = parse_http_response(child.out, false);
  return result;
}

CurlResult curl_post(const std::string& url, const std::string& body, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"-N", "-H", "Content-Type: application/json", "--data-binary", body};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(url);
  return curl(args);
}

}  // namespace mmfree::test
