// Reading tensors out of a Hugging Face safetensors checkpoint, single file or sharded
// (model.safetensors.index.json), through memory maps.
//
// A safetensors file is: an 8-byte little-endian header length n, n bytes of JSON mapping
// tensor names to {dtype, shape, data_offsets [begin, end)} (offsets relative to the byte
// after the header), then the raw little-endian tensor data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "model/mapped_file.hpp"

namespace mmfree::model {

enum class TensorDtype { BF16, F16, F32 };

struct TensorInfo {
  std::string name;
  TensorDtype dtype = TensorDtype::F32;
  std::vector<uint64_t> shape;
  const MappedFile* file = nullptr;
  uint64_t offset = 0;  // absolute offset of the data in `file`
  uint64_t bytes = 0;

  uint64_t element_count() const;
  std::size_t element_bytes() const { return dtype == TensorDtype::F32 ? 4 : 2; }
  std::string shape_string() const;
  // Converts elements [first, first + out.size()) to float, exactly.
  void read(uint64_t first, std::span<float> out) const;
  // Drops the tensor's pages from the resident set once it has been consumed.
  void release() const;
};

class SafetensorsCheckpoint {
 public:
  // Opens `dir`/model.safetensors.index.json (sharded) or `dir`/model.safetensors.
  // Every header is parsed and checked up front; throws ModelError naming the file.
  explicit SafetensorsCheckpoint(const std::filesystem::path& dir);

  // The tensor, checked for a supported dtype and the expected shape; throws ModelError
  // naming the tensor (and its file) otherwise.
  const TensorInfo& tensor(const std::string& name, const std::vector<uint64_t>& shape) const;
  bool contains(const std::string& name) const;

 private:
  void add_file(const std::filesystem::path& path);

  std::filesystem::path dir_;
  std::vector<std::unique_ptr<MappedFile>> files_;
  // Raw entries; dtype strings are kept so an unsupported one is reported only when used.
  struct Entry {
    TensorInfo info;
    std::string dtype_name;
    bool dtype_supported = false;
  };
  std::map<std::string, Entry> tensors_;
};

}  // namespace mmfree::model
