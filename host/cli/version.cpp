#include <cstdio>

#include "command.hpp"

namespace mmfree::cli {

int run_version(const Args&) {
  std::printf("mmfree 0.1.0\n");
  return 0;
}

}  // namespace mmfree::cli
