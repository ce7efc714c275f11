#include "support/synthetic_model.hpp"

#include "support/temp_dir.hpp"

namespace mmfree::test {

Model synthetic_model(const model::SyntheticCheckpoint& spec, mmf::WeightEncoding encoding) {
  const TempDir dir;
  model::write_synthetic_checkpoint(dir.path(), spec);
  return Model::open(dir.path(), encoding);
}

}  // namespace mmfree::test
