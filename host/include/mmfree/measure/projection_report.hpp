// The rows `mmfree bench --shape ... --board ...` prints: a released model shape projected onto
// a board from a simulation of the RTL, with the label that says how each figure was derived,
// and their two printed forms (a Markdown table with the notes, or JSON).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mmfree/measure/board.hpp"
#include "mmfree/measure/energy_model.hpp"
#include "mmfree/measure/projection.hpp"
#include "mmfree/measure/weight_pass.hpp"
#include "mmfree/model.hpp"

namespace mmfree::measure {

struct ProjectionRow {
  std::string shape;
  BoardConfig board;
  std::string memory;             // nominal | sustained
  ModelConfig simulated;          // the model that was simulated (its num_layers may be < L)
  WeightPassResult pass;
  uint64_t stream_cycles = 0;     // the self-test pass, when run to split the token's cycles
  uint64_t simulated_weight_bytes = 0;
  uint64_t full_weight_bytes = 0;
  mmf::WeightEncoding encoding = mmf::WeightEncoding::TwoBit;  // of the simulated models
  double scale = 1;               // cycles_projected / cycles simulated
  Projection projection;          // per weight pass: one token of each sequence
  double chain_cycles = 0;        // a prefill pass (a chain of batch.lanes lanes), projected
  BatchProjection batch;          // aggregate and per-sequence tokens/s, time to first token
  std::string label;
  EnergyCoefficients coefficients;
  EnergyEstimate energy;  // per token (a pass's energy / lanes), estimated
};

// To stdout; `energy` adds the estimated energy (and says what a measurement would need).
void print_projection_table(const std::vector<ProjectionRow>& rows, bool energy);
void print_projection_json(const std::vector<ProjectionRow>& rows, bool energy);

}  // namespace mmfree::measure
