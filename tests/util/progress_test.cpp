#include "mmfree/util/progress.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

// A disabled bar must write nothing: tools run in pipelines and CI logs.
TEST(Progress, DisabledWritesNothing) {
  testing::internal::CaptureStderr();
  {
    mmfree::Progress bar("convert", 10, false);
    for (int i = 0; i < 10; ++i) bar.advance();
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(Progress, EnabledEndsAtHundredPercent) {
  testing::internal::CaptureStderr();
  {
    mmfree::Progress bar("convert", 4, true);
    bar.advance(4);
    bar.finish();
  }
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find("100.0%"), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\n');
}

}  // namespace
