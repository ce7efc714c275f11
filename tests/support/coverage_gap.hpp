// A test that cannot run here (no Verilated kernel, no XRT noop shim) skips, which on a
// developer's machine is fine; in CI it would hide that the feature went untested. With
// MMFREE_REQUIRE_COVERAGE=1 in the environment (`make test` sets it, so CI does), such a skip
// fails instead. Skips that are by design (a test body that only runs in a child process, a
// no-board path on a machine with a board) keep using GTEST_SKIP.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace mmfree::test {

inline bool coverage_required() {
  const char* value = std::getenv("MMFREE_REQUIRE_COVERAGE");
  return value != nullptr && std::string_view(value) == "1";
}

}  // namespace mmfree::test

// Use in a TEST body in place of GTEST_SKIP() << why.
#define MMFREE_SKIP_UNLESS_COVERAGE_REQUIRED(why)                                              \
  do {                                                                                         \
    if (::mmfree::test::coverage_required()) {                                                 \
      GTEST_FAIL() << "not covered, and MMFREE_REQUIRE_COVERAGE=1 forbids skipping: " << why; \
    } else {                                                                                   \
      GTEST_SKIP() << why;                                                                     \
    }                                                                                          \
  } while (false)
