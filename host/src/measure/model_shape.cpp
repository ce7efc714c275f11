#include "mmfree/measure/model_shape.hpp"

#include "mmfree/error.hpp"

namespace mmfree::measure {

namespace {

ModelConfig shape(uint32_t d, uint32_t layers, uint32_t intermediate, uint32_t vocab) {
  ModelConfig c;
  c.hidden_size = d;
  c.num_layers = layers;
  c.intermediate_size = intermediate;
  c.vocab_size = vocab;
  return c;
}

uint64_t packed_row_bytes(uint64_t cols) { return (cols * 2 / 8 + 63) / 64 * 64; }

}  // namespace

const std::vector<NamedShape>& released_shapes() {
  static const std::vector<NamedShape> shapes = {
      {"370M", shape(1024, 24, 2816, 32000)},
      {"1.3B", shape(2048, 24, 5632, 32000)},
      {"2.7B", shape(2560, 32, 6912, 32000)},
  };
  return shapes;
}

const NamedShape& released_shape(std::string_view name) {
  std::string known;
  for (const auto& s : released_shapes()) {
    if (s.name == name) return s;
    known += (known.empty() ? "" : ", ") + s.name;
  }
  throw UsageError("unknown model shape '" + std::string(name) + "' (known: " + known + ")");
}

uint64_t ternary_weights_per_token(const ModelConfig& c) {
  const uint64_t d = c.hidden_size, i = c.intermediate_size;
  return uint64_t(c.num_layers) * (4 * d * d + 3 * d * i) + uint64_t(c.vocab_size) * d;
}

uint64_t weight_bytes_per_token(const ModelConfig& c, mmf::WeightEncoding encoding, unsigned ports) {
  const uint64_t d = c.hidden_size, i = c.intermediate_size;
  if (encoding == mmf::WeightEncoding::Trit5) {
    uint64_t bytes = 0;
    for (unsigned p = 0; p < ports; ++p) {
      const auto on_port = [&](uint64_t rows) { return (rows + ports - 1 - p) / ports; };
      const uint64_t segments =
          c.num_layers * ((4 * on_port(d) + on_port(2 * i)) * mmf::row_segments(c.hidden_size) +
                          on_port(d) * mmf::row_segments(c.intermediate_size)) +
          on_port(c.vocab_size) * mmf::row_segments(c.hidden_size);
      bytes += mmf::trit5_bytes(segments);
    }
    return bytes;
  }
  const uint64_t rows_of_d = uint64_t(c.num_layers) * (4 * d + 2 * i) + c.vocab_size;
  const uint64_t rows_of_i = uint64_t(c.num_layers) * d;
  return rows_of_d * packed_row_bytes(d) + rows_of_i * packed_row_bytes(i);
}

}  // namespace mmfree::measure
