// The bundled demo model (tests/support/demo_fixtures.hpp) for the sim suite, and its matrices
// in the order the kernel streams them (docs/device.md).
#pragma once

#include <vector>

#include "mmfree/model.hpp"
#include "support/demo_fixtures.hpp"

namespace mmfree::sim_test {

using test::demo_model;

inline std::vector<TernaryMatrixView> stream_order(const Model& model) {
  std::vector<TernaryMatrixView> out;
  for (uint32_t l = 0; l < model.config().num_layers; ++l) {
    for (Projection p :
         {Projection::I, Projection::F, Projection::G, Projection::O, Projection::Gate, Projection::Down}) {
      out.push_back(model.matrix(l, p));
    }
  }
  out.push_back(model.lm_head());
  return out;
}

}  // namespace mmfree::sim_test
