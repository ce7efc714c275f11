// `mmfree inspect`: the config, device descriptor and section table of a model.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "command.hpp"
#include "parse_flags.hpp"
#include "mmfree/error.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/model.hpp"

namespace po = boost::program_options;

namespace mmfree::cli {

namespace {

const char* kind_name(uint32_t kind) {
  switch (static_cast<mmf::SectionKind>(kind)) {
    case mmf::SectionKind::Tokenizer: return "tokenizer";
    case mmf::SectionKind::Embeddings: return "embeddings";
    case mmf::SectionKind::LayerParams: return "layer_params";
    case mmf::SectionKind::FinalNorm: return "final_norm";
    case mmf::SectionKind::LmHeadNorm: return "lm_head_norm";
    case mmf::SectionKind::Betas: return "betas";
    case mmf::SectionKind::Weights: return "weights";
    case mmf::SectionKind::Matrix: return "matrix";
  }
  return "unknown";
}

nlohmann::ordered_json to_json(const Model& model) {
  const ModelConfig& c = model.config();
  const auto header = mmf::read_file_header(model.image());
  const auto desc = mmf::read_device_descriptor(model.image());
  nlohmann::ordered_json j;
  j["format_version"] = header.format_version;
  j["image_bytes"] = header.image_bytes;
  // Every decode token reads every weight once: the weights region is a token's weight bytes
  // (a P-port kernel reads at most P - 1 more beats, each port's padded tail).
  const uint64_t two_bit = mmf::compute_layout(c, 0, mmf::WeightEncoding::TwoBit).descriptor.weights_bytes;
  j["weight_encoding"] = std::string(mmf::weight_encoding_name(model.weight_encoding()));
  j["weight_bytes_per_token"] = desc.weights_bytes;
  j["weight_bytes_per_token_2bit"] = two_bit;
  j["weight_bytes_ratio_to_2bit"] = double(desc.weights_bytes) / double(two_bit);
  j["config"] = {{"hidden_size", c.hidden_size},           {"num_layers", c.num_layers},
                 {"intermediate_size", c.intermediate_size}, {"vocab_size", c.vocab_size},
                 {"rms_norm_eps", c.rms_norm_eps},           {"use_lower_bound", c.use_lower_bound},
                 {"bos_token_id", c.bos_token_id},           {"eos_token_id", c.eos_token_id}};
  j["device_descriptor"] = {{"row_stride_d", desc.row_stride_d},
                            {"row_stride_i", desc.row_stride_i},
                            {"vector_stride_d", desc.vector_stride_d},
                            {"vector_stride_i", desc.vector_stride_i},
                            {"embeddings_offset", desc.embeddings_offset},
                            {"layer_block_offset", desc.layer_block_offset},
                            {"layer_block_stride", desc.layer_block_stride},
                            {"final_norm_offset", desc.final_norm_offset},
                            {"lm_head_norm_offset", desc.lm_head_norm_offset},
                            {"weights_offset", desc.weights_offset},
                            {"weights_bytes", desc.weights_bytes},
                            {"layer_weights_stride", desc.layer_weights_stride},
                            {"betas_offset", desc.betas_offset},
                            {"weight_encoding", desc.weight_encoding}};
  nlohmann::ordered_json sections = nlohmann::ordered_json::array();
  for (const auto& e : mmf::read_section_table(model.image())) {
    nlohmann::ordered_json s = {{"name", mmf::section_name(e)}, {"kind", kind_name(e.kind)},
                        {"offset", e.offset},           {"size", e.size},
                        {"crc32", e.crc32}};
    if (e.layer != mmf::kNoLayer) s["layer"] = e.layer;
    if (e.kind == uint32_t(mmf::SectionKind::Matrix)) {
      s["rows"] = e.rows;
      s["cols"] = e.cols;
      s["row_stride_bytes"] = e.row_stride_bytes;
      s["beta"] = e.beta;
    }
    sections.push_back(std::move(s));
  }
  j["sections"] = std::move(sections);
  return j;
}

void print_text(const nlohmann::ordered_json& j) {
  const auto& c = j["config"];
  std::printf("format version %u, %llu bytes\n", j["format_version"].get<unsigned>(),
              static_cast<unsigned long long>(j["image_bytes"].get<uint64_t>()));
  std::printf("config: d=%u L=%u I=%u V=%u rms_norm_eps=%g use_lower_bound=%s bos=%u eos=%u\n",
              c["hidden_size"].get<unsigned>(), c["num_layers"].get<unsigned>(),
              c["intermediate_size"].get<unsigned>(), c["vocab_size"].get<unsigned>(),
              c["rms_norm_eps"].get<double>(), c["use_lower_bound"].get<bool>() ? "true" : "false",
              c["bos_token_id"].get<unsigned>(), c["eos_token_id"].get<unsigned>());
  std::printf("weights: %s, %llu bytes a token (2bit: %llu, %.4fx)\n", j["weight_encoding"].get<std::string>().c_str(),
              static_cast<unsigned long long>(j["weight_bytes_per_token"].get<uint64_t>()),
              static_cast<unsigned long long>(j["weight_bytes_per_token_2bit"].get<uint64_t>()),
              j["weight_bytes_ratio_to_2bit"].get<double>());
  std::printf("device descriptor:\n");
  for (const auto& [key, value] : j["device_descriptor"].items()) {
    std::printf("  %-22s %llu\n", key.c_str(), static_cast<unsigned long long>(value.get<uint64_t>()));
  }
  std::printf("%-28s %12s %12s %10s %6s %6s %6s %12s\n", "section", "offset", "size", "crc32", "rows", "cols",
              "stride", "beta");
  for (const auto& s : j["sections"]) {
    std::printf("%-28s %12llu %12llu   %08x", s["name"].get<std::string>().c_str(),
                static_cast<unsigned long long>(s["offset"].get<uint64_t>()),
                static_cast<unsigned long long>(s["size"].get<uint64_t>()), s["crc32"].get<unsigned>());
    if (s.contains("rows")) {
      std::printf(" %6u %6u %6u %12.6g", s["rows"].get<unsigned>(), s["cols"].get<unsigned>(),
                  s["row_stride_bytes"].get<unsigned>(), s["beta"].get<double>());
    }
    std::printf("\n");
  }
}

}  // namespace

int run_inspect(const Args& args) {
  std::string path;
  bool json = false;
  po::options_description description(
      "mmfree inspect MODEL: print the config, device descriptor and section table of a .mmf\n"
      "image (or of the image a Hugging Face directory converts to), after validating it.\n\nOptions");
  description.add_options()("help,h", "show this help")                              //
      ("model", po::value(&path), "a .mmf file or a Hugging Face directory (positional)")  //
      ("json", po::bool_switch(&json), "print one JSON object instead of a table");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  if (!parse_flags_or_help(args, description, vm, &positional)) return 0;
  if (path.empty()) throw UsageError("usage: mmfree inspect MODEL [--json]");
  const Model model = Model::open(path);
  const nlohmann::ordered_json j = to_json(model);
  if (json) {
    std::cout << j.dump(2) << "\n";
  } else {
    print_text(j);
  }
  return 0;
}

}  // namespace mmfree::cli
