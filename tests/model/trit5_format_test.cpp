// The trit5 weight encoding of the .mmf format (docs/mmf-format.md, "Weight encodings"): the
// weights region at 0.8x the 2bit bytes on every shape whose widths are multiples of 64 (and at
// most 0.81x on the released ones), the same ternary matrices whichever way a checkpoint is
// converted, the digit order and padding of the bytes on disk, and the refusals: a byte value
// above 242, an unknown encoding, a weights region whose length does not match the layout,
// padding segments that are not zero weights.
#include <gtest/gtest.h>

#include <boost/crc.hpp>
#include <cstring>
#include <string>

#include "checkpoint_fixtures.hpp"
#include "mmfree/error.hpp"
#include "mmfree/measure/model_shape.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/model.hpp"
#include "model_equality.hpp"

namespace mmfree {
namespace {

using mmf::WeightEncoding;
using test::TempDir;

uint64_t weights_bytes(const ModelConfig& c, WeightEncoding e) {
  return mmf::compute_layout(c, 4096, e).descriptor.weights_bytes;
}

TEST(Trit5Format, WeightBytesAreFourFifthsOnEveryShapeOfWholeSegments) {
  for (const auto& shape : measure::released_shapes()) {
    const double ratio = double(weights_bytes(shape.config, WeightEncoding::Trit5)) /
                         double(weights_bytes(shape.config, WeightEncoding::TwoBit));
    SCOPED_TRACE(shape.name);
    EXPECT_LE(ratio, 0.81);
    // 370M (1024, 2816), 1.3B (2048, 5632), 2.7B (2560, 6912): whole segments, only the last
    // beat's padding above 0.8.
    EXPECT_LT(ratio, 0.8 + 1e-6);
    // What a P-port kernel streams: each port's padded tail beat more, at most.
    for (unsigned ports : {1u, 4u, 31u, 32u}) {
      EXPECT_LE(measure::weight_bytes_per_token(shape.config, WeightEncoding::Trit5, ports),
                weights_bytes(shape.config, WeightEncoding::Trit5) + 64ull * ports);
    }
  }
  // The demo (256, 768) and every d, I multiple of 64 the loader accepts, sampled.
  for (uint32_t d = 64; d <= 8192; d += 64 * 7) {
    for (uint32_t i : {d, 3 * d, d + 64}) {
      ModelConfig c;
      c.hidden_size = d;
      c.num_layers = 3;
      c.intermediate_size = i;
      c.vocab_size = 1000;
      const double ratio = double(weights_bytes(c, WeightEncoding::Trit5)) / double(weights_bytes(c, WeightEncoding::TwoBit));
      EXPECT_LE(ratio, 0.81) << "d " << d << " I " << i;
    }
  }
}

TEST(Trit5Format, BothEncodingsHoldTheSameMatrices) {
  const Model trit5 = Model::open(test::demo_model_dir(), WeightEncoding::Trit5);
  const Model two_bit = Model::open(test::demo_model_dir(), WeightEncoding::TwoBit);
  EXPECT_EQ(trit5.weight_encoding(), WeightEncoding::Trit5);
  EXPECT_EQ(two_bit.weight_encoding(), WeightEncoding::TwoBit);
  EXPECT_TRUE(test::models_identical(trit5, two_bit));
  // 0.8x the 2bit bytes, rounded up to the last whole beat.
  const uint64_t trit5_bytes = mmf::read_device_descriptor(trit5.image()).weights_bytes;
  const uint64_t two_bit_bytes = mmf::read_device_descriptor(two_bit.image()).weights_bytes;
  EXPECT_EQ(trit5_bytes, mmf::trit5_bytes(mmf::stream_segments(trit5.config())));
  EXPECT_GE(trit5_bytes * 5, two_bit_bytes * 4);
  EXPECT_LT(trit5_bytes * 5, two_bit_bytes * 4 + 5 * 64);
}

// Digit s of byte j of beat b is column j of segment 5b + s, digit = weight + 1; the segments run
// through rows and matrices without a gap, the last beat padded with digit 1.
TEST(Trit5Format, BytesOnDiskFollowTheSegmentOrder) {
  const Model trit5 = Model::open(test::demo_model_dir(), WeightEncoding::Trit5);
  const auto desc = mmf::read_device_descriptor(trit5.image());
  const auto* region = reinterpret_cast<const uint8_t*>(trit5.image().data() + desc.weights_offset);
  uint64_t segment = 0;
  const auto check = [&](const TernaryMatrixView& m) {
    for (uint32_t r = 0; r < m.rows; ++r) {
      for (uint32_t c = 0; c < mmf::row_segments(m.cols) * 64; ++c) {
        const uint64_t g = segment + c / 64;
        unsigned v = region[g / 5 * 64 + c % 64];
        for (uint64_t s = 0; s < g % 5; ++s) v /= 3;
        const int weight = int(v % 3) - 1;
        ASSERT_EQ(weight, c < m.cols ? m.at(r, c) : 0) << "row " << r << " column " << c;
      }
      segment += mmf::row_segments(m.cols);
    }
  };
  for (uint32_t l = 0; l < trit5.config().num_layers; ++l)
    for (int p = 0; p < kProjectionsPerLayer; ++p) check(trit5.matrix(l, static_cast<Projection>(p)));
  check(trit5.lm_head());
  EXPECT_EQ(mmf::trit5_bytes(segment), desc.weights_bytes);
}

TEST(Trit5Format, ConvertWritesTrit5ByDefaultDeterministically) {
  const TempDir dir;
  convert_checkpoint(test::demo_model_dir(), dir.path() / "a.mmf");
  convert_checkpoint(test::demo_model_dir(), dir.path() / "b.mmf", {}, WeightEncoding::Trit5);
  EXPECT_EQ(test::read_file(dir.path() / "a.mmf"), test::read_file(dir.path() / "b.mmf"));
  EXPECT_EQ(Model::open(dir.path() / "a.mmf").weight_encoding(), WeightEncoding::Trit5);
}

// Refusals of images whose CRCs are right: each damage is followed by recomputing every CRC that
// covers it, so that the check under test, not a CRC, has to catch it.
class Trit5Refusals : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    convert_checkpoint(test::demo_model_dir(), dir_->path() / "good.mmf", {}, WeightEncoding::Trit5);
    good_ = new std::string(test::read_file(dir_->path() / "good.mmf"));
  }
  static void TearDownTestSuite() {
    delete good_;
    delete dir_;
  }

  static void recompute_crcs(std::string& image) {
    auto* data = reinterpret_cast<std::byte*>(image.data());
    mmf::FileHeader h;
    std::memcpy(&h, data, sizeof h);
    std::vector<mmf::SectionEntry> table(h.section_count);
    std::memcpy(table.data(), data + h.section_table_offset, table.size() * sizeof(mmf::SectionEntry));
    for (auto& e : table) {
      if (e.offset + e.size > image.size()) continue;
      boost::crc_32_type crc;
      crc.process_bytes(data + e.offset, e.size);
      e.crc32 = crc.checksum();
    }
    std::memcpy(data + h.section_table_offset, table.data(), table.size() * sizeof(mmf::SectionEntry));
    h.header_crc32 = 0;
    std::memcpy(data, &h, sizeof h);
    boost::crc_32_type crc;
    crc.process_bytes(data, h.header_bytes);
    h.header_crc32 = crc.checksum();
    std::memcpy(data, &h, sizeof h);
  }

  void expect_refused(std::string bytes, std::initializer_list<std::string> parts) {
    recompute_crcs(bytes);
    const auto path = dir_->path() / "bad.mmf";
    test::write_file(path, bytes);
    try {
      Model::open(path);
      ADD_FAILURE() << "a damaged image opened";
    } catch (const ModelError& e) {
      const std::string message = e.what();
      for (const auto& p : parts) EXPECT_NE(message.find(p), std::string::npos) << message << " lacks " << p;
    }
  }

  static mmf::DeviceDescriptor descriptor() {
    return mmf::read_device_descriptor(std::as_bytes(std::span<const char>(good_->data(), good_->size())));
  }

  static TempDir* dir_;
  static std::string* good_;
};
TempDir* Trit5Refusals::dir_ = nullptr;
std::string* Trit5Refusals::good_ = nullptr;

TEST_F(Trit5Refusals, TheGoodImageOpensAfterItsCrcsAreRecomputed) {
  std::string same = *good_;
  recompute_crcs(same);
  EXPECT_EQ(same, *good_);
}

TEST_F(Trit5Refusals, AByteValueAbove242) {
  for (const uint8_t value : {uint8_t(243), uint8_t(250), uint8_t(255)}) {
    std::string bad = *good_;
    bad[descriptor().weights_offset + 64 * 100 + 5] = char(value);
    expect_refused(bad, {"invalid trit5 byte " + std::to_string(value), "matrix layer 0"});
  }
}

TEST_F(Trit5Refusals, AnUnknownEncoding) {
  for (const uint32_t value : {2u, 0xFFFFFFFFu}) {
    std::string bad = *good_;
    std::memcpy(&bad[mmf::kDeviceDescriptorOffset + 112], &value, 4);
    expect_refused(bad, {"weight_encoding " + std::to_string(value)});
  }
}

TEST_F(Trit5Refusals, AWeightsRegionWhoseLengthDoesNotMatchTheLayout) {
  std::string bad = *good_;
  const uint64_t longer = descriptor().weights_bytes + 64;
  std::memcpy(&bad[mmf::kDeviceDescriptorOffset + 80], &longer, 8);
  expect_refused(bad, {"descriptor does not match"});
  // A 2bit image's descriptor saying trit5: every size disagrees with the trit5 layout.
  bad = *good_;
  const uint32_t two_bit = 0;
  std::memcpy(&bad[mmf::kDeviceDescriptorOffset + 112], &two_bit, 4);
  expect_refused(bad, {"does not match"});
}

TEST_F(Trit5Refusals, PaddingSegmentsThatAreNotZeroWeights) {
  // The demo's stream is 96,256 segments in 19,252 beats: the last beat holds one segment and four
  // of padding.
  ASSERT_NE(mmf::stream_segments(Model::open(dir_->path() / "good.mmf").config()) % 5, 0u);
  std::string bad = *good_;
  const auto d = descriptor();
  auto& last = bad[d.weights_offset + d.weights_bytes - 1];
  last = char(uint8_t(last) + 81);  // digit 4 of the byte's column: 1 -> 2
  expect_refused(bad, {"padding segments"});
}

}  // namespace
}  // namespace mmfree
