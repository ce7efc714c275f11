// A tokenizer.model that SentencePiece refuses by throwing its own exception rather than
// returning a Status (an empty piece: darts_clone's "zero-length key"), found by
// fuzz/targets/tokenizer.cpp: it must become a ModelError like every other bad tokenizer.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "mmfree/error.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"

namespace {

TEST(TokenizerUntrusted, EmptyPieceIsAModelError) {
  const std::string path = std::string(MMFREE_SOURCE_ROOT) +
                           "/fuzz/regressions/tokenizer/crash-0bc5404ddc07fb25b30bcc050f672b80dc232db9";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  try {
    mmfree::Tokenizer tokenizer(bytes.str());
    ADD_FAILURE() << "a tokenizer with an empty piece loaded";
  } catch (const mmfree::ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("does not load as a SentencePiece model"), std::string::npos) << e.what();
  }
}

}  // namespace
