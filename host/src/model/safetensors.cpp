#include "model/safetensors.hpp"

#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "mmfree/error.hpp"
#include "model/float_formats.hpp"
#include "mmfree/util/bounded_file.hpp"
#include "util/bounded_json.hpp"

namespace mmfree::model {

namespace {

// A header larger than this is not a checkpoint header (the 2.7B model's is ~30 KB).
constexpr uint64_t kMaxHeaderBytes = 100u << 20;
// The index of a sharded checkpoint names each tensor once: ~100 KB for the largest models.
constexpr uint64_t kMaxIndexBytes = 64u << 20;

std::string shape_to_string(const std::vector<uint64_t>& shape) {
  std::string s = "[";
  for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + "]";
}

}  // namespace

uint64_t TensorInfo::element_count() const {
  uint64_t n = 1;
  for (uint64_t s : shape) n *= s;
  return n;
}

std::string TensorInfo::shape_string() const { return shape_to_string(shape); }

void TensorInfo::read(uint64_t first, std::span<float> out) const {
  const std::byte* base = file->bytes().data() + offset;
  switch (dtype) {
    case TensorDtype::F32:
      std::memcpy(out.data(), base + first * 4, out.size() * 4);
      break;
    case TensorDtype::BF16:
      for (std::size_t k = 0; k < out.size(); ++k) {
        uint16_t bits;
        std::memcpy(&bits, base + (first + k) * 2, 2);
        out[k] = bf16_to_float(bits);
      }
      break;
    case TensorDtype::F16:
      for (std::size_t k = 0; k < out.size(); ++k) {
        uint16_t bits;
        std::memcpy(&bits, base + (first + k) * 2, 2);
        out[k] = f16_to_float(bits);
      }
      break;
  }
}

void TensorInfo::release() const { file->release(offset, bytes); }

SafetensorsCheckpoint::SafetensorsCheckpoint(const std::filesystem::path& dir) : dir_(dir) {
  const auto index_path = dir / "model.safetensors.index.json";
  const auto single_path = dir / "model.safetensors";
  if (std::filesystem::exists(index_path)) {
    const nlohmann::json index =
        util::parse_untrusted_json(util::read_small_file(index_path, kMaxIndexBytes), index_path.string());
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object()) {
      throw ModelError(index_path.string() + ": no \"weight_map\" object");
    }
    std::set<std::string> shard_names;
    for (const auto& [name, shard] : index["weight_map"].items()) {
      if (!shard.is_string()) {
        throw ModelError(index_path.string() + ": weight_map entry of '" + util::excerpt(name, 200) +
                         "' is not a file name");
      }
      const std::string file = shard.get<std::string>();
      if (file.find('/') != std::string::npos || file == ".." || file.empty()) {
        throw ModelError(index_path.string() + ": shard name '" + util::excerpt(file, 200) + "' of '" +
                         util::excerpt(name, 200) + "' is not a plain file name");
      }
      shard_names.insert(file);
    }
    for (const auto& shard : shard_names) add_file(dir / shard);
    for (const auto& [name, shard] : index["weight_map"].items()) {
      const auto it = tensors_.find(name);
      if (it == tensors_.end() || it->second.info.file->path().filename() != shard.get<std::string>()) {
        throw ModelError(index_path.string() + ": tensor '" + util::excerpt(name, 200) + "' is not in its shard " +
                         util::excerpt(shard.get<std::string>(), 200));
      }
    }
  } else if (std::filesystem::exists(single_path)) {
    add_file(single_path);
  } else {
    throw ModelError(dir.string() + ": no model.safetensors or model.safetensors.index.json");
  }
}

void SafetensorsCheckpoint::add_file(const std::filesystem::path& path) {
  auto file = std::make_unique<MappedFile>(path);
  const auto bytes = file->bytes();
  const std::string where = path.string();
  if (bytes.size() < 8) throw ModelError(where + ": truncated (" + std::to_string(bytes.size()) + " bytes)");
  uint64_t header_bytes = 0;
  std::memcpy(&header_bytes, bytes.data(), 8);  // little-endian, as is the host
  if (header_bytes > kMaxHeaderBytes || header_bytes > bytes.size() - 8) {
    throw ModelError(where + ": header length " + std::to_string(header_bytes) +
                     " exceeds the file (" + std::to_string(bytes.size()) + " bytes): truncated or not safetensors");
  }
  const nlohmann::json header = util::parse_untrusted_json(
      std::string_view(reinterpret_cast<const char*>(bytes.data()) + 8, header_bytes), where + ": header");
  if (!header.is_object()) throw ModelError(where + ": header is not a JSON object");
  const uint64_t data_start = 8 + header_bytes;
  const uint64_t data_size = bytes.size() - data_start;

  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") continue;
    const std::string what = where + ": tensor '" + util::excerpt(name, 200) + "'";
    if (!value.is_object() || !value.contains("dtype") || !value["dtype"].is_string() ||
        !value.contains("shape") || !value["shape"].is_array() || !value.contains("data_offsets") ||
        !value["data_offsets"].is_array() || value["data_offsets"].size() != 2) {
      throw ModelError(what + ": malformed header entry (needs dtype, shape, data_offsets)");
    }
    Entry entry;
    entry.info.name = name;
    entry.info.file = file.get();
    entry.dtype_name = value["dtype"].get<std::string>();
    entry.dtype_supported = true;
    if (entry.dtype_name == "BF16") {
      entry.info.dtype = TensorDtype::BF16;
    } else if (entry.dtype_name == "F16") {
      entry.info.dtype = TensorDtype::F16;
    } else if (entry.dtype_name == "F32") {
      entry.info.dtype = TensorDtype::F32;
    } else {
      entry.dtype_supported = false;
    }
    uint64_t elements = 1;
    for (const auto& dim : value["shape"]) {
      if (!dim.is_number_unsigned()) throw ModelError(what + ": shape holds a non-integer");
      entry.info.shape.push_back(dim.get<uint64_t>());
      if (__builtin_mul_overflow(elements, entry.info.shape.back(), &elements) || elements > (uint64_t(1) << 60)) {
        throw ModelError(what + ": shape " + entry.info.shape_string() + " is implausibly large");
      }
    }
    const auto& offsets = value["data_offsets"];
    if (!offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned()) {
      throw ModelError(what + ": data_offsets are not unsigned integers");
    }
    const uint64_t begin = offsets[0].get<uint64_t>();
    const uint64_t end = offsets[1].get<uint64_t>();
    if (end < begin) throw ModelError(what + ": data_offsets end before they begin");
    if (end > data_size) {
      throw ModelError(what + ": data [" + std::to_string(begin) + ", " + std::to_string(end) +
                       ") lies beyond the end of the file (" + std::to_string(data_size) +
                       " data bytes): file truncated");
    }
    entry.info.offset = data_start + begin;
    entry.info.bytes = end - begin;
    if (entry.dtype_supported && entry.info.bytes != entry.info.element_count() * entry.info.element_bytes()) {
      throw ModelError(what + ": " + std::to_string(entry.info.bytes) + " data bytes do not match shape " +
                       entry.info.shape_string() + " of " + entry.dtype_name);
    }
    if (!tensors_.emplace(name, std::move(entry)).second) {
      throw ModelError(what + ": appears in more than one shard");
    }
  }
  files_.push_back(std::move(file));
}

bool SafetensorsCheckpoint::contains(const std::string& name) const { return tensors_.count(name) != 0; }

const TensorInfo& SafetensorsCheckpoint::tensor(const std::string& name,
                                                const std::vector<uint64_t>& shape) const {
  const auto it = tensors_.find(name);
  if (it == tensors_.end()) throw ModelError(dir_.string() + ": checkpoint has no tensor '" + name + "'");
  const Entry& e = it->second;
  const std::string where = e.info.file->path().string() + ": tensor '" + name + "'";
  if (!e.dtype_supported) {
    throw ModelError(where + " has dtype " + e.dtype_name + "; supported: BF16, F16, F32");
  }
  if (e.info.shape != shape) {
    throw ModelError(where + " has shape " + e.info.shape_string() + ", the config implies " +
                     shape_to_string(shape));
  }
  return e.info;
}

}  // namespace mmfree::model
