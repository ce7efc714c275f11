#include "model/hf_config.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "mmfree/error.hpp"
#include "mmfree/util/bounded_file.hpp"
#include "model/config_limits.hpp"
#include "util/bounded_json.hpp"

namespace mmfree::model {

namespace {

// Hugging Face configs are about a kilobyte; anything near this is not a config.
constexpr uint64_t kMaxConfigBytes = 1u << 20;

using util::describe_untrusted;

class ConfigReader {
 public:
  ConfigReader(const std::string& where, nlohmann::json json) : where_(where), json_(std::move(json)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw ModelError(where_ + ": field \"" + field + "\" " + problem);
  }

  bool has(const std::string& field) const { return json_.contains(field) && !json_[field].is_null(); }

  // A positive size that must be present.
  uint32_t required_size(const std::string& field) const {
    if (!has(field)) fail(field, "is missing");
    return positive_u32(field);
  }

  uint32_t positive_u32(const std::string& field) const {
    const auto& v = json_[field];
    if (!v.is_number_integer()) fail(field, "must be an integer, got " + describe_untrusted(v));
    if (v.is_number_unsigned() ? v.get<uint64_t>() == 0 : v.get<int64_t>() <= 0) {
      fail(field, "must be positive, got " + describe_untrusted(v));
    }
    if (v.get<uint64_t>() > 0x7FFFFFFFull) fail(field, "is implausibly large: " + describe_untrusted(v));
    return v.get<uint32_t>();
  }

  uint32_t u32_or(const std::string& field, uint32_t fallback) const {
    if (!has(field)) return fallback;
    const auto& v = json_[field];
    if (!v.is_number_unsigned()) fail(field, "must be a non-negative integer, got " + describe_untrusted(v));
    if (v.get<uint64_t>() > 0xFFFFFFFFull) fail(field, "does not fit 32 bits: " + describe_untrusted(v));
    return v.get<uint32_t>();
  }

  double number_or(const std::string& field, double fallback) const {
    if (!has(field)) return fallback;
    const auto& v = json_[field];
    if (!v.is_number()) fail(field, "must be a number, got " + describe_untrusted(v));
    return v.get<double>();
  }

  bool bool_or(const std::string& field, bool fallback) const {
    if (!has(field)) return fallback;
    const auto& v = json_[field];
    if (!v.is_boolean()) fail(field, "must be true or false, got " + describe_untrusted(v));
    return v.get<bool>();
  }

  std::string string_or(const std::string& field, const std::string& fallback) const {
    if (!has(field)) return fallback;
    const auto& v = json_[field];
    if (!v.is_string()) fail(field, "must be a string, got " + describe_untrusted(v));
    return v.get<std::string>();
  }

 private:
  std::string where_;
  nlohmann::json json_;
};

}  // namespace

uint32_t default_intermediate_size(uint32_t hidden_size, double hidden_ratio) {
  const auto raw = static_cast<uint64_t>(double(hidden_size) * hidden_ratio * 2.0 / 3.0);
  return static_cast<uint32_t>((raw + 255) / 256 * 256);
}

ModelConfig read_hf_config(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    throw ModelError(path.string() + ": cannot open (is this a Hugging Face MMfreeLM directory?)");
  }
  return parse_hf_config(util::read_small_file(path, kMaxConfigBytes), path.string());
}

ModelConfig parse_hf_config(std::string_view text, const std::string& where) {
  nlohmann::json json = util::parse_untrusted_json(text, where);
  if (!json.is_object()) throw ModelError(where + ": not a JSON object");
  const ConfigReader r(where, std::move(json));

  const std::string model_type = r.string_or("model_type", "");
  if (model_type != "hgrn_bit") {
    r.fail("model_type", "must be \"hgrn_bit\" (an MMfreeLM checkpoint), got \"" + util::excerpt(model_type) + "\"");
  }

  ModelConfig c;
  c.hidden_size = r.required_size("hidden_size");
  c.num_layers = r.required_size("num_hidden_layers");
  c.vocab_size = r.required_size("vocab_size");
  if (r.has("intermediate_size")) {
    c.intermediate_size = r.positive_u32("intermediate_size");
  } else {
    const double ratio = r.number_or("hidden_ratio", 4.0);
    // Bounded before the size arithmetic, whose conversion to an integer must not overflow.
    if (!(ratio > 0.0) || !(ratio <= 64.0)) r.fail("hidden_ratio", "must be a positive number no larger than 64");
    c.intermediate_size = default_intermediate_size(c.hidden_size, ratio);
    if (c.intermediate_size == 0) r.fail("hidden_ratio", "gives an intermediate size of 0");
  }

  // Checked as the float the image stores and the kernel uses: 1e308 would become +inf and
  // 1e-320 zero, though both pass as doubles.
  const double eps = r.number_or("rms_norm_eps", 1e-6);
  if (!(eps > 0.0) || !(eps <= kMaxRmsNormEps)) r.fail("rms_norm_eps", rms_norm_eps_range());
  c.rms_norm_eps = static_cast<float>(eps);
  if (!rms_norm_eps_in_range(c.rms_norm_eps)) r.fail("rms_norm_eps", rms_norm_eps_range());
  c.use_lower_bound = r.bool_or("use_lower_bound", true);
  c.bos_token_id = r.u32_or("bos_token_id", 1);
  c.eos_token_id = r.u32_or("eos_token_id", 2);

  if (r.has("num_heads") && r.positive_u32("num_heads") != 1) {
    r.fail("num_heads", "must be 1 (multi-head HGRN is not supported)");
  }
  if (r.has("expand_ratio") && r.positive_u32("expand_ratio") != 1) {
    r.fail("expand_ratio", "must be 1 (the state is one length-d vector per layer)");
  }
  if (r.bool_or("use_short_conv", false)) r.fail("use_short_conv", "must be false (no conv state is supported)");
  if (r.bool_or("tie_word_embeddings", false)) {
    r.fail("tie_word_embeddings", "must be false (lm_head is its own ternary matrix)");
  }
  const std::string act = r.string_or("hidden_act", "swish");
  if (act != "swish" && act != "silu") r.fail("hidden_act", "must be \"swish\", got \"" + util::excerpt(act) + "\"");

  // The stored latent dtype: informational (the tensors' own dtypes are what is read), but
  // a value we cannot read is a sign of a checkpoint we do not understand.
  for (const char* field : {"torch_dtype", "dtype"}) {
    const std::string dtype = r.string_or(field, "bfloat16");
    if (dtype != "bfloat16" && dtype != "float16" && dtype != "float32") {
      r.fail(field, "must be bfloat16, float16 or float32, got \"" + util::excerpt(dtype) + "\"");
    }
  }
  if (const auto problem = size_problem(c)) r.fail(problem->field, problem->message);
  if (c.bos_token_id >= c.vocab_size) r.fail("bos_token_id", "is not below vocab_size");
  if (c.eos_token_id >= c.vocab_size) r.fail("eos_token_id", "is not below vocab_size");
  return c;
}

}  // namespace mmfree::model
