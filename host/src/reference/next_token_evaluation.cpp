#include "mmfree/reference/next_token_evaluation.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

#include "mmfree/error.hpp"
#include "mmfree/reference/log_softmax.hpp"
#include "mmfree/sampling/sampler.hpp"
#include "mmfree/sequence.hpp"

namespace mmfree::reference {

double NextTokenEvaluation::mean_nll(std::size_t engine) const {
  return predictions == 0 ? 0.0 : engines.at(engine).nll_sum / double(predictions);
}
double NextTokenEvaluation::perplexity(std::size_t engine) const { return std::exp(mean_nll(engine)); }
double NextTokenEvaluation::top1_agreement(std::size_t engine) const {
  return predictions == 0 ? 0.0 : double(engines.at(engine).top1_agreements) / double(predictions);
}
double NextTokenEvaluation::mean_kl(std::size_t engine) const {
  return predictions == 0 ? 0.0 : engines.at(engine).kl_sum / double(predictions);
}

namespace {

void check_arguments(std::size_t engine_count, std::span<const uint32_t> tokens, uint32_t sequence_length) {
  if (engine_count == 0) throw UsageError("no backend to evaluate");
  if (sequence_length < 2)
    throw UsageError("sequence length must be at least 2 (got " + std::to_string(sequence_length) + ")");
  if (tokens.size() < 2) throw UsageError("the text gives fewer than 2 tokens: nothing to predict");
}

std::size_t sequence_count(std::span<const uint32_t> tokens, uint32_t sequence_length) {
  return (tokens.size() + sequence_length - 1) / sequence_length;
}

std::span<const uint32_t> sequence(std::span<const uint32_t> tokens, uint32_t sequence_length, std::size_t index) {
  const std::size_t begin = index * sequence_length;
  return tokens.subspan(begin, std::min<std::size_t>(sequence_length, tokens.size() - begin));
}

// Positions fed per call: long enough that a device runs a whole chunk as one start command,
// short enough that the logits of every engine's chunk (positions x vocabulary) stay small.
constexpr std::size_t kPositionsPerCall = 256;

// One open sequence per engine, reused (reset) for every text sequence.
std::vector<std::unique_ptr<Sequence>> open_sequences(std::span<Engine* const> engines) {
  std::vector<std::unique_ptr<Sequence>> sequences;
  for (Engine* e : engines) sequences.push_back(std::make_unique<Sequence>(*e));
  return sequences;
}

// Scores one text sequence from a zero state on every engine, its positions fed in calls that
// return the logits after every token; `scratch` holds one log-probability vector per engine.
NextTokenEvaluation score_sequence(std::span<Engine* const> engines, std::span<const std::unique_ptr<Sequence>> sequences,
                                   std::span<const uint32_t> tokens, std::vector<std::vector<double>>& scratch) {
  NextTokenEvaluation result;
  result.engines.resize(engines.size());
  scratch.resize(engines.size());
  std::vector<uint32_t> argmaxes(engines.size());
  std::vector<const SequenceOutput*> outputs(engines.size());
  for (const auto& s : sequences) s->reset();
  // Feeding tokens[pos] predicts tokens[pos + 1]; the last token of a sequence predicts nothing.
  const std::size_t positions = tokens.size() - 1;
  for (std::size_t begin = 0; begin < positions; begin += kPositionsPerCall) {
    const std::size_t count = std::min(kPositionsPerCall, positions - begin);
    for (std::size_t k = 0; k < engines.size(); ++k)
      outputs[k] = &sequences[k]->feed(tokens.subspan(begin, count), Outputs::All, OutputKind::Logits);
    for (std::size_t row = 0; row < count; ++row) {
      for (std::size_t k = 0; k < engines.size(); ++k) {
        const auto logits = outputs[k]->row(row);
        scratch[k].resize(logits.size());
        log_softmax(logits, scratch[k]);
        argmaxes[k] = argmax(logits);
      }
      const uint32_t target = tokens[begin + row + 1];
      for (std::size_t k = 0; k < engines.size(); ++k) {
        auto& score = result.engines[k];
        if (target >= scratch[k].size())
          throw UsageError("token id " + std::to_string(target) + " is out of range for backend '" +
                           std::string(engines[k]->name()) + "'");
        score.nll_sum -= scratch[k][target];
        if (argmaxes[k] == argmaxes[0]) ++score.top1_agreements;
        if (k != 0) score.kl_sum += kl_divergence(scratch[0], scratch[k]);
      }
      ++result.predictions;
    }
  }
  return result;
}

void accumulate(NextTokenEvaluation& total, const NextTokenEvaluation& part) {
  total.predictions += part.predictions;
  for (std::size_t k = 0; k < total.engines.size(); ++k) {
    total.engines[k].nll_sum += part.engines[k].nll_sum;
    total.engines[k].top1_agreements += part.engines[k].top1_agreements;
    total.engines[k].kl_sum += part.engines[k].kl_sum;
  }
}

void check_has_predictions(const NextTokenEvaluation& result) {
  if (result.predictions == 0) throw UsageError("no next-token prediction to score (sequences of one token)");
}

// Closes the sequences it opened, also when scoring throws.
class OpenSequences {
 public:
  OpenSequences(Engine& engine, std::size_t count) : engine_(engine) {
    for (std::size_t k = 0; k < count; ++k) ids_.push_back(engine_.open_sequence());
  }
  ~OpenSequences() {
    for (const SequenceId id : ids_) engine_.close_sequence(id);
  }
  OpenSequences(const OpenSequences&) = delete;
  OpenSequences& operator=(const OpenSequences&) = delete;
  SequenceId operator[](std::size_t k) const { return ids_[k]; }

 private:
  Engine& engine_;
  std::vector<SequenceId> ids_;
};

}  // namespace

NextTokenEvaluation evaluate_next_token_batched(Engine& engine, std::span<const uint32_t> tokens,
                                                uint32_t sequence_length, unsigned batch,
                                                const std::function<void(uint64_t)>& on_tokens_fed) {
  check_arguments(1, tokens, sequence_length);
  const std::size_t sequences = sequence_count(tokens, sequence_length);
  const std::size_t width =
      std::clamp<std::size_t>(std::min<std::size_t>(batch, engine.max_sequences()), 1, sequences);
  const OpenSequences open(engine, width);
  std::vector<NextTokenEvaluation> per_sequence(sequences);
  std::vector<double> scratch;
  std::vector<SequenceInput> inputs;
  std::vector<std::size_t> input_sequence;  // the stream's sequence index of each input
  for (std::size_t group = 0; group < sequences; group += width) {
    const std::size_t members = std::min(width, sequences - group);
    uint64_t fed = 0;
    for (std::size_t k = 0; k < members; ++k) {
      engine.reset_sequence(open[k]);
      per_sequence[group + k].engines.resize(1);
      fed += sequence(tokens, sequence_length, group + k).size();
    }
    // Feeding tokens[pos] predicts tokens[pos + 1]; the last token of a sequence predicts nothing.
    for (std::size_t begin = 0;; begin += kPositionsPerCall) {
      inputs.clear();
      input_sequence.clear();
      for (std::size_t k = 0; k < members; ++k) {
        const auto seq = sequence(tokens, sequence_length, group + k);
        if (seq.size() - 1 <= begin) continue;
        const std::size_t count = std::min(kPositionsPerCall, seq.size() - 1 - begin);
        inputs.push_back({open[k], seq.subspan(begin, count), Outputs::All, OutputKind::Logits});
        input_sequence.push_back(group + k);
      }
      if (inputs.empty()) break;
      const DecodeResult result = engine.decode(inputs);
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto seq = sequence(tokens, sequence_length, input_sequence[i]);
        NextTokenEvaluation& part = per_sequence[input_sequence[i]];
        for (std::size_t row = 0; row < inputs[i].tokens.size(); ++row) {
          const auto logits = result.outputs[i].row(row);
          scratch.resize(logits.size());
          log_softmax(logits, scratch);
          const uint32_t target = seq[begin + row + 1];
          if (target >= scratch.size())
            throw UsageError("token id " + std::to_string(target) + " is out of range for backend '" +
                             std::string(engine.name()) + "'");
          part.engines[0].nll_sum -= scratch[target];
          ++part.engines[0].top1_agreements;  // the baseline agrees with itself
          ++part.predictions;
        }
      }
    }
    if (on_tokens_fed) on_tokens_fed(fed);
  }
  NextTokenEvaluation result;
  result.engines.resize(1);
  for (const auto& part : per_sequence) accumulate(result, part);
  check_has_predictions(result);
  return result;
}

NextTokenEvaluation evaluate_next_token(std::span<Engine* const> engines, std::span<const uint32_t> tokens,
                                        uint32_t sequence_length,
                                        const std::function<void(uint64_t)>& on_tokens_fed) {
  check_arguments(engines.size(), tokens, sequence_length);
  NextTokenEvaluation result;
  result.engines.resize(engines.size());
  std::vector<std::vector<double>> scratch;
  const auto sequences = open_sequences(engines);
  for (std::size_t s = 0; s < sequence_count(tokens, sequence_length); ++s) {
    const auto seq = sequence(tokens, sequence_length, s);
    accumulate(result, score_sequence(engines, sequences, seq, scratch));
    if (on_tokens_fed) on_tokens_fed(seq.size());
  }
  check_has_predictions(result);
  return result;
}

NextTokenEvaluation evaluate_next_token_parallel(const std::function<std::unique_ptr<Engine>()>& make_engine,
                                                 std::span<const uint32_t> tokens, uint32_t sequence_length,
                                                 unsigned workers,
                                                 const std::function<void(uint64_t)>& on_tokens_fed) {
  check_arguments(1, tokens, sequence_length);
  const std::size_t sequences = sequence_count(tokens, sequence_length);
  workers = static_cast<unsigned>(std::clamp<std::size_t>(workers, 1, sequences));
  std::vector<NextTokenEvaluation> per_sequence(sequences);
  std::atomic<std::size_t> next{0};
  std::mutex progress_mutex;
  std::exception_ptr failure;
  std::mutex failure_mutex;

  auto work = [&] {
    try {
      auto engine = make_engine();
      Engine* engines[] = {engine.get()};
      const auto open = open_sequences(engines);
      std::vector<std::vector<double>> scratch;
      for (std::size_t s = next++; s < sequences; s = next++) {
        const auto seq = sequence(tokens, sequence_length, s);
        per_sequence[s] = score_sequence(engines, open, seq, scratch);
        if (on_tokens_fed) {
          const std::lock_guard lock(progress_mutex);
          on_tokens_fed(seq.size());
        }
      }
    } catch (...) {
      const std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = sequences;  // the others stop at their next sequence
    }
  };
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);

  NextTokenEvaluation result;
  result.engines.resize(1);
  for (const auto& part : per_sequence) accumulate(result, part);
  check_has_predictions(result);
  return result;
}

}  // namespace mmfree::reference
