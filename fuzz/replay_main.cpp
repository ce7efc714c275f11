// Runs a fuzz target's LLVMFuzzerTestOneInput once on every file named (directories are walked),
// without libFuzzer: the regression test CI runs over the committed corpus and every crash input
// ever found, under whatever sanitizers this build uses. Exits non-zero if a directory is missing
// or empty of inputs, so a moved corpus cannot pass by replaying nothing.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

namespace {

void replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t replayed = 0;
  for (int k = 1; k < argc; ++k) {
    const std::filesystem::path root = argv[k];
    std::size_t here = 0;
    if (std::filesystem::is_regular_file(root)) {
      replay(root);
      ++here;
    } else if (std::filesystem::is_directory(root)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') continue;
        replay(entry.path());
        ++here;
      }
    }
    if (here == 0) {
      std::fprintf(stderr, "replay: no inputs under %s\n", root.c_str());
      return 1;
    }
    std::printf("replay: %zu inputs from %s\n", here, root.c_str());
    replayed += here;
  }
  std::printf("replay: %zu inputs, no crash\n", replayed);
  return 0;
}
