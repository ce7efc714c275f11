// assets/SOURCES.md records where each bundled asset comes from and its SHA-256: every file under
// assets/ (but SOURCES.md) must be listed, and hash to what is listed. The fidelity tests take
// reference_outputs.json as the authors' truth; this pins that file (and the model it was made
// from) to the provenance written down for it.
// Cost: ~0.1 s (hashing 15 MB).
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// FIPS 180-4 SHA-256, small and self-contained (the project has no crypto dependency).
class Sha256 {
 public:
  void update(const unsigned char* data, std::size_t size) {
    for (std::size_t k = 0; k < size; ++k) {
      block_[block_used_++] = data[k];
      if (block_used_ == 64) {
        compress();
        block_used_ = 0;
      }
    }
    bytes_ += size;
  }

  std::string hex_digest() {
    const uint64_t bits = bytes_ * 8;
    const unsigned char one = 0x80, zero = 0;
    update(&one, 1);
    while (block_used_ != 56) update(&zero, 1);
    for (int shift = 56; shift >= 0; shift -= 8) {
      const auto b = static_cast<unsigned char>(bits >> shift);
      update(&b, 1);
    }
    std::string text;
    char digits[9];
    for (uint32_t word : state_) {
      std::snprintf(digits, sizeof digits, "%08x", word);
      text += digits;
    }
    return text;
  }

 private:
  void compress() {
    static constexpr std::array<uint32_t, 64> k = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    std::array<uint32_t, 64> w{};
    for (int t = 0; t < 16; ++t)
      w[t] = uint32_t(block_[4 * t]) << 24 | uint32_t(block_[4 * t + 1]) << 16 | uint32_t(block_[4 * t + 2]) << 8 |
             uint32_t(block_[4 * t + 3]);
    for (int t = 16; t < 64; ++t) {
      const uint32_t s0 = std::rotr(w[t - 15], 7) ^ std::rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
      const uint32_t s1 = std::rotr(w[t - 2], 17) ^ std::rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    auto [a, b, c, d, e, f, g, h] = state_;
    for (int t = 0; t < 64; ++t) {
      const uint32_t t1 = h + (std::rotr(e, 6) ^ std::rotr(e, 11) ^ std::rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[t] + w[t];
      const uint32_t t2 = (std::rotr(a, 2) ^ std::rotr(a, 13) ^ std::rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    const std::array<uint32_t, 8> add = {a, b, c, d, e, f, g, h};
    for (int i = 0; i < 8; ++i) state_[i] += add[i];
  }

  std::array<uint32_t, 8> state_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<unsigned char, 64> block_{};
  std::size_t block_used_ = 0;
  uint64_t bytes_ = 0;
};

std::string sha256_of_text(const std::string& text) {
  Sha256 hash;
  hash.update(reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return hash.hex_digest();
}

std::string sha256_of_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  Sha256 hash;
  std::vector<char> chunk(1 << 20);
  while (file) {
    file.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    hash.update(reinterpret_cast<const unsigned char*>(chunk.data()), static_cast<std::size_t>(file.gcount()));
  }
  return hash.hex_digest();
}

// The table rows of SOURCES.md: | `relative/path` | `hex` |
std::map<std::string, std::string> listed_hashes() {
  std::ifstream file(fs::path(MMFREE_ASSETS_DIR) / "SOURCES.md");
  const std::regex row(R"(^\| `([^`]+)` \| `([0-9a-f]{64})` \|$)");
  std::map<std::string, std::string> listed;
  std::smatch match;
  for (std::string line; std::getline(file, line);)
    if (std::regex_match(line, match, row)) listed[match[1]] = match[2];
  return listed;
}

TEST(AssetsProvenance, Sha256IsTheStandardOne) {
  // FIPS 180-2 examples: one block, two blocks, and the empty message.
  EXPECT_EQ(sha256_of_text("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_of_text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_of_text(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(AssetsProvenance, EveryAssetIsListedInSourcesWithItsSha256) {
  const auto listed = listed_hashes();
  ASSERT_FALSE(listed.empty()) << "no SHA-256 table in assets/SOURCES.md";
  std::size_t checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(MMFREE_ASSETS_DIR)) {
    if (!entry.is_regular_file()) continue;
    const std::string relative = fs::relative(entry.path(), MMFREE_ASSETS_DIR).generic_string();
    if (relative == "SOURCES.md") continue;
    const auto it = listed.find(relative);
    if (it == listed.end()) {
      ADD_FAILURE() << relative << " is not listed in assets/SOURCES.md with its SHA-256";
      continue;
    }
    EXPECT_EQ(sha256_of_file(entry.path()), it->second) << relative << " differs from assets/SOURCES.md";
    ++checked;
  }
  EXPECT_EQ(checked, listed.size()) << "assets/SOURCES.md lists a file that is not there";
}

TEST(AssetsProvenance, SourcesRecordsHowTheReferenceOutputsWereMade) {
  std::ifstream file(fs::path(MMFREE_ASSETS_DIR) / "SOURCES.md");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // The facts a reader needs to reproduce them: the code and its commit, and the run's settings.
  for (const char* fact : {"ridgerchu/matmulfreellm", "a016f72", "float32", "use_cache=False", "51.1958"})
    EXPECT_NE(text.find(fact), std::string::npos) << fact;
}

}  // namespace
