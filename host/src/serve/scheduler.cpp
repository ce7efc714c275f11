#include "serve/scheduler.hpp"

#include <algorithm>
#include <exception>

#include "mmfree/backends.hpp"
#include "mmfree/device/cycle_breakdown.hpp"
#include "mmfree/error.hpp"
#include "mmfree/measure/energy_model.hpp"
#include "serve/api_error.hpp"
#include "serve/sequence_run.hpp"

namespace mmfree::serve {
namespace {

// How long a request waits at a busy device before an idle one takes it over: long next to a
// pass on a device that is keeping up, short next to a generation.
constexpr std::chrono::milliseconds kStealAfter{50};

ApiError client_gone() { return ApiError(499, "the client closed the connection", "invalid_request_error"); }

}  // namespace

Scheduler::Scheduler(const Model& model, const Tokenizer& tokenizer, const ServeOptions& options, Metrics& metrics)
    : model_(model), tokenizer_(tokenizer), options_(options), metrics_(metrics) {
  const auto specs = parse_devices(options.devices);
  for (const auto& spec : specs) {
    auto worker = std::make_unique<Worker>();
    worker->health.spec = spec;
    worker->options = device_options(spec, specs, options.backend_options);
    workers_.push_back(std::move(worker));
  }
  // Each engine is made on the thread that drives it (a device is not thread-safe, and a
  // Verilated model is best kept on one thread); all load at once.
  std::vector<std::future<void>> opened;
  for (auto& worker : workers_) {
    std::promise<void> promise;
    opened.push_back(promise.get_future());
    worker->thread = std::thread([this, w = worker.get(), p = std::move(promise)]() mutable { run_device(*w, std::move(p)); });
  }
  std::exception_ptr first_error;
  for (auto& f : opened) {
    try {
      f.get();
    } catch (...) {
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) {
    shutdown();
    std::rethrow_exception(first_error);
  }
}

Scheduler::~Scheduler() { shutdown(); }

std::vector<const DeviceHealth*> Scheduler::devices() const {
  std::vector<const DeviceHealth*> out;
  for (const auto& w : workers_) out.push_back(&w->health);
  return out;
}

unsigned Scheduler::devices_up_locked() const {
  unsigned up = 0;
  for (const auto& w : workers_) up += w->health.up.load() ? 1 : 0;
  return up;
}

std::size_t Scheduler::queued_locked() const {
  std::size_t n = 0;
  for (const auto& w : workers_) n += w->queue.size();
  return n;
}

Scheduler::Worker* Scheduler::pick_device_locked() {
  Worker* best = nullptr;
  double best_load = 0;
  for (std::size_t k = 0; k < workers_.size(); ++k) {
    const std::size_t i = (next_device_ + k) % workers_.size();
    Worker& w = *workers_[i];
    if (!w.health.up.load()) continue;
    const double load = double(w.admitted + w.queue.size()) / double(std::max(1u, w.health.slots.load()));
    if (best == nullptr || load < best_load) {
      best = &w;
      best_load = load;
    }
  }
  if (best != nullptr)
    for (std::size_t i = 0; i < workers_.size(); ++i)
      if (workers_[i].get() == best) next_device_ = i + 1;
  return best;
}

std::shared_ptr<Generation> Scheduler::submit(GenerationRequest request) {
  std::shared_ptr<Generation> generation;
  {
    std::lock_guard lock(mutex_);
    if (!accepting_) throw unavailable("the server is shutting down");
    Worker* device = pick_device_locked();
    if (device == nullptr) throw unavailable("no device is in service (see /ready and /metrics)");
    // Requests beyond the free slots wait; more than max_queue waiting are refused.
    std::size_t free_slots = 0;
    for (const auto& w : workers_)
      if (w->health.up.load()) free_slots += w->health.slots.load() - std::min<std::size_t>(w->health.slots.load(), w->admitted + w->queue.size());
    if (free_slots == 0 && queued_locked() >= options_.max_queue) {
      metrics_.count_rejected_queue_full();
      throw too_many_requests("the queue is full (" + std::to_string(options_.max_queue) +
                              " requests waiting); retry later");
    }
    generation = std::make_shared<Generation>(std::move(request), ++serial_);
    device->queue.push_back(generation);
  }
  wake_.notify_all();
  return generation;
}

void Scheduler::stop_accepting() {
  std::lock_guard lock(mutex_);
  accepting_ = false;
}

bool Scheduler::idle() {
  std::lock_guard lock(mutex_);
  std::size_t running = 0;
  for (const auto& w : workers_) running += w->admitted;
  return queued_locked() == 0 && running == 0;
}

bool Scheduler::ready() {
  std::lock_guard lock(mutex_);
  return accepting_ && devices_up_locked() > 0;
}

SchedulerGauges Scheduler::gauges() {
  std::lock_guard lock(mutex_);
  std::size_t running = 0;
  for (const auto& w : workers_) running += w->admitted;
  return {queued_locked(), running, accepting_};
}

void Scheduler::fail_queue_locked(const ApiError& error) {
  for (auto& w : workers_) {
    for (auto& g : w->queue) {
      g->fail(error);
      metrics_.count_finish("error");
    }
    w->queue.clear();
  }
}

void Scheduler::shutdown() {
  {
    std::lock_guard lock(mutex_);
    accepting_ = false;
    stopping_ = true;
    fail_queue_locked(unavailable("the server is shutting down"));
  }
  wake_.notify_all();
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

void Scheduler::run_device(Worker& worker, std::promise<void> opened) {
  DeviceHealth& health = worker.health;
  std::unique_ptr<Engine> engine;
  try {
    engine = make_engine(health.spec.backend, model_, worker.options);
    health.slots = std::max(1u, std::min(options_.slots_per_device, engine->max_sequences()));
    health.up = true;
    opened.set_value();
  } catch (const std::exception& e) {
    health.set_failure(e.what());
    opened.set_exception(std::current_exception());
    return;
  }
  const unsigned slots = health.slots;
  // Device backends count cycles; reading the counters costs register reads per command,
  // which only a device that has them pays.
  const Counters counters = health.spec.backend == "reference" || health.spec.backend == "golden" ? Counters::Skip : Counters::Read;
  std::vector<std::unique_ptr<SequenceRun>> running;

  const auto release = [&](std::size_t i, const char* reason) {
    try {
      engine->close_sequence(running[i]->sequence());
    } catch (const std::exception&) {
      // A device that failed may not close cleanly; it is out of service anyway.
    }
    if (reason != nullptr) metrics_.count_finish(reason);
    running.erase(running.begin() + std::ptrdiff_t(i));
    health.busy = unsigned(running.size());
    std::lock_guard lock(mutex_);
    --worker.admitted;
  };

  for (;;) {
    // Admit: requests from this device's queue into its free slots; with none of its own,
    // requests that have waited too long at another device.
    std::vector<std::shared_ptr<Generation>> admitted;
    {
      std::unique_lock lock(mutex_);
      const auto others_waiting = [&] {
        for (const auto& w : workers_)
          if (w.get() != &worker && !w->queue.empty()) return true;
        return false;
      };
      while (!stopping_ && running.empty() && worker.queue.empty()) {
        if (others_waiting())
          wake_.wait_for(lock, kStealAfter);
        else
          wake_.wait(lock);
        if (others_waiting() && worker.queue.empty()) break;
      }
      if (stopping_) break;
      const auto take = [&](std::deque<std::shared_ptr<Generation>>& queue) {
        auto g = std::move(queue.front());
        queue.pop_front();
        if (g->cancelled()) {
          g->fail(client_gone());
          metrics_.count_finish("cancelled");
          return;
        }
        admitted.push_back(std::move(g));
        ++worker.admitted;
      };
      while (!worker.queue.empty() && running.size() + admitted.size() < slots) take(worker.queue);
      const auto now = Generation::Clock::now();
      for (auto& other : workers_) {
        if (other.get() == &worker) continue;
        while (!other->queue.empty() && running.size() + admitted.size() < slots && worker.queue.empty() &&
               now - other->queue.front()->arrived() >= kStealAfter)
          take(other->queue);
      }
    }
    for (auto& g : admitted) {
      try {
        running.push_back(std::make_unique<SequenceRun>(g, engine->open_sequence(), tokenizer_));
        metrics_.add_prompt_tokens(g->request().prompt.size());
      } catch (const std::exception& e) {
        g->fail(server_error(std::string("could not start the request on ") + health.spec.name + ": " + e.what()));
        metrics_.count_finish("error");
        std::lock_guard lock(mutex_);
        --worker.admitted;
      }
    }
    health.busy = unsigned(running.size());

    // Sequences that are over (a zero-token request) or whose client has gone leave now.
    for (std::size_t i = running.size(); i-- > 0;) {
      if (running[i]->done()) {
        release(i, finish_reason_name(running[i]->reason()));
      } else if (running[i]->generation().cancelled()) {
        running[i]->generation().fail(client_gone());
        release(i, "cancelled");
      }
    }
    if (running.empty()) continue;

    // One pass: every running sequence's input, prompts sharing the prefill budget oldest first.
    unsigned budget = options_.prefill_chunk;
    std::vector<SequenceInput> batch;
    std::vector<SequenceRun*> members;
    uint64_t fed = 0;
    for (auto& run : running)
      if (auto input = run->next_input(budget)) {
        batch.push_back(*input);
        members.push_back(run.get());
        fed += input->tokens.size();
      }
    DecodeResult result;
    try {
      result = engine->decode(batch, counters);
    } catch (const std::exception& e) {
      // The device is in an unknown state: its requests fail, it leaves service for good.
      const std::string why = e.what();
      health.up = false;
      ++health.failures;
      health.set_failure(why);
      const ApiError error = server_error("device " + health.spec.name + " failed and was taken out of service: " + why);
      health.busy = 0;
      health.slots = 0;
      for (auto& run : running) {
        metrics_.count_finish("error");
        run->generation().fail(error);
      }
      {
        std::lock_guard lock(mutex_);
        worker.admitted = 0;
        // What waited here goes to the devices still in service.
        auto waiting = std::move(worker.queue);
        worker.queue.clear();
        for (auto& g : waiting) {
          if (Worker* other = pick_device_locked()) {
            other->queue.push_back(std::move(g));
          } else {
            g->fail(unavailable("every device has failed: the last, " + health.spec.name + ": " + why));
            metrics_.count_finish("error");
          }
        }
      }
      running.clear();
      wake_.notify_all();  // the other devices take over the queue
      return;
    }
    ++health.passes;
    if (batch.size() > health.largest_batch) health.largest_batch = unsigned(batch.size());
    health.tokens += fed;
    if (!result.counters.empty()) {
      const auto cycles = device::cycle_breakdown(result.counters);
      health.cycles += cycles.cycles;
      health.cause_streaming += cycles.streaming;
      health.cause_weight_memory += cycles.weight_memory;
      health.cause_element_wise += cycles.element_wise;
      health.cause_control += cycles.control;
      health.counted_tokens += fed;
      if (options_.energy_board && cycles.cycles > 0) {
        const auto& board = *options_.energy_board;
        const auto estimate = measure::estimate_energy(measure::counter_totals(result.counters), double(cycles.cycles) / board.kernel_clock_hz(),
                                                       measure::energy_coefficients(board));
        health.estimated_joules += estimate.total_joules;
      }
    }
    uint64_t generated = 0;
    for (std::size_t i = 0; i < members.size(); ++i) {
      SequenceRun& run = *members[i];
      const bool first = !run.first_token_time();
      generated += run.consume(result.outputs[i]);
      if (first && run.first_token_time())
        metrics_.observe_time_to_first_token(std::chrono::duration<double>(*run.first_token_time() - run.generation().arrived()).count());
    }
    health.generated += generated;
    if (generated > 0) metrics_.add_generated_tokens(generated);
    for (std::size_t i = running.size(); i-- > 0;)
      if (running[i]->done()) release(i, finish_reason_name(running[i]->reason()));
  }

  // Shutting down: whatever still runs here fails.
  for (auto& run : running) {
    run->generation().fail(unavailable("the server is shutting down"));
    metrics_.count_finish("error");
  }
  std::lock_guard lock(mutex_);
  worker.admitted = 0;
}

}  // namespace mmfree::serve
