// Fuzz target: the safetensors header and shard-index parser (model/safetensors). The first
// byte chooses the layout: even, the rest is model.safetensors; odd, the rest up to the first
// NUL is model.safetensors.index.json and what follows is a shard named a.safetensors. Every
// tensor the index or header names is then looked up and its first and last element read, as
// convert does.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "mmfree/error.hpp"
#include "model/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  namespace fuzz = mmfree::fuzz;
  if (size == 0) return 0;
  const auto dir = fuzz::scratch_dir();
  std::filesystem::remove(dir / "model.safetensors.index.json");
  std::filesystem::remove(dir / "model.safetensors");
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    fuzz::write_bytes(dir / "model.safetensors", rest);
  } else {
    const auto split = rest.find('\0');
    fuzz::write_bytes(dir / "model.safetensors.index.json", rest.substr(0, split));
    fuzz::write_bytes(dir / "a.safetensors", split == std::string_view::npos ? "" : rest.substr(split + 1));
  }
  try {
    const mmfree::model::SafetensorsCheckpoint checkpoint(dir);
    // The tensors a demo-shaped checkpoint is asked for, with the shapes convert would demand.
    for (const auto& [name, shape] : std::vector<std::pair<std::string, std::vector<uint64_t>>>{
             {"model.embeddings.weight", {16, 8}}, {"model.norm.weight", {8}}, {"lm_head.weight", {16, 8}}}) {
      if (!checkpoint.contains(name)) continue;
      try {
        const auto& t = checkpoint.tensor(name, shape);
        float first = 0, last = 0;
        t.read(0, {&first, 1});
        t.read(t.element_count() - 1, {&last, 1});
      } catch (const mmfree::ModelError&) {
      }
    }
  } catch (const mmfree::ModelError&) {
  }
  return 0;
}
