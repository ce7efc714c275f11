#include "mmfree/backend.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "mmfree/error.hpp"
#include "mmfree/util/number_text.hpp"

namespace mmfree {

std::string BackendOptions::text(const std::string& name, const std::string& fallback) const {
  const auto found = values_.find(name);
  return found == values_.end() ? fallback : found->second;
}

namespace {
template <class T>
T ranged(const std::map<std::string, std::string>& values, const std::string& name, T fallback, T min, T max) {
  const auto found = values.find(name);
  if (found == values.end()) return fallback;
  const auto value = util::parse_number_in<T>(found->second, min, max);
  if (!value) {
    std::ostringstream range;
    range << (std::is_integral_v<T> ? "an integer" : "a number") << " from " << +min << " to " << +max;
    throw UsageError("the argument ('" + found->second + "') for option '--" + name + "' is invalid: it must be " +
                     range.str());
  }
  return *value;
}
}  // namespace

double BackendOptions::number(const std::string& name, double fallback, double min, double max) const {
  return ranged(values_, name, fallback, min, max);
}

unsigned BackendOptions::count(const std::string& name, unsigned fallback, unsigned min, unsigned max) const {
  return ranged(values_, name, fallback, min, max);
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
