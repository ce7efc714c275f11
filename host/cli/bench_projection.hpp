// `mmfree bench --shape ... --board ...`: projections of the released model shapes onto the
// boards of bitstreams/, from a simulation of the RTL (docs/energy.md, docs/targets.md).
#pragma once

#include <string>
#include <vector>

#include "mmfree/weight_encoding.hpp"

namespace mmfree::cli {

struct ProjectionRequest {
  std::vector<std::string> shapes;  // released shape names
  std::vector<std::string> boards;  // bitstreams/ folder names
  unsigned layers = 0;              // simulate this many layers (0: all) and extrapolate
  bool energy = false;              // add the energy estimate (and say what a measurement needs)
  std::string plot_file;            // roofline SVG, empty: none
  bool json = false;
  // The memory the ports are timed by: "nominal" (the board's specified bandwidth, the figures
  // published so far), "sustained" (the bandwidth measured on real boards: sim/src/memory_timing.cpp's
  // *-sustained presets) or "both" (a row of each). `bench --shape` takes it from --memory.
  std::string memory = "nominal";
  double timeout_seconds = 3600;    // per simulated command
  // The simulated passes run this many lanes (`bench --batch`): a decode pass of that many
  // sequences and a prefill pass of a chain of that many lanes; 1: today's one-token pass.
  unsigned lanes = 1;
  uint32_t prompt_tokens = 512;     // the prompt of the time to first token (`bench -p`)
  mmf::WeightEncoding encoding = mmf::kDefaultWeightEncoding;  // of the synthetic models (--weights)
};

// Splits "a,b" (or "all" -> every known name) and checks every name against `known`.
std::vector<std::string> parse_name_list(const std::string& list, const std::vector<std::string>& known,
                                         const std::string& flag);

// Draws the roofline SVG from the JSON of earlier `bench --shape ... --json` runs (no
// simulation). Error naming the file when one is missing or is not such JSON.
int plot_from_json(const std::vector<std::string>& json_files, const std::string& svg_file);

// Runs the simulations and prints the table (or JSON); writes the SVG. Returns the exit code.
int run_projection(const ProjectionRequest& request);

}  // namespace mmfree::cli
