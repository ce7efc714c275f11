#include "checkpoint_fixtures.hpp"

#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

#include "model/float_formats.hpp"

namespace mmfree::test {

void copy_demo(const std::filesystem::path& dir, const DemoCopy& options) {
  // Parsed here directly (not through the library's reader) so the copies are an
  // independent check of that reader.
  const std::string demo = read_file(demo_model_dir() / "model.safetensors");
  uint64_t header_length = 0;
  std::memcpy(&header_length, demo.data(), 8);
  const auto header = nlohmann::json::parse(demo.substr(8, header_length));
  const std::size_t data_start = 8 + header_length;

  struct Source {
    std::size_t offset;
    uint64_t count;
  };
  std::map<std::string, Source> sources;
  std::vector<model::TensorSpec> specs;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;
    if (entry["dtype"] != "BF16") throw std::runtime_error("demo tensor " + name + " is not BF16");
    model::TensorSpec spec{name, options.dtype, entry["shape"].get<std::vector<uint64_t>>()};
    sources[name] = {data_start + entry["data_offsets"][0].get<std::size_t>(), spec.element_count()};
    if (options.edit_tensor && !options.edit_tensor(spec)) continue;
    specs.push_back(spec);
  }
  auto fill = [&](const model::TensorSpec& t, uint64_t first, std::span<float> out) {
    const Source& s = sources.at(t.name);
    for (std::size_t k = 0; k < out.size(); ++k) {
      if (first + k >= s.count) {
        out[k] = 0.0f;
        continue;
      }
      uint16_t bits;
      std::memcpy(&bits, demo.data() + s.offset + (first + k) * 2, 2);
      out[k] = model::bf16_to_float(bits);
    }
  };

  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(demo_model_dir() / "tokenizer.model", dir / "tokenizer.model",
                             std::filesystem::copy_options::overwrite_existing);
  auto config = nlohmann::json::parse(read_file(demo_model_dir() / "config.json"));
  config["torch_dtype"] = options.dtype == "F32" ? "float32" : (options.dtype == "F16" ? "float16" : "bfloat16");
  if (options.edit_config) options.edit_config(config);
  write_file(dir / "config.json", config.dump(2));

  if (options.shards <= 1) {
    model::write_safetensors(dir / "model.safetensors", specs, fill);
    return;
  }
  nlohmann::json weight_map = nlohmann::json::object();
  const std::size_t per_shard = (specs.size() + options.shards - 1) / options.shards;
  for (int s = 0; s < options.shards; ++s) {
    char name[64];
    std::snprintf(name, sizeof name, "model-%05d-of-%05d.safetensors", s + 1, options.shards);
    std::vector<model::TensorSpec> part;
    for (std::size_t k = s * per_shard; k < std::min(specs.size(), (s + 1) * per_shard); ++k) {
      part.push_back(specs[k]);
      weight_map[specs[k].name] = name;
    }
    model::write_safetensors(dir / name, part, fill);
  }
  write_file(dir / "model.safetensors.index.json",
             nlohmann::json{{"metadata", {{"total_size", 0}}}, {"weight_map", weight_map}}.dump(2));
}

}  // namespace mmfree::test
