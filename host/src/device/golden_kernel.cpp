#include "device/golden_kernel.hpp"

#include <algorithm>
#include <cstring>
#include <tuple>
#include <string_view>
#include <vector>

#include "device/golden_token_pass.hpp"
#include "device/lane_arguments.hpp"
#include "device/memory_layout.hpp"
#include "mmfree/mmf_format.hpp"
#include "mmfree/regmap.hpp"

namespace mmfree::device {
namespace {

using Words = std::array<uint32_t, GoldenControlSlave::kWords>;

uint32_t word(const Words& w, uint32_t offset) { return w[offset / 4]; }
uint64_t word64(const Words& w, uint32_t offset) { return (uint64_t(w[offset / 4 + 1]) << 32) | w[offset / 4]; }

// A memory access outside every buffer: what DECERR is to the RTL.
struct AxiError {};

template <typename T>
T load(DeviceMemory& memory, uint64_t address) {
  T value;
  if (!memory.read(address, std::as_writable_bytes(std::span<T>(&value, 1)))) throw AxiError{};
  return value;
}

template <typename T>
std::span<const T> view(DeviceMemory& memory, uint64_t address, std::size_t count) {
  const std::span<std::byte> bytes = memory.at(address, count * sizeof(T));
  if (bytes.data() == nullptr) throw AxiError{};
  // Every buffer is 4 KiB aligned and every vector in the layout is 64-byte aligned, but a
  // wrong descriptor could point anywhere: refuse what the RTL's full-beat reads cannot do.
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(T) != 0) throw AxiError{};
  return std::span<const T>(reinterpret_cast<const T*>(bytes.data()), count);
}

// The weight-path self-test (flags.matvec_selftest, docs/device.md): the int8 vectors qd [d]
// and qi [I] from the start of io (each region rounded up to 64 bytes), every row sum of every
// matrix in stream order written after them as int32, and not a byte more. Matrices with d
// columns take qd, down_proj (I columns) takes qi.
template <typename Store>
void run_matvec_selftest(DeviceMemory& memory, const mmf::DeviceDescriptor& desc, uint64_t io,
                         const PortStreams& weights, const Store& store) {
  const uint64_t qd_bytes = mmf::round_up(desc.hidden_size, 64), qi_bytes = mmf::round_up(desc.intermediate_size, 64);
  const std::span<const int8_t> qd = view<int8_t>(memory, io, desc.hidden_size);
  const std::span<const int8_t> qi = view<int8_t>(memory, io + qd_bytes, desc.intermediate_size);
  std::size_t total_rows = 0;
  for (const auto& m : weights.order) total_rows += m.rows;
  std::vector<int32_t> sums(total_rows, 0), scratch;
  std::size_t row = 0;
  for (std::size_t m = 0; m < weights.order.size(); ++m) {
    const StreamMatrix& sm = weights.order[m];
    weights.matvec(m, sm.index == static_cast<uint32_t>(Projection::Down) ? qi : qd,
                   std::span<int32_t>(sums).subspan(row, sm.rows), scratch);
    row += sm.rows;
  }
  store(io + qd_bytes + qi_bytes, std::span<const int32_t>(sums));
}

}  // namespace

void GoldenKernel::memory_written(uint64_t address, std::size_t size) {
  if (converted_ && address < converted_->last && address + size > converted_->first) converted_.reset();
}

uint32_t GoldenKernel::run(const Words& words, GoldenControlSlave& control) {
  const uint64_t params = word64(words, regmap::params::kOffset);
  const uint64_t state = word64(words, regmap::state::kOffset);
  const uint64_t io = word64(words, regmap::io::kOffset);
  const uint32_t flags = word(words, regmap::flags::kOffset);
  const LaneArguments lanes = LaneArguments::from_words(words);
  const uint32_t num_tokens = lanes.num_tokens, num_lanes = lanes.num_lanes;
  const unsigned ports = config_.weight_ports;
  const bool selftest = flags & regmap::flags::kMatvecSelftest;

  // Token mode's argument checks, at accept: nothing read, nothing written, counters 0.
  if (!selftest)
    if (const uint32_t status = check_lane_arguments(lanes, config_.batch_lanes)) return status;

  uint64_t tokens_done = 0;    // lane-tokens
  uint64_t weight_passes = 0;  // how often the weight streams were read: once per pass
  const uint64_t lanes_per_weight = selftest ? 1 : num_lanes;
  std::vector<uint64_t> port_bytes(ports, 0);
  uint64_t array_bytes = 0;  // 2-bit bytes the arrays take a pass (the same in either encoding)
  const auto publish_counters = [&] {
    uint64_t total = 0;
    for (unsigned p = 0; p < ports; ++p) {
      control.set_counter(regmap::weight_port_bytes_offset(p), port_bytes[p] * weight_passes);
      total += port_bytes[p] * weight_passes;
    }
    control.set_counter(regmap::counter::kTokens, tokens_done);
    control.set_counter(regmap::counter::kWeightBytes, total);
    // Four 2-bit codes per byte the arrays take (the same in either encoding), each applied
    // to every lane.
    control.set_counter(regmap::counter::kTernaryOps,
                        array_bytes * weight_passes * 4 * lanes_per_weight);
  };

  // A kernel write into memory; one that lands in the image drops the converted parameters.
  const auto store = [&]<typename T>(uint64_t address, std::span<const T> values) {
    if (!memory_.write(address, std::as_bytes(values))) throw AxiError{};
    memory_written(address, values.size_bytes());
  };

  try {
    // Descriptor: the file header's magic and version, then the fixed-offset descriptor.
    char magic[8];
    if (!memory_.read(params, std::as_writable_bytes(std::span<char>(magic)))) throw AxiError{};
    const uint32_t version = load<uint32_t>(memory_, params + 8);
    if (std::memcmp(magic, mmf::kMagic, sizeof magic) != 0 || version != mmf::kFormatVersion)
      return regmap::status::kBadDescriptor;
    const auto desc = load<mmf::DeviceDescriptor>(memory_, params + mmf::kDeviceDescriptorOffset);
    const auto bad_stride = [](uint32_t stride) { return stride == 0 || stride % mmf::kRowAlignment != 0; };
    if (desc.hidden_size == 0 || desc.num_layers == 0 || desc.intermediate_size == 0 || desc.vocab_size == 0 ||
        bad_stride(desc.row_stride_d) || bad_stride(desc.row_stride_i) || desc.hidden_size < ports ||
        !(config_.weight_encodings >> std::min<uint32_t>(desc.weight_encoding, 31) & 1u))
      return regmap::status::kBadDescriptor;
    if (desc.hidden_size > config_.max_hidden || desc.intermediate_size > config_.max_intermediate)
      return regmap::status::kTooLarge;

    // The weight streams: port p's rows of every matrix, back to back from wNN.
    const std::vector<StreamMatrix> order = stream_order(desc);
    std::vector<std::span<const uint8_t>> streams(ports);
    const auto encoding = static_cast<mmf::WeightEncoding>(desc.weight_encoding);
    for (unsigned p = 0; p < ports; ++p) {
      port_bytes[p] = port_stream_bytes(order, ports, p, encoding);
      array_bytes += port_stream_bytes(order, ports, p, mmf::WeightEncoding::TwoBit);
      streams[p] = view<uint8_t>(memory_, word64(words, regmap::weight_port_offset(p)), port_bytes[p]);
    }
    // A trit5 byte above 242 is never written: the RTL's decoders flag it (status.bad_descriptor,
    // its trits read as zero weights); the model refuses the command outright.
    if (encoding == mmf::WeightEncoding::Trit5)
      for (const auto& stream : streams)
        for (const uint8_t b : stream)
          if (b >= mmf::kFirstInvalidTrit5Byte) return regmap::status::kBadDescriptor;

    if (selftest) {
      run_matvec_selftest(memory_, desc, io, PortStreams(order, streams, encoding), store);
      weight_passes = 1;
      publish_counters();
      return 0;
    }

    const uint64_t slot_bytes = state_slot_bytes(desc.num_layers, desc.hidden_size);
    const auto slot_address = [&](unsigned lane) { return state + uint64_t(lanes.slots[lane]) * slot_bytes; };
    for (unsigned k = 0; k < num_lanes; ++k)
      if (lanes.resets(k)) {
        const std::vector<uint32_t> zeros(slot_bytes / 4, 0);
        store(slot_address(k), std::span<const uint32_t>(zeros));
      }

    if (!converted_ || converted_->params != params) {
      auto fresh = std::make_unique<Converted>();
      fresh->params = params;
      std::tie(fresh->first, fresh->last) = memory_.extent_of(params);
      fresh->parameters = read_kernel_parameters(desc, [&](uint64_t offset, std::size_t count) {
        return view<float>(memory_, params + offset, count);
      });
      fresh->pass = std::make_unique<GoldenTokenPass>(fresh->parameters);
      converted_ = std::move(fresh);
    }
    GoldenTokenPass& pass = *converted_->pass;
    const PortStreams weights(order, streams, encoding);

    const IoLayout io_layout(num_tokens, num_lanes, desc.vocab_size);
    const bool all_logits = flags & regmap::flags::kAllLogits;
    const bool no_logits = flags & regmap::flags::kNoLogits;
    const uint64_t state_words = uint64_t(desc.num_layers) * desc.hidden_size;
    std::vector<uint32_t> tokens(num_lanes);
    std::vector<int32_t> h(state_words);
    for (uint32_t t = 0; t < num_tokens; ++t) {
      // The pass's K tokens, all checked before the pass writes anything.
      for (unsigned k = 0; k < num_lanes; ++k) tokens[k] = load<uint32_t>(memory_, io + io_layout.token_offset(t, k));
      if (std::any_of(tokens.begin(), tokens.end(), [&](uint32_t token) { return token >= desc.vocab_size; })) {
        publish_counters();
        return regmap::status::kBadToken;
      }
      // The lanes one after another, each a whole token: a lane of a chain then finds in its
      // slot what the lane before it left at every layer, which is what the kernel's
      // layer-by-layer chain hands on (docs/device.md, Lanes and chains), and independent lanes
      // cannot see each other.
      for (unsigned k = 0; k < num_lanes; ++k) {
        const auto embedding = view<float>(
            memory_, params + desc.embeddings_offset + uint64_t(tokens[k]) * 4 * desc.hidden_size, desc.hidden_size);
        const std::span<const int32_t> h_in = view<int32_t>(memory_, slot_address(k), state_words);
        std::copy(h_in.begin(), h_in.end(), h.begin());
        const std::span<const int32_t> logits = pass.run(embedding, h, weights);
        store(slot_address(k), std::span<const int32_t>(h));
        const uint32_t argmax = argmax_of(logits);
        store(io + io_layout.argmax_offset(t, k), std::span<const uint32_t>(&argmax, 1));
        if (!no_logits && (all_logits || t + 1 == num_tokens))
          store(io + io_layout.logits_offset(all_logits ? uint64_t(t) * num_lanes + k : k), logits);
      }
      tokens_done += num_lanes;
      ++weight_passes;
    }
    publish_counters();
    return 0;
  } catch (const AxiError&) {
    publish_counters();
    return regmap::status::kAxiError;
  }
}

}  // namespace mmfree::device
