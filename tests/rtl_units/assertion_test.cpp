// The RTL's assertions (SVA inside `ifndef SYNTHESIS, Verilated with --assert) fire on a planted
// violation and stay silent on the same traffic without it: row_result_fifo (Verilated with
// Depth = 4) must never be pushed while full, which ternary_accumulate_array's credits guarantee.
// The model's context is told not to end the process on a failed assertion, so the test can
// observe it (VerilatedContext::gotError); built without --assert, the violation tests fail.
#include <gtest/gtest.h>

#include <cstdint>

#include "Vrow_result_fifo.h"
#include "clocked_model.hpp"

namespace mmfree::rtl_test {
namespace {

constexpr int kDepth = 4;

class RowResultFifoAssertions : public ::testing::Test {
 protected:
  RowResultFifoAssertions() {
    fifo.context().fatalOnError(false);
    Verilated::threadContextp(&fifo.context());  // where VL_STOP records the failure
    fifo->push_i = 0;
    fifo->pop_i = 0;
    fifo->data_i = 0;
    fifo.reset();
  }

  void push(uint32_t value) {
    fifo->push_i = 1;
    fifo->data_i = value;
    fifo.tick();
    fifo->push_i = 0;
    fifo.settle();
  }

  ClockedModel<Vrow_result_fifo> fifo;
};

TEST_F(RowResultFifoAssertions, FillingToDepthAndDrainingIsSilent) {
  for (int k = 0; k < kDepth; ++k) push(100 + k);
  for (int k = 0; k < kDepth; ++k) {
    ASSERT_TRUE(fifo->valid_o);
    EXPECT_EQ(fifo->data_o, 100u + k);
    fifo->pop_i = 1;
    fifo.tick();
  }
  fifo->pop_i = 0;
  fifo.tick();
  EXPECT_FALSE(fifo->valid_o);
  EXPECT_FALSE(fifo.context().gotError()) << "an assertion fired on legal traffic";
}

TEST_F(RowResultFifoAssertions, PushIntoAFullFifoFires) {
  for (int k = 0; k < kDepth; ++k) push(100 + k);
  EXPECT_FALSE(fifo.context().gotError()) << "fired before the violation";
  push(999);  // the planted violation: a fifth row with no room
  EXPECT_TRUE(fifo.context().gotError()) << "NoPushWhenFull_A did not fire (built without --assert?)";
}

}  // namespace
}  // namespace mmfree::rtl_test
