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
#include "mmfree/mmf_format.hpp"
#include "mmfree/model.hpp"
#include "mmfree/util/progress.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {

int run_convert(const Args& args) {
  std::string hf_dir, out, weights = std::string(mmf::weight_encoding_name(mmf::kDefaultWeightEncoding));
  bool force_progress = false;
  po::options_description description(
      "mmfree convert HF_DIR OUT.mmf: ternarize a Hugging Face MMfreeLM checkpoint (config.json,\n"
      "tokenizer.model, model.safetensors or a sharded index) into one packed .mmf image\n"
      "(docs/mmf-format.md). Streams tensor by tensor; writes OUT.mmf.tmp and renames it.\n\nOptions");
  description.add_options()("help,h", "show this help")  //
      ("hf-dir", po::value(&hf_dir), "Hugging Face model directory (first positional argument)")  //
      ("out", po::value(&out), "output .mmf file (second positional argument)")                     //
      ("weights", po::value(&weights),
       "weight encoding: trit5 (default: five ternary weights a byte, 1.6 bits a weight) or 2bit "
       "(two bits a weight, the encoding of older images)")  //
      ("progress", po::bool_switch(&force_progress), "draw a progress bar even when stderr is not a terminal");
  po::positional_options_description positional;
  positional.add("hf-dir", 1).add("out", 1);
  po::variables_map vm;
  if (!parse_flags_or_help(args, description, vm, &positional)) return 0;
  if (hf_dir.empty() || out.empty()) throw UsageError("usage: mmfree convert HF_DIR OUT.mmf [--weights trit5|2bit]");
  const auto encoding = mmf::parse_weight_encoding(weights);
  if (!encoding) throw UsageError("--weights: '" + weights + "' is not a weight encoding (trit5 or 2bit)");

  const bool show = force_progress || Progress::stderr_is_terminal();
  // The total (bytes of input tensors) is known only once the checkpoint has been checked.
  std::unique_ptr<Progress> bar;
  uint64_t reported = 0;
  convert_checkpoint(hf_dir, out, [&](uint64_t done, uint64_t total) {
    if (!bar) bar = std::make_unique<Progress>("convert", total, show);
    bar->advance(done - reported);
    reported = done;
  }, *encoding);
  if (bar) bar->finish();
  const Model model = Model::open(out);  // proves the written image reads back
  std::printf("%s: %.1f MB, d=%u L=%u I=%u V=%u, %s weights (%.1f MB a token)\n", out.c_str(),
              double(model.image().size()) / 1e6, model.config().hidden_size, model.config().num_layers,
              model.config().intermediate_size, model.config().vocab_size,
              std::string(mmf::weight_encoding_name(model.weight_encoding())).c_str(),
              double(mmf::read_device_descriptor(model.image()).weights_bytes) / 1e6);
  return 0;
}

}  // namespace mmfree::cli
