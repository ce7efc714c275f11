// Connections that misbehave: a client that sends its request too slowly, one that sends
// nothing on a kept-alive connection, and one that hangs up while it waits for a whole
// (not streamed) response. None of them may hold a connection or a slot.
#include <gtest/gtest.h>

#include <thread>

#include "serve_client_util.hpp"
#include "server_process.hpp"
#include "support/demo_fixtures.hpp"

namespace mmfree::test {
namespace {

TEST(ServeConnections, SlowAndIdleClientsAreCutOff) {
  ServerProcess server({"--model", demo_model_dir().string(), "--backend", "golden", "--read-timeout", "0.3", "--idle-timeout", "0.3"});
  // Headers never finished.
  EXPECT_TRUE(server_closes_after(server.port(), "POST /v1/completions HTTP/1.1\r\nHost: x\r\n"));
  // A body shorter than its Content-Length.
  EXPECT_TRUE(server_closes_after(server.port(), "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"model\""));
  // Nothing at all.
  EXPECT_TRUE(server_closes_after(server.port(), ""));
  // A kept-alive connection after its answer: the answer, then the close.
  const std::string raw = raw_exchange(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(parse_http_response(raw).status, 200u) << raw;
  EXPECT_EQ(server.stop(), 0) << server.stderr_text();
}

TEST(ServeConnections, AClientThatHangsUpWhileWaitingFreesItsSlot) {
  ServerProcess server({"--model", demo_model_dir().string(), "--backend", "golden", "--max-tokens", "1000000"});
  {
    // A whole-response request that would run for a million tokens; its client goes at once.
    StreamingRequest request(server.port(), "/v1/completions", greedy_request("The jury said", 1000000, false));
    for (int i = 0; i < 2000 && metric(server.port(), "mmfree_slots_busy") != 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_EQ(metric(server.port(), "mmfree_slots_busy"), 1);
    request.hang_up();
  }
  for (int i = 0; i < 2000 && metric(server.port(), "mmfree_slots_busy") != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const std::string metrics = http_request(server.port(), "GET", "/metrics").body;
  EXPECT_EQ(metric_value(metrics, "mmfree_slots_busy"), 0);
  EXPECT_EQ(metric_value(metrics, "mmfree_requests_finished_total{reason=\"cancelled\"}"), 1);
  EXPECT_EQ(metric_value(metrics, "mmfree_http_responses_total{endpoint=\"/v1/completions\",status=\"499\"}"), 1);
  EXPECT_EQ(server.stop(), 0) << server.stderr_text();
}

}  // namespace
}  // namespace mmfree::test
