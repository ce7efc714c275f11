// A .mmf image whose header CRC is right but whose fields are not what the format allows
// (issue 16, finding 4): the CRC only proves some writer wrote the header, so every field is
// checked in the type the kernel uses. Each case edits the demo image, recomputes the header
// CRC, and expects a ModelError naming the field.
#include <gtest/gtest.h>

#include <boost/crc.hpp>
#include <cstring>
#include <functional>
#include <limits>
#include <string>

#include "checkpoint_fixtures.hpp"
#include "mmfree/error.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/model.hpp"

namespace mmfree {
namespace {

using test::TempDir;

struct HeaderEdit {
  const char* name;
  std::function<void(mmf::FileHeader&, mmf::DeviceDescriptor&, std::vector<mmf::SectionEntry>&)> edit;
  const char* expected;  // part of the message
};

void PrintTo(const HeaderEdit& e, std::ostream* os) { *os << e.name; }

class MmfHeaderFields : public testing::TestWithParam<HeaderEdit> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    convert_checkpoint(test::demo_model_dir(), dir_->path() / "good.mmf");
    good_ = new std::string(test::read_file(dir_->path() / "good.mmf"));
  }
  static void TearDownTestSuite() {
    delete good_;
    delete dir_;
  }
  static TempDir* dir_;
  static std::string* good_;
};
TempDir* MmfHeaderFields::dir_ = nullptr;
std::string* MmfHeaderFields::good_ = nullptr;

TEST_P(MmfHeaderFields, RefusedDespiteACorrectCrc) {
  std::string image = *good_;
  mmf::FileHeader h;
  mmf::DeviceDescriptor d;
  std::memcpy(&h, image.data() + mmf::kFileHeaderOffset, sizeof h);
  std::memcpy(&d, image.data() + mmf::kDeviceDescriptorOffset, sizeof d);
  std::vector<mmf::SectionEntry> table(h.section_count);
  std::memcpy(table.data(), image.data() + mmf::kSectionTableOffset, table.size() * sizeof(mmf::SectionEntry));
  GetParam().edit(h, d, table);
  h.header_crc32 = 0;
  std::memcpy(image.data() + mmf::kFileHeaderOffset, &h, sizeof h);
  std::memcpy(image.data() + mmf::kDeviceDescriptorOffset, &d, sizeof d);
  std::memcpy(image.data() + mmf::kSectionTableOffset, table.data(), table.size() * sizeof(mmf::SectionEntry));
  boost::crc_32_type crc;
  crc.process_bytes(image.data(), h.header_bytes);
  h.header_crc32 = crc.checksum();
  std::memcpy(image.data() + mmf::kFileHeaderOffset, &h, sizeof h);

  const auto path = dir_->path() / (std::string(GetParam().name) + ".mmf");
  test::write_file(path, image);
  try {
    Model::open(path);
    ADD_FAILURE() << GetParam().name << ": the edited image opened";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find(GetParam().expected), std::string::npos) << e.what();
  }
}

// The epsilon lives in the header and, for the kernel, in the descriptor: both are edited.
HeaderEdit eps(const char* name, float value) {
  return {name, [value](mmf::FileHeader& h, mmf::DeviceDescriptor& d, auto&) { h.rms_norm_eps = d.rms_norm_eps = value; },
          "rms_norm_eps"};
}

INSTANTIATE_TEST_SUITE_P(
    Fields, MmfHeaderFields,
    testing::Values(
        eps("eps_nan", std::numeric_limits<float>::quiet_NaN()), eps("eps_negative", -1.0f), eps("eps_zero", 0.0f),
        eps("eps_infinite", std::numeric_limits<float>::infinity()), eps("eps_subnormal", 1e-40f),
        HeaderEdit{"bos_not_below_vocab", [](auto& h, auto&, auto&) { h.bos_token_id = h.vocab_size; }, "bos/eos"},
        HeaderEdit{"eos_not_below_vocab", [](auto& h, auto&, auto&) { h.eos_token_id = 0xFFFFFFFFu; }, "bos/eos"},
        HeaderEdit{"reserved_byte", [](auto& h, auto&, auto&) { h.reserved[55] = 1; }, "reserved"},
        HeaderEdit{"unknown_flag", [](auto& h, auto&, auto&) { h.flags |= 1u << 7; }, "unknown bits"},
        HeaderEdit{"beta_on_tokenizer", [](auto&, auto&, auto& t) { t[0].beta = 1.0f; }, "not a matrix"},
        HeaderEdit{"beta_on_weights_region",
                   [](auto& h, auto&, auto& t) { t[2 + h.num_layers + 3].beta = -0.0f; }, "not a matrix"},
        HeaderEdit{"section_reserved_byte", [](auto&, auto&, auto& t) { t[3].reserved[0] = 0x80; }, "reserved"},
        HeaderEdit{"huge_vocab", [](auto& h, auto& d, auto&) { h.vocab_size = d.vocab_size = 0x40000001u; },
                   "vocab_size"}),
    [](const testing::TestParamInfo<HeaderEdit>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace mmfree
