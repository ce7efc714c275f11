// Writing safetensors files in a streaming way: the header first (all offsets follow from
// the shapes), then each tensor's values in chunks, so a multi-gigabyte checkpoint is
// written with a few megabytes of memory. Used to build synthetic checkpoints for tests
// and benchmarks; the runtime itself only reads safetensors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace mmfree::model {

struct TensorSpec {
  std::string name;
  std::string dtype;  // "BF16", "F16", "F32", or "I32" (to build unsupported-dtype inputs)
  std::vector<uint64_t> shape;
  uint64_t element_count() const;
};

// Supplies elements [first, first + out.size()) of `tensor` as float; the writer rounds them
// to the tensor's dtype (round to nearest even).
using TensorFill = std::function<void(const TensorSpec& tensor, uint64_t first, std::span<float> out)>;

// Throws mmfree::Error when the file cannot be written or a dtype is unknown.
void write_safetensors(const std::filesystem::path& path, const std::vector<TensorSpec>& tensors,
                       const TensorFill& fill);

// Float to bfloat16 / IEEE half bits, round to nearest even (the inverse of float_formats.hpp
// on the values those formats hold).
uint16_t float_to_bf16(float value);
uint16_t float_to_f16(float value);

}  // namespace mmfree::model
