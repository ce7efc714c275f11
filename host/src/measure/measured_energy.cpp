#include "mmfree/measure/measured_energy.hpp"

#include <chrono>

#include "mmfree/error.hpp"
#include "mmfree/sequence.hpp"

namespace mmfree::measure {

MeasuredEnergy measure_decode_energy(Engine& engine, uint32_t first_token, PowerSampler& sampler,
                                     double idle_seconds, double min_seconds, uint32_t restart_every) {
  if (!(min_seconds > 0) || !(idle_seconds > 0)) throw UsageError("energy measurement: windows must be > 0 s");
  if (restart_every == 0) throw UsageError("energy measurement: restart_every must be > 0");
  MeasuredEnergy m;
  const PowerTrace idle = sampler.sample_for(idle_seconds);
  m.idle_watts = idle.mean_watts();
  m.idle_seconds = idle.duration_seconds;

  using Clock = std::chrono::steady_clock;
  Sequence sequence(engine);  // greedy steps bring back only the argmax
  sampler.start();
  const auto began = Clock::now();
  uint32_t token = first_token;
  while (std::chrono::duration<double>(Clock::now() - began).count() < min_seconds) {
    if (m.tokens % restart_every == 0) {
      sequence.reset();
      token = first_token;
    }
    token = sequence.step_argmax(token);
    ++m.tokens;
  }
  const PowerTrace decode = sampler.stop();
  m.decode_seconds = std::chrono::duration<double>(Clock::now() - began).count();
  m.decode_watts = decode.mean_watts();
  m.joules_per_token = m.decode_watts * m.decode_seconds / double(m.tokens);
  m.above_idle_joules_per_token = (m.decode_watts - m.idle_watts) * m.decode_seconds / double(m.tokens);
  m.poll_interval_seconds = decode.poll_interval_seconds;
  m.sensor_update_interval_seconds = decode.sensor_update_interval_seconds();
  m.samples = static_cast<unsigned>(decode.samples.size());
  m.distinct_readings = decode.distinct_readings();
  return m;
}

}  // namespace mmfree::measure
