// The bundled demo model (assets/models/mmfree-demo-d256-l6, a 6-layer d=256 MMfreeLM) and the
// data that goes with it, shared by every suite that runs on it. What is costly is done once
// per test process: opening the model, converting it to .mmf, parsing the reference outputs.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "mmfree/model.hpp"

namespace mmfree::test {

// The demo checkpoint as Hugging Face released it: config.json, model.safetensors, tokenizer.model.
const std::filesystem::path& demo_model_dir();

// assets/data/heldout.txt, held-out English text for perplexity and fidelity checks.
const std::filesystem::path& heldout_text_path();

// The demo checkpoint, opened once per test process.
const Model& demo_model();

// The demo checkpoint converted to a .mmf image once per test process (in a temporary directory
// removed at exit). Tests must not change the file; copy it first.
const std::filesystem::path& demo_mmf();

// The authors' outputs for the demo model (its reference_outputs.json: prompts, token ids,
// logits from the released PyTorch code), parsed once per test process.
const nlohmann::json& reference_outputs();

}  // namespace mmfree::test
