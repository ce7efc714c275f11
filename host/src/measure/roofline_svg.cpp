#include "mmfree/measure/roofline_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "mmfree/error.hpp"
#include "mmfree/measure/model_shape.hpp"

namespace mmfree::measure {

namespace {

// Plot area in SVG units and the decades it spans.
constexpr double kWidth = 900, kHeight = 620;
constexpr double kLeft = 90, kRight = 250, kTop = 50, kBottom = 70;
constexpr double kMinBytes = 1e7, kMaxBytes = 2e9;    // 10 MB .. 2 GB per token
constexpr double kMinRate = 1, kMaxRate = 1e5;        // 1 .. 100,000 tokens/s

double x_of(double bytes) {
  const double f = (std::log10(bytes) - std::log10(kMinBytes)) / (std::log10(kMaxBytes) - std::log10(kMinBytes));
  return kLeft + f * (kWidth - kLeft - kRight);
}
double y_of(double rate) {
  const double f = (std::log10(rate) - std::log10(kMinRate)) / (std::log10(kMaxRate) - std::log10(kMinRate));
  return kHeight - kBottom - f * (kHeight - kTop - kBottom);
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string number(double v, int decimals = 1) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

const char* colour(std::size_t k) {
  static const char* palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"};
  return palette[k % (sizeof palette / sizeof palette[0])];
}

}  // namespace

std::vector<PublishedResult> published_results() {
  const double b13 = double(weight_bytes_per_token(released_shape("1.3B").config));
  const double b27 = double(weight_bytes_per_token(released_shape("2.7B").config));
  const double b370 = double(weight_bytes_per_token(released_shape("370M").config));
  return {
      {"MatMul-free LM paper", "Intel D5005", "1.3B", b13, 23.8, "projected from one block, ~13 W", false, false},
      {"TerEffic", "Alveo HBM", "2.7B", b27, 727, "with batching, 46 W", false, false},
      {"TerEffic", "several FPGAs, on-chip", "370M", b370, 16300, "weights on chip, not a memory bound", false, false},
      // BitNet b1.58 ~0.7B: ~0.7e9 ternary weights at 2 bits.
      {"TeLLMe v2", "Kria KV260", "BitNet ~0.7B", 0.7e9 / 4, 25, "HLS, 5 W budget", false, true},
  };
}

std::string roofline_svg(const std::vector<BoardConfig>& boards, const std::vector<RooflinePoint>& points) {
  std::string s;
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(kWidth, 0) + "\" height=\"" +
       number(kHeight, 0) + "\" viewBox=\"0 0 " + number(kWidth, 0) + " " + number(kHeight, 0) +
       "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect x=\"0\" y=\"0\" width=\"" + number(kWidth, 0) + "\" height=\"" + number(kHeight, 0) +
       "\" fill=\"white\"/>\n";
  s += "<text x=\"" + number(kLeft, 0) + "\" y=\"28\" font-size=\"15\">Batch-1 decode: tokens/s vs weight bytes per "
       "token (2-bit ternary); lines = memory bound</text>\n";
  // Grid and axes, one line per decade.
  for (double b = kMinBytes; b <= kMaxBytes * 1.001; b *= 10) {
    const double x = x_of(b);
    s += "<line class=\"grid\" x1=\"" + number(x) + "\" y1=\"" + number(kTop) + "\" x2=\"" + number(x) + "\" y2=\"" +
         number(kHeight - kBottom) + "\" stroke=\"#ddd\"/>\n";
    s += "<text x=\"" + number(x) + "\" y=\"" + number(kHeight - kBottom + 18) + "\" text-anchor=\"middle\">" +
         number(b / 1e6, 0) + " MB</text>\n";
  }
  for (double r = kMinRate; r <= kMaxRate * 1.001; r *= 10) {
    const double y = y_of(r);
    s += "<line class=\"grid\" x1=\"" + number(kLeft) + "\" y1=\"" + number(y) + "\" x2=\"" +
         number(kWidth - kRight) + "\" y2=\"" + number(y) + "\" stroke=\"#ddd\"/>\n";
    s += "<text x=\"" + number(kLeft - 8) + "\" y=\"" + number(y + 4) + "\" text-anchor=\"end\">" + number(r, 0) +
         "</text>\n";
  }
  s += "<rect x=\"" + number(kLeft) + "\" y=\"" + number(kTop) + "\" width=\"" + number(kWidth - kLeft - kRight) +
       "\" height=\"" + number(kHeight - kTop - kBottom) + "\" fill=\"none\" stroke=\"black\"/>\n";
  s += "<text x=\"" + number((kLeft + kWidth - kRight) / 2) + "\" y=\"" + number(kHeight - 25) +
       "\" text-anchor=\"middle\">weight bytes streamed per token</text>\n";
  s += "<text transform=\"translate(30 " + number((kTop + kHeight - kBottom) / 2) +
       ") rotate(-90)\" text-anchor=\"middle\">tokens/s</text>\n";
  // Release sizes as dashed verticals.
  for (const auto& shape : released_shapes()) {
    const double x = x_of(double(weight_bytes_per_token(shape.config)));
    s += "<line class=\"model\" x1=\"" + number(x) + "\" y1=\"" + number(kTop) + "\" x2=\"" + number(x) +
         "\" y2=\"" + number(kHeight - kBottom) + "\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>\n";
    s += "<text x=\"" + number(x + 3) + "\" y=\"" + number(kTop + 14) + "\" fill=\"#666\">" + escape(shape.name) +
         "</text>\n";
  }
  // Bounds: tokens/s = bandwidth / bytes, clipped to the plot area.
  double legend_y = kTop + 10;
  const double legend_x = kWidth - kRight + 15;
  for (std::size_t k = 0; k < boards.size(); ++k) {
    const auto& board = boards[k];
    const double bandwidth = board.memory_bandwidth_gbps * 1e9;
    const double b0 = std::max(kMinBytes, bandwidth / kMaxRate), b1 = std::min(kMaxBytes, bandwidth / kMinRate);
    if (b0 < b1)
      s += "<line class=\"bound\" data-board=\"" + escape(board.name) + "\" x1=\"" + number(x_of(b0)) + "\" y1=\"" +
           number(y_of(bandwidth / b0)) + "\" x2=\"" + number(x_of(b1)) + "\" y2=\"" + number(y_of(bandwidth / b1)) +
           "\" stroke=\"" + colour(k) + "\" stroke-width=\"1.5\"/>\n";
    s += "<line x1=\"" + number(legend_x) + "\" y1=\"" + number(legend_y) + "\" x2=\"" + number(legend_x + 20) +
         "\" y2=\"" + number(legend_y) + "\" stroke=\"" + colour(k) + "\" stroke-width=\"1.5\"/>\n";
    s += "<text x=\"" + number(legend_x + 26) + "\" y=\"" + number(legend_y + 4) + "\">" + escape(board.name) +
         " bound (" + number(board.memory_bandwidth_gbps, 1) + " GB/s)</text>\n";
    legend_y += 18;
  }
  // Projected points, coloured like their board's bound.
  legend_y += 8;
  s += "<circle cx=\"" + number(legend_x + 10) + "\" cy=\"" + number(legend_y) +
       "\" r=\"5\" fill=\"#444\"/>\n<text x=\"" + number(legend_x + 26) + "\" y=\"" + number(legend_y + 4) +
       "\">projected (simulation)</text>\n";
  legend_y += 18;
  s += "<rect x=\"" + number(legend_x + 5) + "\" y=\"" + number(legend_y - 5) +
       "\" width=\"10\" height=\"10\" fill=\"none\" stroke=\"black\"/>\n<text x=\"" + number(legend_x + 26) +
       "\" y=\"" + number(legend_y + 4) + "\">published (docs/targets.md)</text>\n";
  // Points, coloured like their board's bound. Labels of one model's points are stacked in
  // order of rate, each at least a line below the previous one, so that close points stay legible.
  std::vector<std::size_t> order(points.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (points[a].model != points[b].model) return points[a].model < points[b].model;
    return points[a].tokens_per_second > points[b].tokens_per_second;
  });
  std::string previous_model;
  double previous_label_y = 0;
  for (std::size_t i : order) {
    const auto& p = points[i];
    std::size_t k = 0;
    while (k < boards.size() && boards[k].name != p.board) ++k;
    const double x = x_of(std::clamp(p.weight_bytes_per_token, kMinBytes, kMaxBytes));
    const double y = y_of(std::clamp(p.tokens_per_second, kMinRate, kMaxRate));
    double label_y = y + 4;
    if (p.model == previous_model) label_y = std::max(label_y, previous_label_y + 12);
    previous_model = p.model;
    previous_label_y = label_y;
    s += "<circle class=\"projected\" data-board=\"" + escape(p.board) + "\" data-model=\"" + escape(p.model) +
         "\" data-tokens-per-second=\"" + number(p.tokens_per_second, 2) + "\" cx=\"" + number(x) + "\" cy=\"" +
         number(y) + "\" r=\"5\" fill=\"" + colour(k) + "\"><title>" + escape(p.board + " " + p.model + ": " +
         number(p.tokens_per_second, 1) + " tokens/s, " + p.label) + "</title></circle>\n";
    s += "<text x=\"" + number(x + 8) + "\" y=\"" + number(label_y) + "\" font-size=\"10\" fill=\"" + colour(k) +
         "\">" + escape(p.board + " " + p.model + " " + number(p.tokens_per_second, 0)) + "</text>\n";
  }
  for (const auto& r : published_results()) {
    const double x = x_of(r.weight_bytes_per_token), y = y_of(r.tokens_per_second);
    s += "<rect class=\"published\" data-system=\"" + escape(r.system) + "\" data-model=\"" + escape(r.model) +
         "\" x=\"" + number(x - 5) + "\" y=\"" + number(y - 5) + "\" width=\"10\" height=\"10\" fill=\"none\" "
         "stroke=\"black\"><title>" + escape(r.system + ", " + r.board + ", " + r.model + ": " +
         number(r.tokens_per_second, 1) + " tokens/s (" + r.note + ")") + "</title></rect>\n";
    s += "<text x=\"" + number(r.label_right ? x + 8 : x - 8) + "\" y=\"" + number(r.label_above ? y - 9 : y + 16) +
         "\" font-size=\"10\" text-anchor=\"" + (r.label_right ? "start" : "end") + "\">" +
         escape(r.system + " (" + r.board + ")") + "</text>\n";
  }
  s += "</svg>\n";
  return s;
}

void write_roofline_svg(const std::filesystem::path& file, const std::vector<BoardConfig>& boards,
                        const std::vector<RooflinePoint>& points) {
  const std::string text = roofline_svg(boards, points);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw Error("cannot write the roofline picture " + file.string());
  out << text;
  out.close();
  if (!out) throw Error("cannot write the roofline picture " + file.string());
}

}  // namespace mmfree::measure
