// The ternary accumulate array (hw/rtl/datapath/ternary_accumulate_array.sv) streaming packed
// matrices beat by beat, exactly as memory holds them, against mmfree::ternary_matvec (the
// exact product every backend shares), under randomized handshakes and at the extremes.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "Vternary_accumulate_array.h"
#include "clocked_model.hpp"
#include "mmfree/ternary/matvec.hpp"
#include "packed_ternary_matrix.hpp"
#include "wide_signal.hpp"

namespace mmfree::rtl_test {
namespace {

constexpr uint32_t kLanes = 256;  // the unit's default BeatBits = 512: one 64-byte beat

// One matrix-vector product to stream: every row of `matrix` against `q`.
struct Job {
  PackedTernaryMatrix matrix;
  std::vector<int8_t> q;
};

struct StreamResult {
  std::vector<int32_t> sums;
  long cycles = 0;
  long cycles_ready_low = 0;
};

// Streams the jobs' rows through the unit. valid_i is held with its data until accepted (as
// AXI-Stream demands); ready_i is drawn afresh each cycle.
StreamResult stream(const std::vector<Job>& jobs, double valid_probability, double ready_probability,
                    uint32_t seed) {
  ClockedModel<Vternary_accumulate_array> sim;
  sim->valid_i = 0;
  sim->ready_i = 0;
  sim.reset();

  struct Beat {
    const Job* job;
    uint32_t row, beat;
  };
  std::vector<Beat> beats;
  std::size_t rows_total = 0;
  for (const Job& job : jobs) {
    for (uint32_t r = 0; r < job.matrix.view().rows; ++r)
      for (uint32_t b = 0; b < job.matrix.beats_per_row(); ++b) beats.push_back({&job, r, b});
    rows_total += job.matrix.view().rows;
  }

  std::mt19937 rng(seed);
  std::bernoulli_distribution offer(valid_probability), take(ready_probability);
  std::size_t next = 0;
  StreamResult result;
  while (result.sums.size() < rows_total && result.cycles < 5'000'000) {
    if (!sim->valid_i && next < beats.size() && offer(rng)) {
      const Beat& beat = beats[next];
      const TernaryMatrixView m = beat.job->matrix.view();
      const uint8_t* codes = m.row_data(beat.row) + beat.beat * PackedTernaryMatrix::kBeatBytes;
      for (uint32_t byte = 0; byte < PackedTernaryMatrix::kBeatBytes; ++byte) put_bits(sim->codes_i, 8 * byte, 8, codes[byte]);
      for (uint32_t k = 0; k < kLanes; ++k) {
        const uint32_t c = beat.beat * kLanes + k;
        // Past the last column the codes are zero; give the lanes garbage to prove it is skipped.
        const uint8_t act = c < m.cols ? static_cast<uint8_t>(beat.job->q[c]) : uint8_t{0x81};
        put_bits(sim->acts_i, 8 * k, 8, act);
      }
      sim->first_i = beat.beat == 0;
      sim->last_i = beat.beat + 1 == beat.job->matrix.beats_per_row();
      sim->valid_i = 1;
    }
    sim->ready_i = take(rng);
    sim.settle();
    if (!sim->ready_o) ++result.cycles_ready_low;
    const bool accepted = sim->valid_i && sim->ready_o;
    if (sim->valid_o && sim->ready_i) result.sums.push_back(static_cast<int32_t>(sim->sum_o));
    sim.tick();
    ++result.cycles;
    if (accepted) {
      sim->valid_i = 0;
      ++next;
    }
  }
  return result;
}

std::vector<int32_t> expected_sums(const std::vector<Job>& jobs) {
  std::vector<int32_t> all;
  for (const Job& job : jobs) {
    std::vector<int32_t> sums(job.matrix.view().rows);
    ternary_matvec(job.matrix.view(), job.q, sums);
    all.insert(all.end(), sums.begin(), sums.end());
  }
  return all;
}

Job random_job(uint32_t rows, uint32_t cols, double zero_fraction, std::mt19937& rng) {
  std::uniform_int_distribution<int> act(-128, 127), sign(0, 1);
  std::bernoulli_distribution zero(zero_fraction);
  std::vector<int8_t> weights(std::size_t(rows) * cols);
  for (int8_t& w : weights) w = zero(rng) ? 0 : (sign(rng) ? 1 : -1);
  std::vector<int8_t> q(cols);
  for (int8_t& v : q) v = static_cast<int8_t>(act(rng));
  return Job{PackedTernaryMatrix(rows, cols, weights), q};
}

Job constant_job(uint32_t rows, uint32_t cols, int8_t weight, int8_t act) {
  return Job{PackedTernaryMatrix(rows, cols, std::vector<int8_t>(std::size_t(rows) * cols, weight)),
             std::vector<int8_t>(cols, act)};
}

TEST(TernaryAccumulateArray, RandomMatricesUnderRandomStalls) {
  std::mt19937 rng(1234);
  std::uniform_int_distribution<uint32_t> rows(1, 12), cols(1, 8 * kLanes);
  std::uniform_real_distribution<double> sparsity(0.0, 0.9);
  std::vector<Job> jobs;
  for (int i = 0; i < 25; ++i) jobs.push_back(random_job(rows(rng), cols(rng), sparsity(rng), rng));

  const StreamResult result = stream(jobs, 0.7, 0.6, 99);
  EXPECT_EQ(result.sums, expected_sums(jobs));
}

TEST(TernaryAccumulateArray, OneBeatRowsUnderHeavyBackpressure) {
  std::mt19937 rng(7);
  const std::vector<Job> jobs{random_job(200, kLanes, 0.3, rng)};

  // ready_i is mostly low, so the result FIFO fills and the unit must refuse input rather
  // than drop or overwrite a result.
  const StreamResult result = stream(jobs, 1.0, 0.1, 5);
  EXPECT_EQ(result.sums, expected_sums(jobs));
  EXPECT_GT(result.cycles_ready_low, 0) << "backpressure never reached the input";
}

TEST(TernaryAccumulateArray, ExtremeValuesAtTheLargestRowLengths) {
  // Largest input widths of the released models: d = 2560 and I = 6912; 32000 also covers a
  // vocabulary-sized row.
  std::vector<Job> jobs;
  for (uint32_t n : {2560u, 6912u, 32000u}) {
    jobs.push_back(constant_job(1, n, 0, 127));    // all weights zero
    jobs.push_back(constant_job(1, n, 1, 127));    // +127 everywhere
    jobs.push_back(constant_job(1, n, -1, -128));  // the largest sum: -(-128) everywhere
    jobs.push_back(constant_job(1, n, 1, -128));   // the most negative sum
    jobs.push_back(constant_job(1, n, -1, 127));
    jobs.push_back(constant_job(1, n, 1, 0));      // all activations zero
  }
  std::mt19937 rng(11);
  jobs.push_back(random_job(3, 6912, 0.0, rng));

  const StreamResult result = stream(jobs, 0.8, 0.8, 3);
  const std::vector<int32_t> expected = expected_sums(jobs);
  EXPECT_EQ(expected[2 * 6 + 2], 128 * 32000);  // the reference itself reaches the extreme
  EXPECT_EQ(result.sums, expected);
}

TEST(TernaryAccumulateArray, SingleLanePatternsFindEveryLane) {
  // Rows whose only non-zero weight sits in lane k catch swapped or dropped lanes that random
  // rows can hide.
  std::vector<int8_t> weights(std::size_t(kLanes) * kLanes, 0);
  std::vector<int8_t> q(kLanes);
  for (uint32_t k = 0; k < kLanes; ++k) {
    weights[std::size_t(k) * kLanes + k] = (k % 2) ? -1 : 1;
    q[k] = static_cast<int8_t>(static_cast<int>(k % 255) - 127);
  }
  const std::vector<Job> jobs{Job{PackedTernaryMatrix(kLanes, kLanes, weights), q}};
  const StreamResult result = stream(jobs, 1.0, 1.0, 1);
  EXPECT_EQ(result.sums, expected_sums(jobs));
}

TEST(TernaryAccumulateArray, StreamsOneBeatRowsBackToBackWhenNeverStalled) {
  // The kernel relies on this to keep its memory port busy: with ready_i held high the unit
  // accepts a one-beat row on every cycle (a cycle-level property of the design, not timing).
  std::mt19937 rng(21);
  const std::vector<Job> jobs{random_job(100, kLanes, 0.5, rng)};
  const StreamResult result = stream(jobs, 1.0, 1.0, 2);
  EXPECT_EQ(result.sums, expected_sums(jobs));
  EXPECT_EQ(result.cycles_ready_low, 0);
}

}  // namespace
}  // namespace mmfree::rtl_test
