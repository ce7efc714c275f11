// `mmfree serve` as a whole: opens the devices, listens, accepts connections on a few network
// threads, and shuts down gracefully on SIGTERM or SIGINT (stop accepting, let what is queued
// and running finish within the grace period, fail the rest, exit 0).
#pragma once

#include <functional>
#include <string>

#include "mmfree/model.hpp"
#include "serve/serve_options.hpp"

namespace mmfree::serve {

// Runs the server until it is told to stop; returns the process's exit status (0). Throws
// UsageError for options that cannot work (an address that does not parse or cannot be bound)
// and whatever opening a device throws. `on_listening` gets the address and port bound (a port
// of 0 picks a free one).
int run_server(const Model& model, ServeOptions options, const std::function<void(const std::string&, uint16_t)>& on_listening);

}  // namespace mmfree::serve
