// The device engine's command planner (runtime/lane_schedule.hpp): how sequences share the
// lanes of a start command, and what a prompt costs in weight passes.
#include <gtest/gtest.h>

#include <numeric>
#include <random>
#include <vector>

#include "runtime/lane_schedule.hpp"

namespace {

using mmfree::device::CommandPlan;
using mmfree::device::plan_command;

// Runs plans until nothing remains; returns the total passes and checks every plan's shape.
std::size_t passes_to_finish(std::vector<std::size_t> remaining, unsigned lanes, std::size_t max_lane_tokens) {
  std::size_t passes = 0;
  for (int guard = 0; guard < 100000; ++guard) {
    const CommandPlan plan = plan_command(remaining, lanes, max_lane_tokens);
    if (plan.groups.empty()) return passes;
    EXPECT_GE(plan.passes, 1u);
    EXPECT_LE(plan.lanes(), lanes);
    EXPECT_LE(std::size_t(plan.passes) * plan.lanes(), std::max<std::size_t>(max_lane_tokens, plan.lanes()));
    std::vector<bool> seen(remaining.size(), false);
    for (const auto& g : plan.groups) {
      EXPECT_FALSE(seen[g.input]) << "an input in two groups of one command";
      seen[g.input] = true;
      EXPECT_GE(g.lanes, 1u);
      EXPECT_LE(std::size_t(plan.passes) * g.lanes, remaining[g.input]) << "a lane without a token";
      remaining[g.input] -= std::size_t(plan.passes) * g.lanes;
    }
    passes += plan.passes;
  }
  ADD_FAILURE() << "the planner does not finish";
  return passes;
}

TEST(LaneSchedule, APromptAloneTakesCeilNOverBPasses) {
  for (unsigned b = 1; b <= 16; ++b)
    for (std::size_t n : {1u, 2u, 3u, 7u, 16u, 17u, 100u, 512u})
      EXPECT_EQ(passes_to_finish({n}, b, 4096), (n + b - 1) / b) << "B = " << b << ", n = " << n;
}

TEST(LaneSchedule, DecodingSequencesShareOnePassUpToBLanes) {
  // Eleven sequences of one token each on B = 4: three commands of one pass.
  const std::vector<std::size_t> ones(11, 1);
  const CommandPlan first = plan_command(ones, 4, 256);
  ASSERT_EQ(first.groups.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(first.groups[i].input, i) << "batch order";
    EXPECT_EQ(first.groups[i].lanes, 1u);
  }
  EXPECT_EQ(first.passes, 1u);
  EXPECT_EQ(passes_to_finish(ones, 4, 256), 3u);
}

TEST(LaneSchedule, SpareLanesMakeTheLongestInputAChain) {
  // Two decoding sequences and a prompt of 30 on B = 8: the prompt gets the six spare lanes,
  // and the command runs one pass (the decoders have one token each).
  const std::vector<std::size_t> remaining = {1, 30, 1};
  const CommandPlan plan = plan_command(remaining, 8, 256);
  ASSERT_EQ(plan.groups.size(), 3u);
  EXPECT_EQ(plan.groups[0].lanes, 1u);
  EXPECT_EQ(plan.groups[1].lanes, 6u);
  EXPECT_EQ(plan.groups[2].lanes, 1u);
  EXPECT_EQ(plan.passes, 1u);
  // Alone afterwards the rest of the prompt (24) fills all 8 lanes for 3 passes.
  EXPECT_EQ(passes_to_finish({0, 24, 0}, 8, 256), 3u);
}

TEST(LaneSchedule, PassesStopAtTheShortestLaneAndTheLaneTokenLimit) {
  const CommandPlan plan = plan_command(std::vector<std::size_t>{5, 9}, 2, 256);
  EXPECT_EQ(plan.passes, 5u);
  const CommandPlan capped = plan_command(std::vector<std::size_t>{100}, 4, 10);
  EXPECT_EQ(capped.lanes(), 4u);
  EXPECT_EQ(capped.passes, 2u) << "N * K <= 10";
  const CommandPlan tiny = plan_command(std::vector<std::size_t>{100, 100}, 16, 1);
  EXPECT_EQ(tiny.lanes(), 1u) << "no more lanes than lane-tokens";
}

TEST(LaneSchedule, RandomMixesFinishInNoMorePassesThanOneInputAtATime) {
  std::mt19937 rng(14);
  for (int round = 0; round < 200; ++round) {
    const unsigned b = 1 + rng() % 16;
    std::vector<std::size_t> remaining(1 + rng() % 20);
    for (auto& r : remaining) r = rng() % 3 == 0 ? 0 : 1 + rng() % 40;
    std::size_t serial = 0, total = 0;
    for (const auto r : remaining) {
      serial += (r + b - 1) / b;
      total += r;
    }
    const std::size_t passes = passes_to_finish(remaining, b, 256);
    EXPECT_LE(passes, serial);
    EXPECT_GE(passes, (total + b - 1) / b);
  }
}

TEST(LaneSchedule, NothingLeftIsAnEmptyPlan) {
  EXPECT_TRUE(plan_command(std::vector<std::size_t>{0, 0}, 4, 256).groups.empty());
  EXPECT_TRUE(plan_command(std::vector<std::size_t>{}, 4, 256).groups.empty());
}

}  // namespace
