#include "bounded_value.hpp"
#include "engine_flags.hpp"

#include <filesystem>

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
  flags.has_backend_flag = with_backend;
  description.add_options()("model", po::value(&flags.model_path)->required(),
                            "model: a .mmf file or a Hugging Face MMfreeLM directory");
  if (with_backend)
    description.add_options()("backend", po::value(&flags.backend)->default_value("reference"),
                              ("backend: " + backend_list()).c_str());
  description.add_options()                                                                        //
      ("memory",
       po::value<std::string>()->notifier([&flags](const std::string& preset) {
         flags.options.memory_preset = preset;
         flags.memory_given = true;
       }),
       "sim backend: memory model (ideal | hbm | ddr4; default ideal)")                                           //
      ("trace", po::value<std::string>()->notifier([&flags](const std::string& p) { flags.options.trace_file = p; }),
       "sim backend: write an FST waveform here")                                                  //
      ("xclbin", po::value<std::string>()->notifier([&flags](const std::string& p) { flags.options.xclbin = p; }),
       "xrt backend: the kernel binary")                                                            //
      ("device", bounded_value(&flags.options.device_index, 0u, 1023u)->default_value(0), "xrt backend: device index")  //
      ("timeout", bounded_value(&flags.options.timeout_seconds, 0.001, 1e6)->default_value(60.0),
       "device backends: seconds to wait per start/wait");
}

void check_memory_flag(const EngineFlags& flags, std::span<const std::string> backends) {
  if (!flags.memory_given) return;
  for (const auto& b : backends)
    if (b == "sim") return;
  throw UsageError("--memory selects the sim backend's memory model; no backend given here has one");
}

Model open_model(const EngineFlags& flags) {
  if (flags.model_path.empty()) throw UsageError("--model is empty");
  if (!std::filesystem::exists(flags.model_path))
    throw UsageError("model '" + flags.model_path + "' does not exist");
  if (flags.has_backend_flag) check_memory_flag(flags, {&flags.backend, 1});
  return Model::open(flags.model_path);
}

}  // namespace mmfree::cli
