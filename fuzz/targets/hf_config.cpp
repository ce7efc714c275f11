// Fuzz target: the Hugging Face config.json reader (model/hf_config): JSON of any shape,
// nesting and size, every field of any type. Refusal is a ModelError; nothing else may escape.
#include <cstdint>

#include "fuzz_input.hpp"
#include "mmfree/error.hpp"
#include "model/hf_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  try {
    mmfree::model::parse_hf_config(mmfree::fuzz::as_text(data, size), "config.json");
  } catch (const mmfree::ModelError&) {
  }
  return 0;
}
