#include "mmfree/measure/synthetic_model.hpp"

#include <unistd.h>

#include <filesystem>
#include <string>

#include "model/synthetic_checkpoint.hpp"

namespace mmfree::measure {

namespace {

// Removes the directory when the scope ends, also when conversion throws.
struct TemporaryDirectory {
  std::filesystem::path path;
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

Model make_synthetic_model(const ModelConfig& config, uint64_t seed, mmf::WeightEncoding encoding) {
  TemporaryDirectory dir{std::filesystem::temp_directory_path() /
                         ("mmfree-measure-" + std::to_string(::getpid()) + "-" + std::to_string(seed))};
  model::SyntheticCheckpoint spec;
  spec.config = config;
  spec.seed = seed;
  model::write_synthetic_checkpoint(dir.path, spec);
  return Model::open(dir.path, encoding);
}

}  // namespace mmfree::measure
