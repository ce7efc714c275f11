// The roofline picture of batch-1 decoding: tokens/s against weight bytes per token, on log
// axes, where each board's memory bound is the line tokens/s = bandwidth / bytes. Projected
// points of this accelerator, the bounds of every board and the published results of
// docs/targets.md on one chart, as a standalone SVG.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mmfree/measure/board.hpp"

namespace mmfree::measure {

struct RooflinePoint {
  std::string board;   // u55c, ...
  std::string model;   // 370M, 1.3B, 2.7B
  double weight_bytes_per_token = 0;
  double tokens_per_second = 0;
  std::string label;   // "projected from simulation", "extrapolated from 2 layers", ...
};

struct PublishedResult {
  std::string system;  // who
  std::string board;
  std::string model;
  double weight_bytes_per_token = 0;  // at 2 bits a weight
  double tokens_per_second = 0;
  std::string note;
  bool label_right = false;  // where the chart writes its name: right of the mark, else left
  bool label_above = false;  // above the mark, else below
};

// docs/targets.md's "Published results to beat" that name a model size and a rate.
std::vector<PublishedResult> published_results();

// The SVG document. Each projected point is a <circle class="projected" data-board=...
// data-model=...>, each bound a <line class="bound" data-board=...>, each published result a
// <rect class="published" data-system=...>.
std::string roofline_svg(const std::vector<BoardConfig>& boards, const std::vector<RooflinePoint>& points);

// Writes roofline_svg(...) to `file`; Error naming the file when it cannot be written.
void write_roofline_svg(const std::filesystem::path& file, const std::vector<BoardConfig>& boards,
                        const std::vector<RooflinePoint>& points);

}  // namespace mmfree::measure
