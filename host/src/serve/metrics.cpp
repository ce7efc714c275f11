#include "serve/metrics.hpp"

#include <cstdio>
#include <sstream>

namespace mmfree::serve {
namespace {

// The window of the recent output rate: long enough to smooth over passes, short enough to
// show a stalled server as one.
constexpr std::chrono::seconds kRateWindow{10};

// A label value with Prometheus' escapes (backslash, quote, newline).
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

void Metrics::count_response(const std::string& endpoint, unsigned status) {
  std::lock_guard lock(mutex_);
  ++responses_[{endpoint, status}];
}

void Metrics::count_finish(const std::string& reason) {
  std::lock_guard lock(mutex_);
  ++finishes_[reason];
}

void Metrics::add_generated_tokens(uint64_t n) {
  generated_tokens_ += n;
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  recent_.emplace_back(now, n);
  while (!recent_.empty() && now - recent_.front().first > kRateWindow) recent_.pop_front();
}

void Metrics::observe_time_to_first_token(double seconds) {
  std::lock_guard lock(mutex_);
  ttft_sum_ += seconds;
  ++ttft_count_;
}

double Metrics::recent_tokens_per_second() {
  const auto now = Clock::now();
  while (!recent_.empty() && now - recent_.front().first > kRateWindow) recent_.pop_front();
  uint64_t tokens = 0;
  for (const auto& [when, n] : recent_) tokens += n;
  const double window = std::min(std::chrono::duration<double>(kRateWindow).count(),
                                 std::chrono::duration<double>(now - started_).count());
  return window > 0 ? double(tokens) / window : 0.0;
}

std::string Metrics::render(const std::vector<const DeviceHealth*>& devices, const SchedulerGauges& gauges,
                            const std::string& energy_board) {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  header(out, "mmfree_http_responses_total", "counter", "HTTP responses by endpoint and status");
  for (const auto& [key, n] : responses_)
    out << "mmfree_http_responses_total{endpoint=\"" << label(key.first) << "\",status=\"" << key.second << "\"} " << n << '\n';
  header(out, "mmfree_requests_finished_total", "counter", "generations ended, by reason (stop, length, error, cancelled)");
  for (const char* reason : {"stop", "length", "error", "cancelled"}) {
    const auto found = finishes_.find(reason);
    out << "mmfree_requests_finished_total{reason=\"" << reason << "\"} " << (found == finishes_.end() ? 0 : found->second) << '\n';
  }
  header(out, "mmfree_requests_rejected_queue_full_total", "counter", "requests refused with 429 because the queue was full");
  out << "mmfree_requests_rejected_queue_full_total " << queue_full_.load() << '\n';
  header(out, "mmfree_prompt_tokens_total", "counter", "prompt tokens of admitted requests");
  out << "mmfree_prompt_tokens_total " << prompt_tokens_.load() << '\n';
  header(out, "mmfree_generation_tokens_total", "counter", "tokens generated");
  out << "mmfree_generation_tokens_total " << generated_tokens_.load() << '\n';
  header(out, "mmfree_generation_tokens_per_second", "gauge", "tokens generated per second over the last 10 s");
  out << "mmfree_generation_tokens_per_second " << recent_tokens_per_second() << '\n';
  header(out, "mmfree_time_to_first_token_seconds", "summary", "from a request's arrival to its first generated token");
  out << "mmfree_time_to_first_token_seconds_sum " << ttft_sum_ << "\nmmfree_time_to_first_token_seconds_count " << ttft_count_ << '\n';
  header(out, "mmfree_queue_length", "gauge", "requests waiting for a slot");
  out << "mmfree_queue_length " << gauges.queue_length << '\n';
  unsigned busy = 0, slots = 0, up = 0;
  for (const auto* d : devices) {
    busy += d->busy.load();
    if (d->up.load()) {
      slots += d->slots.load();
      ++up;
    }
  }
  header(out, "mmfree_slots_busy", "gauge", "sequences being decoded, over every device");
  out << "mmfree_slots_busy " << busy << '\n';
  header(out, "mmfree_slots_total", "gauge", "sequence slots of the devices in service");
  out << "mmfree_slots_total " << slots << '\n';
  header(out, "mmfree_devices_up", "gauge", "devices in service");
  out << "mmfree_devices_up " << up << '\n';
  header(out, "mmfree_accepting_requests", "gauge", "1 unless the server is shutting down");
  out << "mmfree_accepting_requests " << (gauges.accepting ? 1 : 0) << '\n';

  const auto per_device = [&](const char* name, const char* type, const char* help, auto value) {
    header(out, name, type, help);
    for (const auto* d : devices) out << name << "{device=\"" << label(d->spec.name) << "\"} " << value(*d) << '\n';
  };
  per_device("mmfree_device_up", "gauge", "1 while the device is in service, 0 after it failed",
             [](const DeviceHealth& d) { return d.up.load() ? 1 : 0; });
  per_device("mmfree_device_slots_busy", "gauge", "sequences being decoded on the device", [](const DeviceHealth& d) { return d.busy.load(); });
  per_device("mmfree_device_slots", "gauge", "sequences the device decodes at once", [](const DeviceHealth& d) { return d.slots.load(); });
  per_device("mmfree_device_passes_total", "counter", "decode calls (each serves every running sequence)",
             [](const DeviceHealth& d) { return d.passes.load(); });
  per_device("mmfree_device_largest_batch", "gauge", "the most sequences one pass of the device has served",
             [](const DeviceHealth& d) { return d.largest_batch.load(); });
  per_device("mmfree_device_tokens_total", "counter", "tokens fed to the device (prompt and generated)",
             [](const DeviceHealth& d) { return d.tokens.load(); });
  per_device("mmfree_device_generated_tokens_total", "counter", "tokens generated on the device",
             [](const DeviceHealth& d) { return d.generated.load(); });
  per_device("mmfree_device_failures_total", "counter", "failures that took the device out of service",
             [](const DeviceHealth& d) { return d.failures.load(); });
  per_device("mmfree_device_kernel_cycles_total", "counter",
             "kernel clock cycles of the device's start commands (simulated on sim, counted on xrt, 0 on CPU backends)",
             [](const DeviceHealth& d) { return d.cycles.load(); });
  header(out, "mmfree_device_kernel_cycles_by_cause_total", "counter", "the kernel's cycles by cause (docs/device.md)");
  for (const auto* d : devices) {
    const std::pair<const char*, uint64_t> causes[] = {{"streaming", d->cause_streaming.load()},
                                                       {"weight_memory", d->cause_weight_memory.load()},
                                                       {"element_wise", d->cause_element_wise.load()},
                                                       {"control", d->cause_control.load()}};
    for (const auto& [cause, n] : causes)
      out << "mmfree_device_kernel_cycles_by_cause_total{device=\"" << label(d->spec.name) << "\",cause=\"" << cause << "\"} " << n << '\n';
  }
  if (!energy_board.empty()) {
    header(out, "mmfree_device_estimated_joules_total", "counter",
           "energy of the device's commands ESTIMATED from its counters as on the --energy-board board (docs/energy.md)");
    for (const auto* d : devices)
      out << "mmfree_device_estimated_joules_total{device=\"" << label(d->spec.name) << "\",board=\"" << label(energy_board) << "\"} "
          << d->estimated_joules.load() << '\n';
    header(out, "mmfree_device_estimated_joules_per_token", "gauge", "the estimate above per token fed to the device");
    for (const auto* d : devices) {
      const uint64_t tokens = d->counted_tokens.load();
      out << "mmfree_device_estimated_joules_per_token{device=\"" << label(d->spec.name) << "\",board=\"" << label(energy_board) << "\"} "
          << (tokens ? d->estimated_joules.load() / double(tokens) : 0.0) << '\n';
    }
  }
  header(out, "mmfree_device_info", "gauge", "1 per device; failure says why a device left service");
  for (const auto* d : devices)
    out << "mmfree_device_info{device=\"" << label(d->spec.name) << "\",backend=\"" << label(d->spec.backend) << "\",failure=\""
        << label(d->failure().substr(0, d->failure().find('\n'))) << "\"} 1\n";
  return out.str();
}

}  // namespace mmfree::serve
