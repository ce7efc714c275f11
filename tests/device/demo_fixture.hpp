// What the device suites compute from the bundled demo model (tests/support/demo_fixtures.hpp):
// held-out tokens and the golden engine's logits for them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "mmfree/backends.hpp"
#include "mmfree/sequence.hpp"
#include "mmfree/model.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "support/demo_fixtures.hpp"

namespace mmfree::test {

// BOS, then the start of assets/data/heldout.txt, `count` tokens in all.
inline std::vector<uint32_t> heldout_tokens(std::size_t count) {
  const Tokenizer tokenizer(demo_model().tokenizer_model());
  std::ifstream in(heldout_text_path());
  std::vector<uint32_t> ids{tokenizer.bos_id()};
  std::string line;
  while (ids.size() < count && std::getline(in, line)) {
    const auto line_ids = tokenizer.encode(line);
    ids.insert(ids.end(), line_ids.begin(), line_ids.end());
  }
  ids.resize(std::min(ids.size(), count));
  return ids;
}

// The logits of the "golden" engine after each of `tokens`, from a fresh sequence.
inline std::vector<std::vector<float>> golden_logits(const std::vector<uint32_t>& tokens) {
  const auto engine = make_engine("golden", demo_model());
  Sequence sequence(*engine);
  std::vector<std::vector<float>> out;
  for (const uint32_t t : tokens) {
    const auto logits = sequence.step(t);
    out.emplace_back(logits.begin(), logits.end());
  }
  return out;
}

}  // namespace mmfree::test
