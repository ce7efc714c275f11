// A device that fails while requests are in flight, on the real error path: a sim device whose
// --timeout (1 ms) is shorter than one start command, so its first pass times out in the device
// runtime. Its requests fail with an error response naming it; the golden device beside it
// serves its own and everything after; /ready and /metrics say which device is out. With no
// device left, the server answers 503.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "serve_client_util.hpp"
#include "server_process.hpp"
#include "support/coverage_gap.hpp"
#include "support/demo_fixtures.hpp"

namespace mmfree::test {
namespace {

using nlohmann::json;

TEST(ServeDeviceFailure, AFailedDeviceFailsOnlyItsRequestsAndLeavesService) {
#if !MMFREE_BACKEND_SIM
  MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("this build has no sim backend (MMFREE_BUILD_SIM=OFF)");
#else
  ServerProcess server({"--model", demo_model_dir().string(), "--devices", "golden:0,sim:0", "--timeout", "0.001"});
  constexpr std::size_t kClients = 8;
  std::vector<HttpResponse> responses(kClients);
  run_clients(kClients, [&](std::size_t i) {
    responses[i] = http_request(server.port(), "POST", "/v1/completions", greedy_request("The jury said", 8));
  });
  std::size_t served = 0, failed = 0;
  std::string text;
  for (const auto& r : responses) {
    if (r.status == 200) {
      ++served;
      if (text.empty()) text = completion_text(r);
      EXPECT_EQ(completion_text(r), text);
    } else {
      ++failed;
      EXPECT_EQ(r.status, 500u) << r.body;
      const json error = json::parse(r.body)["error"];
      EXPECT_EQ(error["type"], "server_error");
      EXPECT_NE(error["message"].get<std::string>().find("device sim:0 failed"), std::string::npos) << error.dump();
      EXPECT_NE(error["message"].get<std::string>().find("timeout"), std::string::npos) << error.dump();
    }
  }
  // The burst was dealt out over both devices, so both served (or failed) some of it.
  EXPECT_GT(served, 0u);
  EXPECT_GT(failed, 0u);
  EXPECT_EQ(served + failed, kClients);

  const auto ready = http_request(server.port(), "GET", "/ready");
  EXPECT_EQ(ready.status, 200u);  // golden:0 still serves
  const json devices = json::parse(ready.body)["devices"];
  EXPECT_EQ(devices[0]["up"], true);
  EXPECT_EQ(devices[1]["up"], false);
  EXPECT_NE(devices[1]["failure"].get<std::string>().find("timeout"), std::string::npos);
  // A slot is given back, and its end counted, just after its response is handed over.
  for (int i = 0; i < 1000 && metric(server.port(), "mmfree_slots_busy") != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string metrics = http_request(server.port(), "GET", "/metrics").body;
  EXPECT_EQ(metric_value(metrics, "mmfree_device_up{device=\"sim:0\"}"), 0);
  EXPECT_EQ(metric_value(metrics, "mmfree_device_up{device=\"golden:0\"}"), 1);
  EXPECT_EQ(metric_value(metrics, "mmfree_device_failures_total{device=\"sim:0\"}"), 1);
  EXPECT_EQ(metric_value(metrics, "mmfree_requests_finished_total{reason=\"error\"}"), double(failed));
  EXPECT_EQ(metric_value(metrics, "mmfree_slots_busy"), 0);

  // Everything after goes to the device in service.
  run_clients(4, [&](std::size_t) {
    const auto r = http_request(server.port(), "POST", "/v1/completions", greedy_request("The jury said", 8));
    EXPECT_EQ(completion_text(r), text);
  });
  EXPECT_EQ(server.stop(), 0) << server.stderr_text();
#endif
}

TEST(ServeDeviceFailure, WithNoDeviceLeftTheServerIsNotReady) {
#if !MMFREE_BACKEND_SIM
  MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("this build has no sim backend (MMFREE_BUILD_SIM=OFF)");
#else
  ServerProcess server({"--model", demo_model_dir().string(), "--devices", "sim:0", "--timeout", "0.001"});
  EXPECT_EQ(http_request(server.port(), "GET", "/ready").status, 200u);
  const auto first = http_request(server.port(), "POST", "/v1/completions", greedy_request("The jury said", 4));
  EXPECT_EQ(first.status, 500u) << first.body;
  EXPECT_EQ(http_request(server.port(), "GET", "/ready").status, 503u);
  const auto next = http_request(server.port(), "POST", "/v1/completions", greedy_request("The jury said", 4));
  EXPECT_EQ(next.status, 503u) << next.body;
  EXPECT_NE(json::parse(next.body)["error"]["message"].get<std::string>().find("no device"), std::string::npos);
  EXPECT_EQ(http_request(server.port(), "GET", "/health").status, 200u);  // alive, only not ready
  EXPECT_EQ(server.stop(), 0) << server.stderr_text();
#endif
}

}  // namespace
}  // namespace mmfree::test
