// Host-side sampling: greedy equivalences, determinism per seed, top-k / top-p support.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <vector>

#include "mmfree/error.hpp"
#include "mmfree/sampling/sampler.hpp"

namespace {

std::vector<float> random_logits(std::mt19937& rng, std::size_t n) {
  std::normal_distribution<float> normal(0.0f, 2.0f);
  std::vector<float> logits(n);
  for (auto& v : logits) v = normal(rng);
  return logits;
}

std::vector<uint32_t> draws(const mmfree::SamplingOptions& options, const std::vector<float>& logits, int count) {
  mmfree::Sampler sampler(options);
  std::vector<uint32_t> out;
  for (int k = 0; k < count; ++k) out.push_back(sampler.sample(logits));
  return out;
}

TEST(Sampler, ArgmaxTakesTheLowestIndexOnTies) {
  EXPECT_EQ(mmfree::argmax(std::vector<float>{1.0f, 3.0f, 3.0f, 2.0f}), 1u);
  EXPECT_THROW(mmfree::argmax(std::vector<float>{}), mmfree::UsageError);
}

TEST(Sampler, TopKOneAndTemperatureZeroAreGreedy) {
  std::mt19937 rng(7);
  mmfree::Sampler top1({.temperature = 1.0f, .top_k = 1, .top_p = 1.0f, .seed = 3});
  mmfree::Sampler cold({.temperature = 0.0f, .top_k = 0, .top_p = 1.0f, .seed = 3});
  for (int trial = 0; trial < 200; ++trial) {
    const auto logits = random_logits(rng, 500);
    EXPECT_EQ(top1.sample(logits), mmfree::argmax(logits));
    EXPECT_EQ(cold.sample(logits), mmfree::argmax(logits));
  }
}

TEST(Sampler, SameSeedSameDrawsDifferentSeedDifferentDraws) {
  std::mt19937 rng(11);
  const auto logits = random_logits(rng, 64);
  const mmfree::SamplingOptions a{.temperature = 1.0f, .top_k = 0, .top_p = 1.0f, .seed = 42};
  mmfree::SamplingOptions b = a;
  b.seed = 43;
  EXPECT_EQ(draws(a, logits, 300), draws(a, logits, 300));
  EXPECT_NE(draws(a, logits, 300), draws(b, logits, 300));
}

TEST(Sampler, TopPKeepsTheSmallestSetReachingTheMass) {
  // Probabilities 0.5, 0.3, 0.1, 0.1 (logits are their logs).
  const std::vector<float> logits = {std::log(0.1f), std::log(0.5f), std::log(0.1f), std::log(0.3f)};
  mmfree::Sampler sampler({.temperature = 1.0f, .top_k = 0, .top_p = 0.7f, .seed = 5});
  std::set<uint32_t> seen;
  for (int k = 0; k < 2000; ++k) seen.insert(sampler.sample(logits));
  EXPECT_EQ(seen, (std::set<uint32_t>{1, 3}));
  EXPECT_EQ(std::vector<uint32_t>(sampler.last_support().begin(), sampler.last_support().end()),
            (std::vector<uint32_t>{1, 3}));
}

TEST(Sampler, TopKRestrictsToTheKMostLikely) {
  std::mt19937 rng(13);
  const auto logits = random_logits(rng, 100);
  std::vector<uint32_t> order(logits.size());
  for (uint32_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return logits[a] > logits[b]; });
  const std::set<uint32_t> top3(order.begin(), order.begin() + 3);
  std::set<uint32_t> seen;
  for (uint32_t id : draws({.temperature = 5.0f, .top_k = 3, .top_p = 1.0f, .seed = 9}, logits, 3000)) seen.insert(id);
  EXPECT_EQ(seen, top3);
}

TEST(Sampler, FrequenciesFollowTheSoftmax) {
  const std::vector<float> logits = {0.0f, 1.0f, 2.0f};
  const auto samples = draws({.temperature = 1.0f, .top_k = 0, .top_p = 1.0f, .seed = 17}, logits, 30000);
  const double z = 1.0 + std::exp(1.0) + std::exp(2.0);
  for (uint32_t id = 0; id < 3; ++id) {
    const double p = std::exp(double(logits[id])) / z;
    const double count = double(std::count(samples.begin(), samples.end(), id));
    const double sigma = std::sqrt(samples.size() * p * (1 - p));
    EXPECT_NEAR(count, samples.size() * p, 5 * sigma) << "token " << id;  // a 5-sigma bound
  }
}

TEST(Sampler, InvalidOptionsAreUsageErrors) {
  EXPECT_THROW(mmfree::Sampler({.temperature = -1.0f}), mmfree::UsageError);
  EXPECT_THROW(mmfree::Sampler({.temperature = NAN}), mmfree::UsageError);
  EXPECT_THROW(mmfree::Sampler({.temperature = 1.0f, .top_p = 0.0f}), mmfree::UsageError);
  EXPECT_THROW(mmfree::Sampler({.temperature = 1.0f, .top_p = 1.5f}), mmfree::UsageError);
}

}  // namespace
