// `mmfree convert`: a Hugging Face MMfreeLM directory to a packed `.mmf` image.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "command.hpp"
#include "parse_flags.hpp"
#include "mmfree/error.hpp"
#include "mmfree/model.hpp"
#include "mmfree/util/progress.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {

int run_convert(const Args& args) {
  std::string hf_dir, out;
  bool force_progress = false;
  po::options_description description(
      "mmfree convert HF_DIR OUT.mmf: ternarize a Hugging Face MMfreeLM checkpoint (config.json,\n"
      "tokenizer.model, model.safetensors or a sharded index) into one packed .mmf image\n"
      "(docs/mmf-format.md). Streams tensor by tensor; writes OUT.mmf.tmp and renames it.\n\nOptions");
  description.add_options()("help,h", "show this help")  //
      ("hf-dir", po::value(&hf_dir), "Hugging Face model directory (first positional argument)")  //
      ("out", po::value(&out), "output .mmf file (second positional argument)")                     //
      ("progress", po::bool_switch(&force_progress), "draw a progress bar even when stderr is not a terminal");
  po::positional_options_description positional;
  positional.add("hf-dir", 1).add("out", 1);
  po::variables_map vm;
  if (!parse_flags_or_help(args, description, vm, &positional)) return 0;
  if (hf_dir.empty() || out.empty()) throw UsageError("usage: mmfree convert HF_DIR OUT.mmf");

  const bool show = force_progress || Progress::stderr_is_terminal();
  // The total (bytes of input tensors) is known only once the checkpoint has been checked.
  std::unique_ptr<Progress> bar;
  uint64_t reported = 0;
  convert_checkpoint(hf_dir, out, [&](uint64_t done, uint64_t total) {
    if (!bar) bar = std::make_unique<Progress>("convert", total, show);
    bar->advance(done - reported);
    reported = done;
  });
  if (bar) bar->finish();
  const Model model = Model::open(out);  // proves the written image reads back
  std::printf("%s: %.1f MB, d=%u L=%u I=%u V=%u\n", out.c_str(), double(model.image().size()) / 1e6,
              model.config().hidden_size, model.config().num_layers, model.config().intermediate_size,
              model.config().vocab_size);
  return 0;
}

}  // namespace mmfree::cli
