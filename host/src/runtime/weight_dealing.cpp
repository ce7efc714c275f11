#include "runtime/weight_dealing.hpp"

#include <cstring>
#include <string>

#include "mmfree/error.hpp"

namespace mmfree::device {

WeightDealing::WeightDealing(const Model& model, unsigned ports)
    : model_(model), ports_(ports), order_(stream_order(mmf::read_device_descriptor(model.image()))) {}

void WeightDealing::gather(std::size_t m, unsigned port, std::vector<std::byte>& out) const {
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

}  // namespace mmfree::device
