// The released MMfreeLM shapes by name, and what one decode token streams from memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mmfree/model.hpp"

namespace mmfree::measure {

struct NamedShape {
  std::string name;  // 370M, 1.3B, 2.7B
  ModelConfig config;
};

// The three released checkpoints (ridger/MMfreeLM-370M, -1.3B, -2.7B config.json figures).
const std::vector<NamedShape>& released_shapes();
// Throws UsageError for an unknown name, listing the known ones.
const NamedShape& released_shape(std::string_view name);

// Ternary weights one token streams: L (4 d^2 + 3 d I) + V d.
uint64_t ternary_weights_per_token(const ModelConfig& config);
// Bytes of those weights as a kernel of `ports` weight ports streams them (docs/mmf-format.md):
// 2bit: 2 bits a weight, each row padded to a multiple of 64 bytes, L (4 d + 2 I) rows of d
// columns, L d rows of I columns and V rows of d columns. trit5: each port's rows cut into
// 64-column segments, five a 64-byte beat, the port's last beat padded.
uint64_t weight_bytes_per_token(const ModelConfig& config, mmf::WeightEncoding encoding = mmf::WeightEncoding::TwoBit,
                                unsigned ports = 1);

}  // namespace mmfree::measure
