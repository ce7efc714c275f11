// Building a `.mmf` image from a Hugging Face MMfreeLM directory: config.json,
// tokenizer.model and the safetensors weights in, the packed image (docs/mmf-format.md) out.
#pragma once

#include <filesystem>

#include "mmfree/model.hpp"
#include "mmfree/weight_encoding.hpp"
#include "model/image_sink.hpp"

namespace mmfree::model {

// Checks every tensor (presence, dtype, shape) before writing anything, then writes the
// image section by section, one tensor in memory at a time, its weights in `encoding`.
// Throws ModelError naming the file and tensor on any problem.
void write_image(const std::filesystem::path& hf_dir, ImageSink& sink, const ConvertProgress& progress = {},
                 mmf::WeightEncoding encoding = mmf::kDefaultWeightEncoding);

}  // namespace mmfree::model
