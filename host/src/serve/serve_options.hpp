// Everything `mmfree serve` is configured with: where it listens, its limits and timeouts,
// the devices and how the scheduler shares them. docs/serving.md describes each field through
// its flag.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mmfree/backend.hpp"
#include "mmfree/measure/board.hpp"
#include <optional>

namespace mmfree::serve {

struct RequestLimits {
  uint32_t max_prompt_tokens = 4096;   // longer prompts: 400 naming the limit
  uint32_t max_tokens = 1024;          // the largest max_tokens a request may ask for
  uint32_t default_max_tokens = 16;    // completions without max_tokens (OpenAI's default)
};

struct ServeOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;
  std::string model_path;
  std::string model_id;                   // the model's name in requests and /v1/models
  std::vector<std::string> devices;       // "golden:0", "sim:1", "xrt:0", ...
  BackendOptions backend_options;         // the engine flags given, each device takes its own
  std::string api_key;                    // empty: no authentication
  RequestLimits limits;
  std::size_t max_body_bytes = 1 << 20;   // larger bodies: 413
  std::size_t max_queue = 64;             // requests waiting for a slot; more: 429
  unsigned slots_per_device = 16;         // sequences a device decodes at once (<= its state slots)
  unsigned prefill_chunk = 64;            // prompt tokens per sequence per pass, so decoders keep going
  unsigned http_threads = 2;
  std::chrono::milliseconds read_timeout{10000};   // to receive a whole request
  std::chrono::milliseconds idle_timeout{30000};   // a kept-alive connection without a request
  std::chrono::milliseconds write_timeout{30000};  // a client that does not read its response
  std::chrono::milliseconds shutdown_grace{30000}; // SIGTERM: in-flight requests get this long
  // --energy-board: estimate each device's energy from its counters as if it were this board
  // (docs/energy.md), at the board's kernel clock. Devices without counters have no estimate.
  std::optional<measure::BoardConfig> energy_board;
};

}  // namespace mmfree::serve
