// Fuzz target: the --ids list parser (mmfree/tokenizer/id_list). The first four bytes are the
// vocabulary size; the rest is the list as typed. Every accepted id must be below the size.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "fuzz_input.hpp"
#include "mmfree/error.hpp"
#include "mmfree/tokenizer/id_list.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  uint32_t vocab = 0;
  std::memcpy(&vocab, data, 4);
  try {
    for (uint32_t id : mmfree::parse_id_list(mmfree::fuzz::as_text(data + 4, size - 4), vocab)) {
      if (id >= vocab) std::abort();  // the parser's one promise
    }
  } catch (const mmfree::UsageError&) {
  }
  return 0;
}
