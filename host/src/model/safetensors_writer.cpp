#include "model/safetensors_writer.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "mmfree/error.hpp"

namespace mmfree::model {

namespace {

std::size_t dtype_bytes(const std::string& dtype) {
  if (dtype == "BF16" || dtype == "F16") return 2;
  if (dtype == "F32" || dtype == "I32") return 4;
  throw Error("write_safetensors: unknown dtype " + dtype);
}

}  // namespace

uint64_t TensorSpec::element_count() const {
  uint64_t n = 1;
  for (uint64_t s : shape) n *= s;
  return n;
}

uint16_t float_to_bf16(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  if (std::isnan(value)) return static_cast<uint16_t>((bits >> 16) | 0x40u);
  const uint32_t rounding = 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

uint16_t float_to_f16(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t abs = bits & 0x7FFFFFFFu;
  if (abs >= 0x7F800000u) return static_cast<uint16_t>(sign | 0x7C00u | (abs > 0x7F800000u ? 0x200u : 0u));
  if (abs >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // rounds past 65504
  if (abs < 0x38800000u) {
    // Result is subnormal (or zero) in half: scale so the half's ulp is 1 and round.
    const float magnitude = std::bit_cast<float>(abs) * 16777216.0f;  // 2^24
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::nearbyint(magnitude)));
  }
  const uint32_t mantissa_rounding = 0xFFFu + ((abs >> 13) & 1u);
  const uint32_t rounded = abs + mantissa_rounding;
  return static_cast<uint16_t>(sign | ((rounded - (uint32_t(127 - 15) << 23)) >> 13));
}

void write_safetensors(const std::filesystem::path& path, const std::vector<TensorSpec>& tensors,
                       const TensorFill& fill) {
  nlohmann::ordered_json header;
  header["__metadata__"] = {{"format", "pt"}};
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    const uint64_t bytes = t.element_count() * dtype_bytes(t.dtype);
    header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned, as torch does

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(path.string() + ": cannot create");
  const uint64_t length = text.size();
  out.write(reinterpret_cast<const char*>(&length), 8);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));

  std::vector<float> values(1u << 16);
  std::vector<unsigned char> encoded(values.size() * 4);
  for (const auto& t : tensors) {
    const uint64_t count = t.element_count();
    const std::size_t width = dtype_bytes(t.dtype);
    for (uint64_t first = 0; first < count; first += values.size()) {
      const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(values.size(), count - first));
      const std::span<float> chunk(values.data(), n);
      fill(t, first, chunk);
      for (std::size_t k = 0; k < n; ++k) {
        if (t.dtype == "BF16") {
          const uint16_t h = float_to_bf16(chunk[k]);
          std::memcpy(&encoded[k * 2], &h, 2);
        } else if (t.dtype == "F16") {
          const uint16_t h = float_to_f16(chunk[k]);
          std::memcpy(&encoded[k * 2], &h, 2);
        } else if (t.dtype == "F32") {
          std::memcpy(&encoded[k * 4], &chunk[k], 4);
        } else {
          const auto i = static_cast<int32_t>(chunk[k]);
          std::memcpy(&encoded[k * 4], &i, 4);
        }
      }
      out.write(reinterpret_cast<const char*>(encoded.data()), static_cast<std::streamsize>(n * width));
    }
  }
  out.close();
  if (!out) throw Error(path.string() + ": write failed");
}

}  // namespace mmfree::model
