// Projection of a released model shape onto a board, from the Verilated RTL.
//
// The simulation runs the kernel this build Verilated (its weight-port count P_sim is fixed at
// configure time, MMFREE_SIM_WEIGHT_PORTS) with every memory port timed like one weight-port
// channel of the board (bandwidth from platform.toml, latency of the board's memory type). A
// model too large to simulate whole in reasonable time is simulated with --layers N of its L
// layers plus the LM head. The cycles are then carried to the whole model and the board's port
// count in proportion to the weight bytes each port streams; every such step is printed in the
// row's label, so a figure is never passed off as more direct than it is.
#include "bench_projection.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mmfree/error.hpp"
#include "mmfree/measure/board.hpp"
#include "mmfree/measure/energy_model.hpp"
#include "mmfree/measure/model_shape.hpp"
#include "mmfree/measure/projection.hpp"
#include "mmfree/measure/projection_report.hpp"
#include "mmfree/measure/roofline_svg.hpp"
#include "mmfree/measure/synthetic_model.hpp"
#include "mmfree/measure/weight_pass.hpp"

// The simulation is there when the build has the sim backend (CMake says so, sim/CMakeLists.txt).
#if MMFREE_BACKEND_SIM
#include "mmfree/sim/sim_device.hpp"
#endif

namespace mmfree::cli {

namespace {

using measure::BoardConfig;
using Row = measure::ProjectionRow;

// A cycle budget per command, so that a kernel whose token mode hangs fails in minutes, not
// at the wall-clock timeout: four times the cycles the slowest port needs to stream its share
// at its channel's rate, plus a million cycles for everything else.
uint64_t cycle_budget(const BoardConfig& board, const ModelConfig& config, unsigned simulated_ports) {
  const double bytes_per_cycle =
      std::min(double(board.beat_bytes()), board.weight_port_bandwidth_gbps * 1e9 / board.kernel_clock_hz());
  const double share = double(measure::weight_bytes_per_token(config)) / double(simulated_ports);
  return uint64_t(4 * share / bytes_per_cycle) + 1000000;
}

std::string memory_preset(const BoardConfig& board, const std::string& memory) {
  return std::string(board.memory == "HBM2" ? "hbm" : "ddr4") + (memory == "sustained" ? "-sustained" : "");
}

// The board as its memory was measured: each weight port gets at most what one channel sustains
// (the *-sustained preset), and the board's bound shrinks by sustained / nominal. The port limit
// of the board (e.g. the KV260's 4 GB/s HP ports) stays where it is lower.
BoardConfig sustained_board(BoardConfig board) {
#if MMFREE_BACKEND_SIM
  const double clock = board.kernel_clock_hz();
  const double nominal = sim::memory_timing_preset(memory_preset(board, "nominal"), clock).bytes_per_cycle;
  const double sustained = sim::memory_timing_preset(memory_preset(board, "sustained"), clock).bytes_per_cycle;
  board.memory_bandwidth_gbps *= sustained / nominal;
  board.weight_port_bandwidth_gbps = std::min(board.weight_port_bandwidth_gbps, sustained * clock / 1e9);
#endif
  return board;
}

std::unique_ptr<device::Device> open_board_simulation(const BoardConfig& board, const std::string& memory,
                                                      uint64_t max_cycles) {
#if MMFREE_BACKEND_SIM
  sim::SimDeviceOptions options;
  options.max_cycles_per_command = max_cycles;
  options.timing = sim::memory_timing_preset(memory_preset(board, memory), board.kernel_clock_hz());
  options.timing.name = board.name + " (" + options.timing.name + " latency, port channel bandwidth" +
                        (memory == "sustained" ? " as measured" : "") + ")";
  options.timing.bytes_per_cycle = board.weight_port_bandwidth_gbps * 1e9 / board.kernel_clock_hz();
  return sim::open_sim_kernel(options);
#else
  (void)board;
  (void)memory;
  (void)max_cycles;
  throw UsageError("--shape/--board project from the RTL simulation, and this build has none (MMFREE_BUILD_SIM=OFF)");
#endif
}

// One simulation of `model` on the board's memory timing: a decode token and, when the board
// has another port count than the simulated kernel, a self-test pass for the streaming part.
struct Simulated {
  ModelConfig config;
  mmf::WeightEncoding encoding = mmf::WeightEncoding::TwoBit;
  measure::WeightPassResult pass;
  uint64_t stream_cycles = 0;
};

Simulated simulate(const std::string& shape_name, const Model& model, const ModelConfig& full,
                   const BoardConfig& board, const std::string& memory, double timeout_seconds, unsigned lanes) {
  Simulated out;
  out.config = model.config();
  out.encoding = model.weight_encoding();
  std::fprintf(stderr, "bench: simulating %s (%u of %u layers + LM head) on %s timing...\n", shape_name.c_str(),
               out.config.num_layers, full.num_layers, board.name.c_str());
  // The simulated kernel has at least one port; the budget assumes one (the most cycles).
  const uint64_t budget = cycle_budget(board, out.config, 1);
  const auto open = [&] { return open_board_simulation(board, memory, budget); };
  out.pass = measure::run_weight_pass(model, open, timeout_seconds, lanes);
  std::fprintf(stderr, "bench: %s: %llu cycles, simulated in %.1f s on this host\n", board.name.c_str(),
               static_cast<unsigned long long>(out.pass.cycles), out.pass.host_seconds);
  const uint64_t streamed = measure::counter_totals(out.pass.counters).weight_bytes;
  const uint64_t needed = measure::weight_bytes_per_token(out.config, out.encoding, out.pass.weight_ports);
  if (streamed != needed)
    throw DeviceError("sim: the kernel streamed " + std::to_string(streamed) + " weight bytes, not the " +
                      std::to_string(needed) + " a token of this model needs");
  if (out.pass.weight_ports != board.weight_ports && out.pass.decode_token) {
    std::fprintf(stderr, "bench: %s: the weight-streaming part alone (self-test pass)...\n", board.name.c_str());
    out.stream_cycles = measure::run_selftest_pass(model, open, timeout_seconds).cycles;
  }
  return out;
}

// b + k (b - a): carries a per-layer difference to k more layers.
double extend(double a, double b, double k) { return b + k * (b - a); }

// The row of one board from one simulated model (b) or two that differ by one layer (a, b):
// with two, the cycles and counters of the missing layers are the per-layer difference b - a.
Row make_row(const std::string& shape_name, const ModelConfig& full, const BoardConfig& board,
             const std::string& memory, const Simulated* a, const Simulated& b, uint32_t prompt_tokens) {
  Row row;
  row.shape = shape_name;
  row.memory = memory;
  row.board = board;
  row.simulated = b.config;
  row.pass = b.pass;
  row.stream_cycles = b.stream_cycles;
  row.simulated_weight_bytes = measure::weight_bytes_per_token(b.config, b.encoding, b.pass.weight_ports);
  row.full_weight_bytes = measure::weight_bytes_per_token(full, b.encoding, board.weight_ports);
  row.encoding = b.encoding;
  const double missing_layers = double(full.num_layers) - double(b.config.num_layers);
  // Streaming alone scales with the bytes streamed.
  const double stream = double(b.stream_cycles) * double(row.full_weight_bytes) / double(row.simulated_weight_bytes);
  const double port_scale = double(b.pass.weight_ports) / double(board.weight_ports);
  // A pass's cycles carried to the whole model and the board's ports (the same steps for the
  // decode pass and the prefill pass).
  const auto carry_pass = [&](double cycles_a, double cycles_b) {
    const double pass = a ? extend(cycles_a, cycles_b, missing_layers) : cycles_b;
    if (b.stream_cycles != 0) return stream * port_scale + std::max(0.0, pass - stream);
    return pass * port_scale;
  };
  const double cycles = carry_pass(a ? double(a->pass.cycles) : 0, double(b.pass.cycles));
  row.scale = cycles / double(b.pass.cycles);
  row.projection = measure::project(board, row.full_weight_bytes, cycles);
  row.chain_cycles = carry_pass(a ? double(a->pass.chain_cycles) : 0, double(b.pass.chain_cycles));
  row.batch = measure::project_batch(board, cycles, row.chain_cycles, b.pass.lanes, prompt_tokens);

  std::ostringstream label;
  label << "projected from simulation (" << b.pass.what << "; " << b.pass.device << ")";
  if (a)
    label << "; extrapolated from models of " << a->config.num_layers << " and " << b.config.num_layers << " of "
          << full.num_layers << " layers (+ LM head): the missing layers cost their difference, "
          << (b.pass.cycles - a->pass.cycles) << " cycles each";
  if (b.stream_cycles != 0)
    label << "; scaled from the " << b.pass.weight_ports << " simulated weight ports to the board's "
          << board.weight_ports << ": the weight-streaming cycles (self-test pass, " << b.stream_cycles
          << " cycles, in proportion to weight bytes) by " << b.pass.weight_ports << "/" << board.weight_ports
          << ", the rest of the token kept";
  else if (b.pass.weight_ports != board.weight_ports)
    label << "; scaled from the " << b.pass.weight_ports << " simulated weight ports to the board's "
          << board.weight_ports;
  else
    label << "; simulated with the board's " << board.weight_ports << " weight ports, cycles not scaled";
  if (b.pass.lanes > 1)
    label << "; " << b.pass.lanes << " lanes: a decode pass advances " << b.pass.lanes
          << " sequences (aggregate t/s = lanes x per-sequence t/s), a prefill pass (simulated too: "
          << b.pass.chain_cycles << " cycles) reads " << b.pass.lanes << " prompt tokens";
  if (memory == "sustained")
    label << "; memory as measured (Shuhai, sim/src/memory_timing.cpp): " << board.memory_bandwidth_gbps
          << " GB/s board bound, " << board.weight_port_bandwidth_gbps << " GB/s per weight port";
  row.label = label.str();

  row.coefficients = measure::energy_coefficients(board);
  const auto tb = measure::counter_totals(b.pass.counters);
  const auto ta = a ? measure::counter_totals(a->pass.counters) : tb;
  const auto carry = [&](uint64_t va, uint64_t vb) {
    return a ? uint64_t(extend(double(va), double(vb), missing_layers)) : vb;
  };
  // A decode pass serves `lanes` tokens: its energy, weights included, is shared among them.
  const uint64_t lanes = b.pass.lanes;
  measure::CounterTotals per_token = tb;
  per_token.weight_bytes = row.full_weight_bytes / lanes;
  per_token.ternary_ops = carry(ta.ternary_ops, tb.ternary_ops) / lanes;
  per_token.gmem_read_bytes = carry(ta.gmem_read_bytes, tb.gmem_read_bytes) / lanes;
  per_token.gmem_write_bytes = carry(ta.gmem_write_bytes, tb.gmem_write_bytes) / lanes;
  row.energy = measure::estimate_energy(per_token, cycles / board.kernel_clock_hz() / double(lanes), row.coefficients);
  return row;
}

}  // namespace

std::vector<std::string> parse_name_list(const std::string& list, const std::vector<std::string>& known,
                                         const std::string& flag) {
  if (list == "all") return known;
  std::vector<std::string> names;
  std::stringstream in(list);
  for (std::string name; std::getline(in, name, ',');) {
    bool found = false;
    for (const auto& k : known) found = found || k == name;
    if (!found) {
      std::string all;
      for (const auto& k : known) all += (all.empty() ? "" : ", ") + k;
      throw UsageError(flag + ": unknown name '" + name + "' (known: " + all + ", or all)");
    }
    names.push_back(name);
  }
  if (names.empty()) throw UsageError(flag + ": no names given");
  return names;
}

int plot_from_json(const std::vector<std::string>& json_files, const std::string& svg_file) {
  std::vector<measure::RooflinePoint> points;
  for (const auto& file : json_files) {
    std::ifstream in(file);
    if (!in) throw UsageError("--points: cannot read " + file);
    const nlohmann::json rows = nlohmann::json::parse(in, nullptr, false);
    if (rows.is_discarded() || !rows.is_array()) throw UsageError("--points: " + file + " is not a JSON array");
    for (const auto& row : rows) {
      // Checked by type and sign as well: a string where a rate belongs would otherwise surface
      // as the JSON library's type error, naming neither the flag nor the file.
      const auto text = [&](const char* key) { return row.contains(key) && row[key].is_string(); };
      const auto positive = [&](const char* key) {
        return row.contains(key) && row[key].is_number() && row[key].get<double>() > 0.0;
      };
      if (!row.is_object() || !text("board") || !text("model") || !text("label") ||
          !positive("weight_bytes_per_token") || !positive("tokens_per_second"))
        throw UsageError("--points: " + file + " has a row that is not from `mmfree bench --shape ... --json`");
      points.push_back({row["board"].get<std::string>(), row["model"].get<std::string>(),
                        row["weight_bytes_per_token"].get<double>(), row["tokens_per_second"].get<double>(),
                        row["label"].get<std::string>()});
    }
  }
  std::vector<BoardConfig> all_boards;
  for (const auto& name : measure::board_names()) all_boards.push_back(measure::load_board(name));
  measure::write_roofline_svg(svg_file, all_boards, points);
  std::fprintf(stderr, "bench: roofline picture of %zu points written to %s\n", points.size(), svg_file.c_str());
  return 0;
}

int run_projection(const ProjectionRequest& request) {
  std::vector<BoardConfig> boards;
  if (request.memory != "nominal" && request.memory != "sustained" && request.memory != "both")
    throw UsageError("--memory with --shape: nominal, sustained or both (got '" + request.memory + "')");
  std::vector<std::string> memories;  // per entry of boards
  for (const auto& name : request.boards) {
    const BoardConfig board = measure::load_board(name);
    if (request.memory != "sustained") {
      boards.push_back(board);
      memories.push_back("nominal");
    }
    if (request.memory != "nominal") {
      boards.push_back(sustained_board(board));
      memories.push_back("sustained");
    }
  }
  std::vector<Row> rows;
  for (const auto& shape_name : request.shapes) {
    const ModelConfig full = measure::released_shape(shape_name).config;
    // --layers N < L: models of N and N + 1 layers, so that the cost of one more layer is
    // simulated, not assumed. One model is held at a time.
    const bool two = request.layers != 0 && request.layers + 1 < full.num_layers;
    std::vector<unsigned> layer_counts;
    if (two) layer_counts = {request.layers, request.layers + 1};
    else layer_counts = {full.num_layers};
    std::vector<std::vector<Simulated>> runs;  // [model][board]
    for (unsigned layers : layer_counts) {
      ModelConfig simulated = full;
      simulated.num_layers = layers;
      std::fprintf(stderr, "bench: building a synthetic %s model (d=%u, layers=%u, I=%u, V=%u, random ternary weights)\n",
                   shape_name.c_str(), simulated.hidden_size, simulated.num_layers, simulated.intermediate_size,
                   simulated.vocab_size);
      const Model model = measure::make_synthetic_model(simulated, 1, request.encoding);
      runs.emplace_back();
      for (std::size_t k = 0; k < boards.size(); ++k)
        runs.back().push_back(
            simulate(shape_name, model, full, boards[k], memories[k], request.timeout_seconds, request.lanes));
    }
    for (std::size_t k = 0; k < boards.size(); ++k)
      rows.push_back(make_row(shape_name, full, boards[k], memories[k], two ? &runs[0][k] : nullptr, runs.back()[k],
                              request.prompt_tokens));
  }
  if (request.json)
    measure::print_projection_json(rows, request.energy);
  else
    measure::print_projection_table(rows, request.energy);
  if (!request.plot_file.empty()) {
    std::vector<BoardConfig> all_boards;
    for (const auto& name : measure::board_names()) all_boards.push_back(measure::load_board(name));
    std::vector<measure::RooflinePoint> points;
    for (const auto& r : rows)
      points.push_back({r.board.name, r.shape, double(r.full_weight_bytes), r.projection.tokens_per_second, r.label});
    measure::write_roofline_svg(request.plot_file, all_boards, points);
    std::fprintf(stderr, "bench: roofline picture written to %s\n", request.plot_file.c_str());
  }
  return 0;
}

}  // namespace mmfree::cli
