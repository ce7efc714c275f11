// Continuous batching over one or more devices. A request is dealt at arrival to the device
// with the least work for its slots (ties in turn) and waits in that device's FIFO queue; each
// device has a thread that admits requests into its free slots as they come and, every pass, calls
// Engine::decode once with every running sequence: a part of each prompt still being read (at
// most --prefill-chunk tokens per pass in all, oldest first, so a long prompt does not stall
// the sequences that are decoding) and one token of each decoding sequence. A sequence leaves
// as soon as it is done or its client has gone. Every running sequence advances every pass and
// every queue is served in arrival order, so no request starves; a device with free slots and
// nothing of its own queued takes over requests that have waited elsewhere for kStealAfter.
//
// A device whose decode() throws fails the requests it was running (an error response each),
// is taken out of service, and the others keep serving; with none left, the server refuses
// requests with 503.
#pragma once

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mmfree/model.hpp"
#include "mmfree/tokenizer/tokenizer.hpp"
#include "serve/device_pool.hpp"
#include "serve/generation.hpp"
#include "serve/metrics.hpp"
#include "serve/serve_options.hpp"

namespace mmfree::serve {

class Scheduler {
 public:
  // Opens one engine per device, each on its own thread; returns when all are loaded. Throws
  // (UsageError, DeviceError, ModelError) when a device cannot be opened.
  Scheduler(const Model& model, const Tokenizer& tokenizer, const ServeOptions& options, Metrics& metrics);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Queues a request. ApiError 429 when the queue is full, 503 when no device is in service
  // or the server is shutting down.
  std::shared_ptr<Generation> submit(GenerationRequest request);

  // Stops admitting new requests (they get 503); queued and running ones go on.
  void stop_accepting();
  // Whether nothing is queued or running.
  bool idle();
  // Fails everything queued or running with 503 and stops the device threads.
  void shutdown();

  bool ready();  // accepting, and at least one device in service
  SchedulerGauges gauges();
  std::vector<const DeviceHealth*> devices() const;

 private:
  struct Worker {
    DeviceHealth health;
    BackendOptions options;
    std::thread thread;
    std::deque<std::shared_ptr<Generation>> queue;  // under mutex_
    std::size_t admitted = 0;                       // running sequences, under mutex_
  };

  void run_device(Worker& worker, std::promise<void> opened);
  // Fails the queue with `error` (no device left, or shutting down). Holds mutex_.
  void fail_queue_locked(const ApiError& error);
  unsigned devices_up_locked() const;
  // The device in service with the least work per slot (ties in turn); null when none is up.
  Worker* pick_device_locked();
  std::size_t queued_locked() const;

  const Model& model_;
  const Tokenizer& tokenizer_;
  const ServeOptions options_;
  Metrics& metrics_;
  std::vector<std::unique_ptr<Worker>> workers_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::size_t next_device_ = 0;  // where the next tie goes
  uint64_t serial_ = 0;
  bool accepting_ = true;
  bool stopping_ = false;
};

}  // namespace mmfree::serve
