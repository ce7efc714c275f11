// Validating a `.mmf` image before any view of it is handed out: magic, version, sizes,
// the exact section layout the config implies, every CRC, zero padding, ternary codes.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "mmfree/mmf_format.hpp"
#include "mmfree/model.hpp"

namespace mmfree::model {

struct ValidatedImage {
  ModelConfig config;
  mmf::DeviceDescriptor descriptor{};
  std::vector<mmf::SectionEntry> sections;
  mmf::WeightEncoding encoding = mmf::WeightEncoding::TwoBit;  // the descriptor's weight_encoding
};

// `where` names the image in errors (its path, or the directory it was built from).
// Throws ModelError naming the image and the section at fault.
ValidatedImage validate_image(std::span<const std::byte> image, const std::string& where);

}  // namespace mmfree::model
