// The batch-first engine: one call feeds tokens to one or more open sequences and says, per
// sequence, which outputs come back (in the manner of llama.cpp's llama_decode).
//
// Every backend (reference, golden, golden-kernel, sim, xrt) implements this interface, so
// every tool is written once against it and `--backend` changes nothing else. A sequence is a
// handle to one decoding state (on a device: one state slot); sequences are opened, reset and
// closed explicitly, so that a server can start and end them as requests come and go.
//
// A batch names each sequence at most once. A device backend runs the sequences of one call
// together, up to the kernel's B lanes per weight pass (decoding sequences one lane each, a
// prompt as a chain of lanes); the outputs are bit-identical to running each sequence alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mmfree/device/device.hpp"
#include "mmfree/model.hpp"

namespace mmfree {

// A sequence's handle: valid from open_sequence() until close_sequence(). Handles are never
// reused by an engine, so a closed handle is always recognised as such.
enum class SequenceId : uint32_t {};

// Which of a sequence's new positions return an output.
enum class Outputs : uint8_t {
  None,  // only the state advances (e.g. the middle of a long prompt)
  Last,  // the output after the last token (the next-token prediction)
  All,   // one output after every token (scoring a text)
};

// What an output is: the full next-token logits, or only their argmax (greedy decoding; on a
// device only four bytes per position then cross the bus).
enum class OutputKind : uint8_t { Logits, Argmax };

// Whether a call reads the device's performance counters after its commands. Reading them is
// some 30 register reads per command (bus round trips on a board), so only measurements ask.
enum class Counters : uint8_t { Skip, Read };

// One sequence's part of a batch.
struct SequenceInput {
  SequenceId sequence{};
  std::span<const uint32_t> tokens;  // at least one, each < vocab_size, fed in order
  Outputs outputs = Outputs::Last;
  OutputKind kind = OutputKind::Logits;
};

// What came back for one SequenceInput. Row r is the output after token first_position + r of
// that input's tokens (Last: one row for the last token; All: a row per token; None: none).
struct SequenceOutput {
  SequenceId sequence{};
  std::size_t first_position = 0;
  std::vector<uint32_t> argmax;  // one per row, for both kinds
  std::vector<float> logits;     // OutputKind::Logits: rows x vocab_size, row after row
  std::size_t vocab_size = 0;

  std::size_t rows() const { return argmax.size(); }
  // Row r's logits; empty for OutputKind::Argmax.
  std::span<const float> row(std::size_t r) const {
    return logits.empty() ? std::span<const float>() : std::span<const float>(logits).subspan(r * vocab_size, vocab_size);
  }
};

struct DecodeResult {
  std::vector<SequenceOutput> outputs;  // one per SequenceInput, in the order given
  // With Counters::Read: the device's performance counters summed over every start command of
  // the call (all of them count events, so sums are meaningful). Empty when the backend has no
  // counters or they were not asked for.
  std::vector<device::Counter> counters;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // The backend's name ("golden", "sim", ...).
  virtual std::string_view name() const = 0;
  virtual const ModelConfig& config() const = 0;
  // How many sequences can be open at once (a device's state slots).
  virtual unsigned max_sequences() const = 0;

  // A new sequence at its start (every layer's MLGRU state zero). DeviceError when all of a
  // device's state slots are taken, naming how many there are.
  virtual SequenceId open_sequence() = 0;
  // Back to the start of the sequence. UsageError for a handle that is not open.
  virtual void reset_sequence(SequenceId sequence) = 0;
  // Frees the sequence (its slot). UsageError for a handle that is not open.
  virtual void close_sequence(SequenceId sequence) = 0;

  // Feeds every input's tokens to its sequence and returns the outputs asked for. Everything
  // is checked before anything runs: UsageError for an empty batch, a handle that is not open,
  // a sequence named twice, an input without tokens, or a token >= vocab_size. DeviceError when
  // the device fails; the sequences of the failed start command are then back at their start
  // (their slots may be part-updated).
  DecodeResult decode(std::span<const SequenceInput> batch, Counters counters = Counters::Skip);

  // The kernel's weight-path self-test (docs/device.md): every row sum of every matrix for the
  // int8 vectors qd [d] and qi [I], with the counters of the command. Device backends only;
  // the others throw UsageError.
  struct SelftestResult {
    std::vector<int32_t> row_sums;
    std::vector<device::Counter> counters;
  };
  virtual SelftestResult run_matvec_selftest(std::span<const int8_t> qd, std::span<const int8_t> qi);

 protected:
  virtual bool is_open(SequenceId sequence) const = 0;
  // decode() after its checks: `batch` is valid.
  virtual DecodeResult run_batch(std::span<const SequenceInput> batch, Counters counters) = 0;
};

// "sequence 7" for messages.
std::string describe(SequenceId sequence);

}  // namespace mmfree
