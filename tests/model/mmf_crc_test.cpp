// The CRCs in an image are the documented CRC-32 (docs/mmf-format.md), checked here with
// an independent bitwise implementation reading the header at its documented offsets.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "checkpoint_fixtures.hpp"
#include "mmfree/model.hpp"

namespace mmfree {
namespace {

// Reflected CRC-32, polynomial 0x04C11DB7 (0xEDB88320 reflected), init and final XOR all ones.
uint32_t bitwise_crc32(const unsigned char* data, std::size_t n, uint32_t crc = 0xFFFFFFFFu) {
  for (std::size_t k = 0; k < n; ++k) {
    crc ^= data[k];
    for (int b = 0; b < 8; ++b) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc;
}

uint32_t crc(const std::string& s) {
  return ~bitwise_crc32(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

TEST(MmfCrc, CheckValue) { EXPECT_EQ(crc("123456789"), 0xCBF43926u); }

TEST(MmfCrc, HeaderAndSectionCrcsFollowTheDocument) {
  const std::string image = test::read_file(test::demo_mmf());
  auto u32 = [&](std::size_t off) { uint32_t v; std::memcpy(&v, image.data() + off, 4); return v; };
  auto u64 = [&](std::size_t off) { uint64_t v; std::memcpy(&v, image.data() + off, 8); return v; };
  EXPECT_EQ(image.substr(0, 8), "MMFREELM");
  EXPECT_EQ(u32(8), 1u);
  const uint32_t header_bytes = u32(12);
  EXPECT_EQ(u64(16), image.size());
  const uint32_t count = u32(24);
  EXPECT_EQ(count, 49u);
  std::string header = image.substr(0, header_bytes);
  std::memset(header.data() + 36, 0, 4);
  EXPECT_EQ(crc(header), u32(36));
  for (uint32_t k = 0; k < count; ++k) {
    const std::size_t entry = u32(28) + std::size_t(k) * 64;
    const uint64_t offset = u64(entry + 16), size = u64(entry + 24);
    ASSERT_LE(offset + size, image.size());
    EXPECT_EQ(crc(image.substr(offset, size)), u32(entry + 12)) << "section " << k;
    if (u32(entry) != 8) {  // Matrix entries lie inside the Weights section
      EXPECT_EQ(offset % 4096, 0u) << "section " << k;
    }
  }
}

}  // namespace
}  // namespace mmfree
