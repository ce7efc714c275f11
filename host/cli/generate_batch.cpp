#include "generate_batch.hpp"

#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "mmfree/error.hpp"
#include "mmfree/tokenizer/streaming_detokenizer.hpp"

namespace mmfree::cli {
namespace {

void print_now(const std::string& text) {
  if (text.empty()) return;
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// One prompt on its way through the generation.
struct Job {
  Job(const Tokenizer& tokenizer, const SamplingOptions& sampling) : sampler(sampling), detokenizer(tokenizer) {}
  std::vector<uint32_t> ids;  // BOS + the prompt
  Sampler sampler;
  StreamingDetokenizer detokenizer;
  std::string shown;         // what text mode prints: the prompt's echo, then the continuation
  std::string continuation;  // the generated text alone
  std::size_t printed = 0;   // bytes of `shown` already on stdout
  std::optional<SequenceId> sequence;
  uint32_t next = 0;  // the token to feed next, after the prompt
  uint32_t generated = 0;
  bool done = false;
};

}  // namespace

std::vector<std::string> read_prompts_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("--prompts-file: cannot read '" + path + "'");
  std::vector<std::string> prompts;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // a file written on Windows
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    prompts.push_back(line);
  }
  if (prompts.empty()) throw UsageError("--prompts-file: '" + path + "' has no prompt (one a line)");
  return prompts;
}

void run_batch_generation(Engine& engine, const Tokenizer& tokenizer, const BatchGeneration& request) {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  std::deque<Job> jobs;  // a deque: Jobs stay where they are as more are added
  std::size_t prompt_tokens = 0;
  for (const auto& prompt : request.prompts) {
    Job& job = jobs.emplace_back(tokenizer, request.sampling);
    job.ids.push_back(tokenizer.bos_id());
    const auto encoded = tokenizer.encode(prompt);
    job.ids.insert(job.ids.end(), encoded.begin(), encoded.end());
    prompt_tokens += job.ids.size();
    // The prompt is echoed through the same detokenizer, so the continuation joins it exactly.
    for (const uint32_t id : job.ids) job.shown += job.detokenizer.push(id);
    if (request.max_new_tokens == 0) job.done = true;
  }
  const bool greedy = Sampler(request.sampling).is_greedy();
  const OutputKind kind = greedy ? OutputKind::Argmax : OutputKind::Logits;

  std::size_t head = 0;  // text mode: the first prompt not yet printed whole
  const auto show = [&] {
    if (request.json) return;
    for (; head < jobs.size(); ++head) {
      Job& job = jobs[head];
      print_now(job.shown.substr(job.printed));
      job.printed = job.shown.size();
      if (!job.done) return;
      print_now("\n");
    }
  };
  const auto finish = [&](Job& job) {
    const std::string tail = job.detokenizer.finish();
    job.shown += tail;
    job.continuation += tail;
    job.done = true;
    if (job.sequence) engine.close_sequence(*job.sequence);
    job.sequence.reset();
  };

  uint64_t calls = 0, generated = 0;
  for (std::size_t waiting = 0;;) {
    // Continuous batching: waiting prompts take the sequences finished ones gave back.
    std::size_t open = 0;
    for (const Job& job : jobs) open += job.sequence.has_value();
    for (; waiting < jobs.size() && open < engine.max_sequences(); ++waiting) {
      if (jobs[waiting].done) continue;
      jobs[waiting].sequence = engine.open_sequence();
      ++open;
    }
    std::vector<SequenceInput> batch;
    std::vector<Job*> fed;
    for (Job& job : jobs) {
      if (!job.sequence) continue;
      const std::span<const uint32_t> tokens =
          job.generated == 0 ? std::span<const uint32_t>(job.ids) : std::span<const uint32_t>(&job.next, 1);
      batch.push_back({*job.sequence, tokens, Outputs::Last, kind});
      fed.push_back(&job);
    }
    if (batch.empty()) break;
    const DecodeResult result = engine.decode(batch);
    ++calls;
    for (std::size_t i = 0; i < fed.size(); ++i) {
      Job& job = *fed[i];
      const SequenceOutput& out = result.outputs[i];
      const uint32_t next = greedy ? out.argmax.front() : job.sampler.sample(out.row(0));
      ++job.generated;
      ++generated;
      const std::string piece = job.detokenizer.push(next);
      job.shown += piece;
      job.continuation += piece;
      job.next = next;
      if ((next == tokenizer.eos_id() && !request.ignore_eos) || job.generated == request.max_new_tokens) finish(job);
    }
    show();
  }
  show();

  if (request.json) {
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t k = 0; k < jobs.size(); ++k)
      out.push_back({{"prompt", request.prompts[k]}, {"text", jobs[k].continuation}});
    // Invalid UTF-8 (none expected: the detokenizer emits U+FFFD) is replaced, not thrown on.
    std::puts(out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
  if (request.stats) {
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::fprintf(stderr,
                 "batch: %zu prompts (%zu prompt tokens), %llu tokens generated in %llu decode calls, %.3f s: "
                 "%.1f tokens/s generated in all (prompts included: %.1f tokens/s)\n",
                 jobs.size(), prompt_tokens, static_cast<unsigned long long>(generated),
                 static_cast<unsigned long long>(calls), seconds, double(generated) / seconds,
                 double(generated + prompt_tokens) / seconds);
  }
}

}  // namespace mmfree::cli
