// Dealing a model's weight rows over the kernel's weight ports (docs/device.md): port p gets
// rows r with r mod P == p of every matrix, in stream order, back to back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "device/memory_layout.hpp"
#include "mmfree/model.hpp"

namespace mmfree::device {

class WeightDealing {
 public:
  WeightDealing(const Model& model, unsigned ports);

  const std::vector<StreamMatrix>& matrices() const { return order_; }
  uint64_t port_bytes(unsigned port) const { return port_stream_bytes(order_, ports_, port); }
  // Port `port`'s rows of stream matrix `m`, packed back to back, into `out` (resized).
  void gather(std::size_t m, unsigned port, std::vector<std::byte>& out) const;

 private:
  const Model& model_;
  unsigned ports_;
  std::vector<StreamMatrix> order_;
};

}  // namespace mmfree::device
