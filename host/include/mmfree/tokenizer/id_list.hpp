// Token ids given on a command line: "1,349,448".
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace mmfree {

// Throws UsageError naming the offending entry for an empty list, a non-number, or an
// id >= vocab_size. Spaces around entries are allowed.
std::vector<uint32_t> parse_id_list(std::string_view text, uint32_t vocab_size);

}  // namespace mmfree
