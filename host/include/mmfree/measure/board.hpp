// A board the kernel is built for, as bitstreams/<board>/platform.toml describes it: the
// figures every projection (tokens/s, bandwidth bound, energy) is computed from.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mmfree::measure {

struct BoardConfig {
  std::string name;                   // the folder name: u55c, u280, u250, kv260
  std::string description;            // [platform] board
  double kernel_clock_mhz = 0;        // [platform] kernel_clock_mhz
  std::string memory;                 // [platform] memory: HBM2 or DDR4
  double memory_bandwidth_gbps = 0;   // [platform] peak of the whole board memory, 10^9 B/s
  double weight_port_bandwidth_gbps = 0;  // [platform] the channel behind one weight port
  unsigned weight_ports = 0;          // [kernel] NumWeightPorts
  unsigned weight_data_width = 0;     // [kernel] WeightDataWidth, bits

  double kernel_clock_hz() const { return kernel_clock_mhz * 1e6; }
  unsigned beat_bytes() const { return weight_data_width / 8; }
  // What the weight ports of this build can carry: each port is limited by its memory
  // channel or by one beat per kernel cycle, whichever is lower (bitstreams/README.md).
  double weight_streaming_bandwidth_bytes_per_second() const;
};

// The boards' parameters as JSON, one <board>.json per bitstreams/<board>/platform.toml, written
// at build time by scripts/platform_config.py (the one reader of platform.toml):
// $MMFREE_BOARDS_DIR if set, else the build tree's boards/.
std::filesystem::path default_boards_dir();

// The boards with a <name>.json under `boards_dir`, sorted by name.
std::vector<std::string> board_names(const std::filesystem::path& boards_dir = default_boards_dir());

// Reads boards_dir/<name>.json. Throws UsageError for an unknown board (listing the known ones)
// and mmfree::Error naming the file and key for a missing or bad value.
BoardConfig load_board(std::string_view name, const std::filesystem::path& boards_dir = default_boards_dir());

// Parses platform_config.py's JSON of one board (`source` names it in messages).
BoardConfig parse_board_json(std::string_view text, std::string name, const std::string& source);

}  // namespace mmfree::measure
