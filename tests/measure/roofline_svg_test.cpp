// The roofline SVG: well-formed XML (parsed by expat), one projected point per board and
// model it was given, one bound line per board, the published results of docs/targets.md.
#include <gtest/gtest.h>

#include <filesystem>

#include "mmfree/error.hpp"
#include "mmfree/measure/model_shape.hpp"
#include "mmfree/measure/projection.hpp"
#include "mmfree/measure/roofline_svg.hpp"
#include "support/temp_dir.hpp"
#include "support/text_file.hpp"
#include "xml_document.hpp"

namespace {

using namespace mmfree::measure;

std::vector<BoardConfig> all_boards() {
  std::vector<BoardConfig> boards;
  for (const auto& name : board_names()) boards.push_back(load_board(name));
  return boards;
}

// Every board x model, at half its bandwidth bound (the values only place the points).
std::vector<RooflinePoint> every_point(const std::vector<BoardConfig>& boards) {
  std::vector<RooflinePoint> points;
  for (const auto& board : boards)
    for (const auto& shape : released_shapes()) {
      const double bytes = double(weight_bytes_per_token(shape.config));
      points.push_back({board.name, shape.name, bytes,
                        0.5 * bandwidth_bound_tokens_per_second(board, uint64_t(bytes)), "test <&> label"});
    }
  return points;
}

TEST(RooflineSvg, IsWellFormedAndHasEveryBoardAndModelPoint) {
  const auto boards = all_boards();
  const auto doc = mmfree::test::parse_xml(roofline_svg(boards, every_point(boards)));
  ASSERT_TRUE(doc.well_formed) << doc.error;
  EXPECT_EQ(doc.root, "svg");
  for (const auto& board : boards) {
    const auto points = doc.with("circle", "data-board", board.name);
    EXPECT_EQ(points.size(), released_shapes().size()) << board.name;
    for (const auto& shape : released_shapes()) {
      bool found = false;
      for (const auto& p : points) found = found || p.attributes.at("data-model") == shape.name;
      EXPECT_TRUE(found) << board.name << " " << shape.name;
    }
    EXPECT_EQ(doc.with("line", "data-board", board.name).size(), 1u) << "bound of " << board.name;
  }
  EXPECT_EQ(doc.with("rect", "class", "published").size(), published_results().size());
  EXPECT_EQ(doc.with("circle", "class", "projected").size(), boards.size() * released_shapes().size());
}

TEST(RooflineSvg, PointsSitBelowTheirBoundLine) {
  // A point at half the bound: on the SVG's y axis (down is smaller), below the line at its x.
  const auto boards = all_boards();
  const auto doc = mmfree::test::parse_xml(roofline_svg(boards, every_point(boards)));
  ASSERT_TRUE(doc.well_formed) << doc.error;
  for (const auto& board : boards) {
    const auto line = doc.with("line", "data-board", board.name).at(0);
    const double x1 = std::stod(line.attributes.at("x1")), y1 = std::stod(line.attributes.at("y1"));
    const double x2 = std::stod(line.attributes.at("x2")), y2 = std::stod(line.attributes.at("y2"));
    for (const auto& p : doc.with("circle", "data-board", board.name)) {
      const double cx = std::stod(p.attributes.at("cx")), cy = std::stod(p.attributes.at("cy"));
      const double line_y = y1 + (y2 - y1) * (cx - x1) / (x2 - x1);
      EXPECT_GT(cy, line_y) << board.name << " " << p.attributes.at("data-model");
    }
  }
}

TEST(RooflineSvg, WritesTheFileAndNamesItWhenItCannot) {
  const auto boards = all_boards();
  const mmfree::test::TempDir tmp;
  const auto file = tmp.path() / "roofline.svg";
  write_roofline_svg(file, boards, every_point(boards));
  EXPECT_TRUE(mmfree::test::parse_xml(mmfree::test::read_file(file)).well_formed);
  try {
    write_roofline_svg("/nonexistent-dir/x.svg", boards, {});
    FAIL() << "no error";
  } catch (const mmfree::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.svg"), std::string::npos);
  }
}

}  // namespace
