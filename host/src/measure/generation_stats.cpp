#include "mmfree/measure/generation_stats.hpp"

namespace mmfree::measure {
namespace {

double rate(uint64_t tokens, double seconds) { return seconds > 0 ? double(tokens) / seconds : 0.0; }

}  // namespace

void print_generation_stats(std::FILE* out, const GenerationStats& s) {
  std::fprintf(out, "backend %s: prefill %llu tokens at %.1f tokens/s; decode %llu steps at %.1f tokens/s; %llu tokens generated\n",
               s.backend.c_str(), static_cast<unsigned long long>(s.prompt_tokens), rate(s.prompt_tokens, s.prefill_seconds),
               static_cast<unsigned long long>(s.decode_steps), rate(s.decode_steps, s.decode_seconds),
               static_cast<unsigned long long>(s.generated));
  if (s.decode_steps > 0 && s.decode_cycles.cycles > 0)
    std::fprintf(out, "backend %s: %.0f kernel cycles per decode token%s\n", s.backend.c_str(),
                 double(s.decode_cycles.cycles) / double(s.decode_steps), s.simulated ? " (simulated)" : "");
  if (s.decode_steps > 0 && s.decode_cycles.available())
    std::fprintf(out, "backend %s: decode token cycles: %s\n", s.backend.c_str(), s.decode_cycles.describe().c_str());
}

}  // namespace mmfree::measure
