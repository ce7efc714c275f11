// A damaged .mmf image is refused with a ModelError naming the file and the section:
// a flipped byte anywhere, truncation, wrong magic or version.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "checkpoint_fixtures.hpp"
#include "mmfree/error.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/model.hpp"

namespace mmfree {
namespace {

using test::TempDir;

class MmfErrors : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    good_ = new std::string(test::read_file(test::demo_mmf()));
  }
  static void TearDownTestSuite() {
    delete good_;
    delete dir_;
  }

  // Writes `bytes` as a file and expects opening it to fail with all of `parts` in the message.
  void expect_refused(const std::string& bytes, std::initializer_list<std::string> parts) {
    const auto path = dir_->path() / "bad.mmf";
    test::write_file(path, bytes);
    try {
      Model::open(path);
      ADD_FAILURE() << "a damaged image opened";
    } catch (const ModelError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(path.string()), std::string::npos) << message;
      for (const auto& p : parts) EXPECT_NE(message.find(p), std::string::npos) << message << " lacks " << p;
    }
  }

  static mmf::SectionEntry section(const std::string& name) {
    const Model m = Model::open(test::demo_mmf());
    for (const auto& e : mmf::read_section_table(m.image())) {
      if (mmf::section_name(e) == name) return e;
    }
    throw std::runtime_error("no section " + name);
  }

  static TempDir* dir_;
  static std::string* good_;
};

TempDir* MmfErrors::dir_ = nullptr;
std::string* MmfErrors::good_ = nullptr;

TEST_F(MmfErrors, GoodImageOpens) { EXPECT_NO_THROW(Model::open(test::demo_mmf())); }

TEST_F(MmfErrors, FlippedByteInEachSectionNamesIt) {
  const Model m = Model::open(test::demo_mmf());
  for (const auto& e : mmf::read_section_table(m.image())) {
    if (e.kind == uint32_t(mmf::SectionKind::Weights)) continue;  // covered by its matrices
    std::string bad = *good_;
    bad[e.offset + e.size / 2] ^= 0x10;
    const std::string name = mmf::section_name(e);
    SCOPED_TRACE(name);
    std::string quoted(1, '\'');
    quoted.append(name).push_back('\'');
    expect_refused(bad, {quoted, "corrupt"});
  }
}

TEST_F(MmfErrors, FlippedByteInPaddingIsRefused) {
  const auto tokenizer = section("tokenizer");
  std::string bad = *good_;
  bad[tokenizer.offset + tokenizer.size + 1] = 1;  // between the tokenizer and the embeddings
  expect_refused(bad, {"padding", "tokenizer"});
  const auto betas = section("betas");
  bad = *good_;
  bad[betas.offset + 4095] = 1;  // the last byte of the betas' page
  expect_refused(bad, {"padding", "betas"});
}

TEST_F(MmfErrors, FlippedByteInHeaderOrTableIsRefused) {
  for (std::size_t offset : {40u, 130u, 300u, 4000u}) {  // config, descriptor, table, header padding
    std::string bad = *good_;
    bad[offset] ^= 0x01;
    SCOPED_TRACE(offset);
    expect_refused(bad, {"header"});
  }
}

TEST_F(MmfErrors, TruncatedImage) {
  expect_refused(good_->substr(0, good_->size() - 4096), {"truncated"});
  expect_refused(good_->substr(0, 100), {"truncated"});
  expect_refused(std::string(), {"truncated"});
}

TEST_F(MmfErrors, TrailingBytes) { expect_refused(*good_ + std::string(4096, '\0'), {"trailing"}); }

TEST_F(MmfErrors, WrongMagic) {
  std::string bad = *good_;
  bad[0] = 'X';
  expect_refused(bad, {"magic"});
  expect_refused(test::read_file(test::demo_model_dir() / "model.safetensors"), {"magic"});
}

TEST_F(MmfErrors, WrongVersion) {
  std::string bad = *good_;
  const uint32_t version = mmf::kFormatVersion + 1;
  std::memcpy(&bad[8], &version, 4);
  expect_refused(bad, {"version 2", "version 1"});
}

}  // namespace
}  // namespace mmfree
