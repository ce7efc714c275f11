#include "device/memory_layout.hpp"

namespace mmfree::device {

std::vector<StreamMatrix> stream_order(const mmf::DeviceDescriptor& desc) {
  // trit5: the arrays take a row in beats of four 64-column segments, so its 2-bit stride
  // follows from its width; the kernel does not read row_stride_d/_i then.
  const bool trit5 = desc.weight_encoding == uint32_t(mmf::WeightEncoding::Trit5);
  const uint32_t stride_d = trit5 ? mmf::packed_row_stride(desc.hidden_size) : desc.row_stride_d;
  const uint32_t stride_i = trit5 ? mmf::packed_row_stride(desc.intermediate_size) : desc.row_stride_i;
  std::vector<StreamMatrix> order;
  order.reserve(std::size_t(desc.num_layers) * kProjectionsPerLayer + 1);
  for (uint32_t l = 0; l < desc.num_layers; ++l) {
    for (int k = 0; k < kProjectionsPerLayer; ++k) {
      const auto p = static_cast<Projection>(k);
      const uint32_t cols = mmf::projection_cols(p, desc.hidden_size, desc.intermediate_size);
      order.push_back({l, static_cast<uint32_t>(k), mmf::projection_rows(p, desc.hidden_size, desc.intermediate_size),
                       cols, p == Projection::Down ? stride_i : stride_d});
    }
  }
  order.push_back({mmf::kNoLayer, mmf::kLmHeadIndex, desc.vocab_size, desc.hidden_size, stride_d});
  return order;
}

uint64_t port_stream_bytes(const std::vector<StreamMatrix>& order, unsigned ports, unsigned port,
                           mmf::WeightEncoding encoding) {
  if (encoding == mmf::WeightEncoding::Trit5) return mmf::trit5_bytes(port_stream_segments(order, ports, port));
  uint64_t bytes = 0;
  for (const auto& m : order) bytes += uint64_t(rows_on_port(m.rows, ports, port)) * m.row_stride;
  return bytes;
}

uint64_t port_stream_segments(const std::vector<StreamMatrix>& order, unsigned ports, unsigned port) {
  uint64_t segments = 0;
  for (const auto& m : order) segments += uint64_t(rows_on_port(m.rows, ports, port)) * mmf::row_segments(m.cols);
  return segments;
}

}  // namespace mmfree::device
