#include "mmfree/backend.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "mmfree/error.hpp"

namespace mmfree {

std::string BackendOptions::text(const std::string& name, const std::string& fallback) const {
  const auto found = values_.find(name);
  return found == values_.end() ? fallback : found->second;
}

double BackendOptions::number(const std::string& name, double fallback) const {
  const auto found = values_.find(name);
  if (found == values_.end()) return fallback;
  const std::string& text = found->second;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value))
    throw UsageError("--" + name + ": '" + text + "' is not a number");
  return value;
}

unsigned BackendOptions::count(const std::string& name, unsigned fallback) const {
  const auto found = values_.find(name);
  if (found == values_.end()) return fallback;
  const std::string& text = found->second;
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size())
    throw UsageError("--" + name + ": '" + text + "' is not a non-negative integer");
  return value;
}

bool Backend::takes(std::string_view option) const {
  for (const auto& o : options)
    if (o.name == option) return true;
  return false;
}

void BackendRegistry::add(Backend backend) {
  for (const auto& b : backends_)
    if (b.name == backend.name) throw UsageError("backend '" + backend.name + "' is registered twice");
  backends_.push_back(std::move(backend));
}

const Backend& BackendRegistry::find(std::string_view name) const {
  for (const auto& b : backends_)
    if (b.name == name) return b;
  std::string known;
  for (const auto& b : backends_) known += (known.empty() ? "" : ", ") + b.name;
  throw UsageError("unknown backend '" + std::string(name) + "' (this build has: " + known + ")");
}

std::string option_misfit(const Backend& backend, const BackendOptions& options) {
  for (const auto& [name, value] : options.values()) {
    if (backend.takes(name)) continue;
    std::string takes;
    for (const auto& o : backend.options) takes += (takes.empty() ? "--" : ", --") + o.name;
    return "--" + name + " is not an option of backend '" + backend.name + "' (" +
           (takes.empty() ? "it takes none" : "it takes: " + takes) + ")";
  }
  return {};
}

}  // namespace mmfree
