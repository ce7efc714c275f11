// Reading a Hugging Face MMfreeLM `config.json` (model_type hgrn_bit) into a ModelConfig,
// rejecting every variant this runtime does not compute (docs/model-spec.md).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "mmfree/model.hpp"

namespace mmfree::model {

// Throws ModelError naming config.json and the offending field.
ModelConfig read_hf_config(const std::filesystem::path& config_json);

// The same from the file's text; `where` names it in errors (a fuzz target's entry point).
ModelConfig parse_hf_config(std::string_view text, const std::string& where);

// int(d * hidden_ratio * 2 / 3) rounded up to a multiple of 256 (what the reference code
// does when intermediate_size is null).
uint32_t default_intermediate_size(uint32_t hidden_size, double hidden_ratio);

}  // namespace mmfree::model
