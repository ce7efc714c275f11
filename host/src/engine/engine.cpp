#include "engine/sequence_outputs.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "mmfree/error.hpp"

namespace mmfree {

std::string describe(SequenceId sequence) { return "sequence " + std::to_string(static_cast<uint32_t>(sequence)); }

void throw_not_open(SequenceId sequence, std::string_view backend) {
  throw UsageError(describe(sequence) + " is not open on backend '" + std::string(backend) +
                   "' (never opened, or already closed)");
}

DecodeResult Engine::decode(std::span<const SequenceInput> batch, Counters counters) {
  const ModelConfig& c = config();
  if (batch.empty()) throw UsageError("decode: the batch names no sequence");
  std::vector<SequenceId> seen;
  seen.reserve(batch.size());
  for (const auto& input : batch) {
    if (!is_open(input.sequence)) throw_not_open(input.sequence, name());
    if (std::find(seen.begin(), seen.end(), input.sequence) != seen.end())
      throw UsageError("decode: " + describe(input.sequence) +
                       " appears twice in one batch (give its tokens as one input)");
    seen.push_back(input.sequence);
    if (input.tokens.empty()) throw UsageError("decode: " + describe(input.sequence) + " has no tokens in the batch");
    for (const uint32_t t : input.tokens)
      if (t >= c.vocab_size)
        throw UsageError("token id " + std::to_string(t) + " is out of range (vocabulary size " +
                         std::to_string(c.vocab_size) + ")");
  }
  return run_batch(batch, counters);
}

std::size_t output_rows(const SequenceInput& input) {
  switch (input.outputs) {
    case Outputs::None: return 0;
    case Outputs::Last: return 1;
    case Outputs::All: return input.tokens.size();
  }
  return 0;
}

SequenceOutput make_output(const SequenceInput& input, std::size_t vocab_size) {
  SequenceOutput out;
  out.sequence = input.sequence;
  out.vocab_size = vocab_size;
  const std::size_t rows = output_rows(input);
  out.first_position = input.outputs == Outputs::Last ? input.tokens.size() - 1 : 0;
  out.argmax.resize(rows);
  if (input.kind == OutputKind::Logits) out.logits.resize(rows * vocab_size);
  return out;
}

Engine::SelftestResult Engine::run_matvec_selftest(std::span<const int8_t>, std::span<const int8_t>) {
  throw UsageError("backend '" + std::string(name()) +
                   "' has no weight-path self-test: it is a kernel command (device backends: golden-kernel, sim, xrt)");
}

}  // namespace mmfree
