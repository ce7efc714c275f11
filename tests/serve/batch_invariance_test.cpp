// End-to-end batch invariance: at temperature 0, a request returns exactly the text it
// returns alone when it shares every device pass with others (32 at once on golden, 4 on sim).
// The prompts differ in length, and prefill is cut into small chunks, so sequences share
// passes in every phase: prompt reading beside decoding, and decoding side by side.
#include <gtest/gtest.h>

#include "serve_client_util.hpp"
#include "server_process.hpp"
#include "support/coverage_gap.hpp"
#include "support/demo_fixtures.hpp"

namespace mmfree::test {
namespace {

std::vector<std::string> prompts(std::size_t n) {
  const std::vector<std::string> starts = {"The jury said", "Once upon a time", "In the beginning", "The weather today",
                                           "She opened the door and", "A long time ago in a city", "He said", "The results of the study"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(starts[i % starts.size()] + std::string(i / starts.size(), '!'));
  return out;
}

void expect_batch_invariance(const std::string& backend, std::size_t clients, int tokens) {
  const bool counts_cycles = backend == "sim";
  std::vector<std::string> args = {"--model", demo_model_dir().string(), "--backend", backend, "--slots", std::to_string(clients),
                                   "--prefill-chunk", "3", "--max-queue", std::to_string(clients)};
  if (counts_cycles) args.insert(args.end(), {"--energy-board", "u55c"});
  ServerProcess server(args);
  const auto texts = prompts(clients);
  std::vector<std::string> alone(clients), together(clients);
  for (std::size_t i = 0; i < clients; ++i)
    alone[i] = completion_text(http_request(server.port(), "POST", "/v1/completions", greedy_request(texts[i], tokens)));
  EXPECT_EQ(metric(server.port(), "mmfree_device_largest_batch{device=\"" + backend + ":0\"}"), 1);
  run_clients(clients, [&](std::size_t i) {
    together[i] = completion_text(http_request(server.port(), "POST", "/v1/completions", greedy_request(texts[i], tokens)));
  });
  for (std::size_t i = 0; i < clients; ++i) {
    EXPECT_EQ(together[i], alone[i]) << "request " << i << " (" << texts[i] << ")";
    EXPECT_EQ(alone[i].find('<'), std::string::npos) << alone[i];
  }
  // The requests really did share passes (all were sent at once; a pass takes far longer
  // than the sending).
  EXPECT_GT(metric(server.port(), "mmfree_device_largest_batch{device=\"" + backend + ":0\"}"), 1);
  if (counts_cycles) {
    // The kernel's cycles, their causes and the energy estimated from them reach /metrics.
    const std::string metrics = http_request(server.port(), "GET", "/metrics").body;
    const double cycles = metric_value(metrics, "mmfree_device_kernel_cycles_total{device=\"sim:0\"}");
    EXPECT_GT(cycles, 0);
    double causes = 0;
    for (const char* cause : {"streaming", "weight_memory", "element_wise", "control"})
      causes += metric_value(metrics, std::string("mmfree_device_kernel_cycles_by_cause_total{device=\"sim:0\",cause=\"") + cause + "\"}");
    EXPECT_EQ(causes, cycles);
    EXPECT_GT(metric_value(metrics, "mmfree_device_estimated_joules_per_token{device=\"sim:0\",board=\"u55c\"}"), 0);
  }
  EXPECT_EQ(server.stop(), 0) << server.stderr_text();
}

TEST(ServeBatchInvariance, ThirtyTwoConcurrentRequestsOnGolden) { expect_batch_invariance("golden", 32, 24); }

TEST(ServeBatchInvariance, FourConcurrentRequestsOnSim) {
#if !MMFREE_BACKEND_SIM
  MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED("this build has no sim backend (MMFREE_BUILD_SIM=OFF)");
#endif
  expect_batch_invariance("sim", 4, 6);
}

}  // namespace
}  // namespace mmfree::test
