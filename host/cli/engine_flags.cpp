#include "engine_flags.hpp"

#include <filesystem>
#include <map>
#include <vector>

#include "mmfree/error.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {

std::string backend_list() {
  std::string names;
  for (auto name : engine_names()) {
    if (!names.empty()) names.append(", ");
    names.append(name);
  }
  return names;
}

void add_engine_flags(po::options_description& description, EngineFlags& flags, bool with_backend) {
  description.add_options()("model", po::value(&flags.model_path)->required(),
                            "model: a .mmf file or a Hugging Face MMfreeLM directory");
  if (with_backend)
    description.add_options()("backend", po::value(&flags.backend)->default_value("reference"),
                              ("backend: " + backend_list()).c_str());
  // One flag per declared option, in the order the backends declare them; its help names the
  // backends that take it.
  struct Flag {
    const BackendOption* option;
    std::vector<std::string> backends;
  };
  std::vector<Flag> seen;
  for (const auto& backend : backends().all())
    for (const auto& option : backend.options) {
      auto found = std::find_if(seen.begin(), seen.end(), [&](const Flag& f) { return f.option->name == option.name; });
      if (found == seen.end()) found = seen.insert(seen.end(), Flag{&option, {}});
      found->backends.push_back(backend.name);
    }
  for (const auto& flag : seen) {
    std::string who;
    for (const auto& b : flag.backends) who += (who.empty() ? "" : ", ") + b;
    std::string help = who + (flag.backends.size() == 1 ? " backend: " : " backends: ") + flag.option->help;
    if (!flag.option->default_value.empty()) help += " (default " + flag.option->default_value + ")";
    const std::string name = flag.option->name;
    description.add_options()(
        name.c_str(), po::value<std::string>()->notifier([&flags, name](const std::string& v) { flags.options.set(name, v); }),
        help.c_str());
  }
}

Model open_model(const EngineFlags& flags) {
  if (flags.model_path.empty()) throw UsageError("--model is empty");
  if (!std::filesystem::exists(flags.model_path))
    throw UsageError("model '" + flags.model_path + "' does not exist");
  return Model::open(flags.model_path);
}

std::unique_ptr<Engine> make_flagged_engine(const EngineFlags& flags, const Model& model) {
  return make_engine(flags.backend, model, flags.options);
}

std::unique_ptr<Engine> make_flagged_engine(const EngineFlags& flags, std::span<const std::string> names,
                                            std::string_view backend, const Model& model) {
  for (const auto& [option, value] : flags.options.values()) {
    bool taken = false;
    for (const auto& name : names) taken = taken || backends().find(name).takes(option);
    if (!taken) {
      std::string list;
      for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
      throw UsageError("--" + option + " is not an option of any of the backends " + list);
    }
  }
  const Backend& chosen = backends().find(backend);
  BackendOptions options;
  for (const auto& [option, value] : flags.options.values())
    if (chosen.takes(option)) options.set(option, value);
  return make_engine(backend, model, options);
}

}  // namespace mmfree::cli
