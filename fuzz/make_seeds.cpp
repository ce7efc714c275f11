// Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/ (run once, output
// committed; rerun after a format change): small but valid inputs of every parser, made by the
// project's own writers, so each fuzzer starts from deep inside the accepted format.
//   make_seeds <fuzz/corpus>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "mmfree/model.hpp"
#include "model/synthetic_checkpoint.hpp"
#include "model/synthetic_tokenizer.hpp"

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string u32(uint32_t v) {
  std::string s(4, '\0');
  std::memcpy(s.data(), &v, 4);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds <fuzz/corpus>\n");
    return 2;
  }
  const fs::path corpus = argv[1];
  const fs::path demo = fs::path(MMFREE_ASSETS_DIR) / "models/mmfree-demo-d256-l6";
  const fs::path work = fs::temp_directory_path() / "mmfree-make-seeds";
  fs::remove_all(work);

  // A tiny model: one layer of width 8, a 16-piece tokenizer; its .mmf is ~40 KB.
  mmfree::model::SyntheticCheckpoint spec;
  spec.config = {.hidden_size = 8, .num_layers = 1, .intermediate_size = 16, .vocab_size = 16};
  mmfree::model::write_synthetic_checkpoint(work / "tiny", spec);
  mmfree::convert_checkpoint(work / "tiny", work / "tiny.mmf");
  const std::string image = read(work / "tiny.mmf");
  write(corpus / "mmf_image/tiny.mmf", image);
  write(corpus / "mmf_image/header_only.mmf", image.substr(0, 4096));

  write(corpus / "hf_config/demo_config.json", read(demo / "config.json"));
  write(corpus / "hf_config/tiny_config.json", read(work / "tiny/config.json"));

  const std::string shard = read(work / "tiny/model.safetensors");
  write(corpus / "safetensors/single", std::string(1, '\0') + shard);
  // Sharded: an index naming a.safetensors for every tensor of the header.
  uint64_t header_bytes = 0;
  std::memcpy(&header_bytes, shard.data(), 8);
  const std::string header = shard.substr(8, header_bytes);
  nlohmann::json index = {{"metadata", nlohmann::json::object()}, {"weight_map", nlohmann::json::object()}};
  const nlohmann::json tensors = nlohmann::json::parse(header);  // items() must not outlive it
  for (const auto& [name, value] : tensors.items()) {
    if (name != "__metadata__") index["weight_map"][name] = "a.safetensors";
  }
  write(corpus / "safetensors/sharded", std::string(1, '\1') + index.dump() + std::string(1, '\0') + shard);

  write(corpus / "tokenizer/demo.model", read(demo / "tokenizer.model"));
  write(corpus / "tokenizer/synthetic16.model", mmfree::model::synthetic_tokenizer_model(16));

  write(corpus / "id_list/three", u32(4096) + "1,349,448");
  write(corpus / "id_list/spaces", u32(16) + " 0 , 15 ");
  write(corpus / "id_list/out_of_range", u32(16) + "16");

  const char nul = '\0';
  const auto argv_of = [&](std::initializer_list<const char*> args) {
    std::string s;
    for (const char* a : args) s += std::string(a) + nul;
    return s;
  };
  write(corpus / "cli_numbers/seq", argv_of({"--seq", "512", "--max-tokens", "65536"}));
  write(corpus / "cli_numbers/negative", argv_of({"--seq", "-1", "-n", "-1"}));
  write(corpus / "cli_numbers/timeout", argv_of({"--timeout", "1e-3", "-p", "2000000000"}));
  write(corpus / "cli_numbers/equals", argv_of({"--timeout=nan", "--name", "x", "-n12"}));
  fs::remove_all(work);
  std::printf("seeds written under %s\n", corpus.c_str());
  return 0;
}
