// What every Engine shares: its output shapes and its messages about handles.
#pragma once


#include <span>
#include <string_view>

#include "mmfree/engine.hpp"

namespace mmfree {

// UsageError naming the handle and the backend.
[[noreturn]] void throw_not_open(SequenceId sequence, std::string_view backend);

// The output rows an input asks for: 0, 1 or its token count.
std::size_t output_rows(const SequenceInput& input);

// first_position, vocab_size and sized argmax/logits for `input`.
SequenceOutput make_output(const SequenceInput& input, std::size_t vocab_size);

}  // namespace mmfree
