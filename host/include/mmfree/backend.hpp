// How a backend plugs in: its name, the options it takes and how it makes an Engine. Each
// backend library has one registration function (register_*_backend) that adds its entries
// to a BackendRegistry; mmfree/backends.hpp's registry is filled by calling them all from
// one place, explicitly, so no backend depends on static initialisation surviving the linker.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mmfree/engine.hpp"
#include "mmfree/model.hpp"

namespace mmfree {

// One option a backend takes, named as its command-line flag without the dashes ("memory").
struct BackendOption {
  std::string name;
  std::string help;           // "memory model (ideal | hbm | ddr4)"
  std::string default_value;  // what the backend uses when the option is not given
};

// Option values by name, as given (on the command line or by a program). A backend reads
// the values it declared; the typed readers throw UsageError naming the flag.
class BackendOptions {
 public:
  BackendOptions() = default;
  BackendOptions(std::initializer_list<std::pair<const std::string, std::string>> values) : values_(values) {}

  void set(const std::string& name, std::string value) { values_[name] = std::move(value); }
  bool has(const std::string& name) const { return values_.contains(name); }
  const std::map<std::string, std::string>& values() const { return values_; }

  std::string text(const std::string& name, const std::string& fallback) const;
  // The value of a number flag within [min, max]; UsageError naming the flag and the range.
  double number(const std::string& name, double fallback, double min, double max) const;
  unsigned count(const std::string& name, unsigned fallback, unsigned min, unsigned max) const;

 private:
  std::map<std::string, std::string> values_;
};

struct Backend {
  std::string name;
  std::vector<BackendOption> options;
  // Makes the engine from options that are all among `options`. `model` outlives the engine.
  std::function<std::unique_ptr<Engine>(const Model& model, const BackendOptions& options)> make;

  bool takes(std::string_view option) const;
};

class BackendRegistry {
 public:
  // UsageError when the name is taken already.
  void add(Backend backend);
  // UsageError naming the backends this build has.
  const Backend& find(std::string_view name) const;
  const std::vector<Backend>& all() const { return backends_; }

 private:
  std::vector<Backend> backends_;
};

// "--memory is not an option of backend 'golden' (it takes: --timeout)", or nothing.
std::string option_misfit(const Backend& backend, const BackendOptions& options);

}  // namespace mmfree
