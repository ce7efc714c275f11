#include "runtime/weight_dealing.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "mmfree/error.hpp"

namespace mmfree::device {

WeightDealing::WeightDealing(const Model& model, unsigned ports)
    : model_(model),
      ports_(ports),
      encoding_(model.weight_encoding()),
      order_(stream_order(mmf::read_device_descriptor(model.image()))) {
  if (encoding_ != mmf::WeightEncoding::Trit5) return;
  image_first_.assign(order_.size() + 1, 0);
  port_first_.assign((order_.size() + 1) * ports_, 0);
  for (std::size_t m = 0; m < order_.size(); ++m) {
    const uint32_t segments = mmf::row_segments(order_[m].cols);
    image_first_[m + 1] = image_first_[m] + uint64_t(order_[m].rows) * segments;
    for (unsigned p = 0; p < ports_; ++p)
      port_first_[(m + 1) * ports_ + p] =
          port_first_[m * ports_ + p] + uint64_t(rows_on_port(order_[m].rows, ports_, p)) * segments;
  }
}

void WeightDealing::gather(std::size_t m, unsigned port, std::vector<std::byte>& out) const {
  if (encoding_ == mmf::WeightEncoding::Trit5) return gather_trit5(m, port, out);
  const StreamMatrix& sm = order_.at(m);
  const TernaryMatrixView view = sm.layer == mmf::kNoLayer
                                     ? model_.lm_head()
                                     : model_.matrix(sm.layer, static_cast<Projection>(sm.index));
  // The descriptor and the matrix views come from the same image; a mismatch is a corrupt image.
  if (view.rows != sm.rows || view.cols != sm.cols || view.row_stride_bytes != sm.row_stride)
    throw ModelError("image: matrix " + std::to_string(m) + " of the weight stream disagrees with the device descriptor");
  out.resize(std::size_t(rows_on_port(sm.rows, ports_, port)) * sm.row_stride);
  std::byte* dst = out.data();
  for (uint32_t r = port; r < sm.rows; r += ports_, dst += sm.row_stride)
    std::memcpy(dst, view.row_data(r), sm.row_stride);
}

void WeightDealing::gather_trit5(std::size_t m, unsigned port, std::vector<std::byte>& out) const {
  const std::size_t count = order_.size();
  if (m >= count) throw Error("internal: weight stream matrix " + std::to_string(m) + " out of range");
  const auto first = [&](std::size_t k) { return port_first_[k * ports_ + port]; };
  const uint64_t total = first(count);
  const uint64_t beat_begin = first(m) / mmf::kSegmentsPerBeat;
  const uint64_t beat_end = m + 1 < count ? first(m + 1) / mmf::kSegmentsPerBeat : mmf::trit5_beats(total);
  out.assign((beat_end - beat_begin) * mmf::kBeatBytes, std::byte{mmf::kZeroTrit5Byte});
  if (out.empty()) return;

  const mmf::DeviceDescriptor desc = mmf::read_device_descriptor(model_.image());
  const auto* image = reinterpret_cast<const uint8_t*>(model_.image().data() + desc.weights_offset);
  auto* dst = reinterpret_cast<uint8_t*>(out.data());
  const uint64_t segment_end = std::min(beat_end * mmf::kSegmentsPerBeat, total);
  if (ports_ == 1) {  // the port's stream is the image's weights region, byte for byte
    std::memcpy(dst, image + beat_begin * mmf::kBeatBytes, out.size());
    return;
  }
  // The matrix holding the first segment of the piece may be an earlier one.
  std::size_t k = m;
  uint64_t g = beat_begin * mmf::kSegmentsPerBeat;
  while (first(k) > g) --k;
  for (; g < segment_end; ++g) {
    while (k + 1 < count && first(k + 1) <= g) ++k;
    const uint32_t segments = mmf::row_segments(order_[k].cols);
    const uint64_t local = g - first(k);
    const uint64_t row = port + (local / segments) * ports_;
    const uint64_t source = image_first_[k] + row * segments + local % segments;
    mmf::copy_trit5_segment(image + source / mmf::kSegmentsPerBeat * mmf::kBeatBytes,
                            unsigned(source % mmf::kSegmentsPerBeat),
                            dst + (g / mmf::kSegmentsPerBeat - beat_begin) * mmf::kBeatBytes,
                            unsigned(g % mmf::kSegmentsPerBeat));
  }
}

}  // namespace mmfree::device
