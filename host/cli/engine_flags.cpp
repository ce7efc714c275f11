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
  description.add_options()("model", po::value(&flags.model_path)->required(),
                            "model: a .mmf file or a Hugging Face MMfreeLM directory");
  if (with_backend)
    description.add_options()("backend", po::value(&flags.backend)->default_value("reference"),
                              ("backend: " + backend_list()).c_str());
  description.add_options()                                                                        //
      ("memory", po::value(&flags.options.memory_preset)->default_value("ideal"),
       "sim backend: memory model (ideal | hbm | ddr4 | hbm-sustained | ddr4-sustained); "
       "bench --shape: nominal (default) | sustained | both")                                         //
      ("trace", po::value<std::string>()->notifier([&flags](const std::string& p) { flags.options.trace_file = p; }),
       "sim backend: write an FST waveform here")                                                  //
      ("xclbin", po::value<std::string>()->notifier([&flags](const std::string& p) { flags.options.xclbin = p; }),
       "xrt backend: the kernel binary")                                                            //
      ("device", po::value(&flags.options.device_index)->default_value(0), "xrt backend: device index")  //
      ("timeout", po::value(&flags.options.timeout_seconds)->default_value(60.0),
       "device backends: seconds to wait per start/wait");
}

Model open_model(const EngineFlags& flags) {
  if (flags.model_path.empty()) throw UsageError("--model is empty");
  if (!std::filesystem::exists(flags.model_path))
    throw UsageError("model '" + flags.model_path + "' does not exist");
  return Model::open(flags.model_path);
}

}  // namespace mmfree::cli
