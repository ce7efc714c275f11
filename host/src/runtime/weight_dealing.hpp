// Dealing a model's weight rows over the kernel's weight ports (docs/device.md): port p gets
// rows r with r mod P == p of every matrix, in stream order, back to back, in the image's
// weight encoding (2bit: whole rows; trit5: the rows' 64-column segments re-packed five a beat).
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
  uint64_t port_bytes(unsigned port) const { return port_stream_bytes(order_, ports_, port, encoding_); }
  // The next piece of port `port`'s buffer, into `out` (resized): called for m = 0, 1, ... in
  // turn, the pieces laid back to back are the port's whole buffer. 2bit: the port's rows of
  // stream matrix `m`. trit5: the beats whose last segment belongs to matrix `m` (the last
  // matrix also takes the padded tail); a beat holding the end of one matrix and the start of
  // the next goes with the later one, so a piece may be empty.
  void gather(std::size_t m, unsigned port, std::vector<std::byte>& out) const;

 private:
  void gather_trit5(std::size_t m, unsigned port, std::vector<std::byte>& out) const;

  const Model& model_;
  unsigned ports_;
  mmf::WeightEncoding encoding_;
  std::vector<StreamMatrix> order_;
  // trit5: where matrix m's segments start in the image's stream (P = 1), and in port p's
  // ([m * ports + p], with one more entry per port for the end of the stream).
  std::vector<uint64_t> image_first_;
  std::vector<uint64_t> port_first_;
};

}  // namespace mmfree::device
