// Negative tests of the AXI master-side protocol checker in AxiMemorySlave
// (sim/include/mmfree/sim/axi_memory_slave.hpp): a scripted master, plain integers standing in
// for a Verilated top's pins, issues one burst that breaks one rule, and the checker must report
// that rule (and the port and cycle). Every other suite only shows that a well-behaved master
// raises nothing, which a checker with a broken rule also does. Each legal counterpart is run
// too, so a checker that complains about everything fails as well.
// Cost: microseconds per case (no Verilated model).
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mmfree/sim/axi_memory_slave.hpp"
#include "mmfree/sim/memory_timing.hpp"
#include "mmfree/sim/sim_memory.hpp"

namespace mmfree::sim_test {
namespace {

using sim::AxiMasterPins;
using sim::AxiMemorySlave;
using sim::SimMemory;

constexpr uint8_t kFixed = 0, kIncr = 1, kWrap = 2, kReserved = 3;
constexpr uint8_t kFullSize = 6;  // 2^6 = 64 bytes, the kernel's bus width

// The pins of one AXI4 master with a 512-bit data bus, as a Verilated top would hold them.
struct ScriptedMaster {
  uint8_t arvalid = 0, arready = 0, arlen = 0, arsize = kFullSize, arburst = kIncr, arid = 0;
  uint64_t araddr = 0;
  uint8_t rvalid = 0, rready = 1, rresp = 0, rlast = 0, rid = 0;
  VlWide<16> rdata{};
  uint8_t awvalid = 0, awready = 0, awlen = 0, awsize = kFullSize, awburst = kIncr, awid = 0;
  uint64_t awaddr = 0;
  uint8_t wvalid = 0, wready = 0, wlast = 0;
  VlWide<16> wdata{};
  uint64_t wstrb = ~uint64_t{0};
  uint8_t bvalid = 0, bready = 1, bresp = 0, bid = 0;
  uint8_t arcache = 0b0011, arprot = 0, awcache = 0b0011, awprot = 0;  // docs/device.md's values

  AxiMasterPins pins() {
    return AxiMasterPins{.arvalid = &arvalid, .arready = &arready, .araddr = &araddr, .arlen = &arlen,
                         .arsize = &arsize, .arburst = &arburst, .arid = &arid, .rvalid = &rvalid,
                         .rready = &rready, .rdata = &rdata, .rresp = &rresp, .rlast = &rlast, .rid = &rid,
                         .awvalid = &awvalid, .awready = &awready, .awaddr = &awaddr, .awlen = &awlen,
                         .awsize = &awsize, .awburst = &awburst, .awid = &awid, .wvalid = &wvalid,
                         .wready = &wready, .wdata = &wdata, .wstrb = &wstrb, .wlast = &wlast,
                         .bvalid = &bvalid, .bready = &bready, .bresp = &bresp, .bid = &bid,
                         .arcache = &arcache, .arprot = &arprot, .awcache = &awcache, .awprot = &awprot};
  }
};

struct Burst {
  uint64_t offset = 0;  // from the start of the allocated memory
  uint32_t beats = 1;
  uint8_t size_log2 = kFullSize;
  uint8_t type = kIncr;
  // Writes only: the beat (0-based) that carries WLAST; -1: the last one, as the protocol says.
  int wlast_on_beat = -1;
  uint8_t cache = 0b0011, prot = 0;  // AxCACHE, AxPROT
};

class CheckerRig {
 public:
  explicit CheckerRig(bool full_width_incr_only = false) {
    base_ = memory_.allocate(16 * 4096);
    slave_ = std::make_unique<AxiMemorySlave>("m_axi_test", master_.pins(), memory_,
                                              sim::memory_timing_preset("ideal"));
    slave_->set_full_width_incr_only(full_width_incr_only);
  }

  // Issues the read burst and takes its data; returns the checker's report.
  std::string read(const Burst& b) {
    master_.araddr = base_ + b.offset;
    master_.arlen = static_cast<uint8_t>(b.beats - 1);
    master_.arsize = b.size_log2;
    master_.arburst = b.type;
    master_.arcache = b.cache;
    master_.arprot = b.prot;
    master_.arvalid = 1;
    for (int guard = 0; guard < 1000 && master_.arvalid; ++guard) {
      slave_->drive(cycle_);
      const bool accepted = master_.arready;
      slave_->sample(cycle_++);
      if (accepted) master_.arvalid = 0;
    }
    for (int guard = 0; guard < 1000 && !slave_->idle(); ++guard) step();
    EXPECT_TRUE(slave_->idle()) << "the read burst did not complete";
    return slave_->protocol_error();
  }

  // Issues the write burst, sends its beats (WLAST where `b` says) and takes the response.
  std::string write(const Burst& b) {
    master_.awaddr = base_ + b.offset;
    master_.awlen = static_cast<uint8_t>(b.beats - 1);
    master_.awsize = b.size_log2;
    master_.awburst = b.type;
    master_.awcache = b.cache;
    master_.awprot = b.prot;
    master_.awvalid = 1;
    const uint32_t wlast_beat = b.wlast_on_beat < 0 ? b.beats - 1 : static_cast<uint32_t>(b.wlast_on_beat);
    uint32_t sent = 0;
    for (int guard = 0; guard < 1000 && (master_.awvalid || sent < b.beats); ++guard) {
      slave_->drive(cycle_);
      master_.wvalid = sent < b.beats;
      master_.wlast = sent == wlast_beat;
      const bool aw_accepted = master_.awvalid && master_.awready;
      const bool w_accepted = master_.wvalid && master_.wready;
      slave_->sample(cycle_++);
      if (aw_accepted) master_.awvalid = 0;
      if (w_accepted) ++sent;
    }
    master_.wvalid = 0;
    for (int guard = 0; guard < 1000 && !slave_->idle(); ++guard) step();
    EXPECT_TRUE(slave_->idle()) << "the write burst did not complete";
    return slave_->protocol_error();
  }

 private:
  void step() {
    slave_->drive(cycle_);
    slave_->sample(cycle_++);
  }

  SimMemory memory_;
  ScriptedMaster master_;
  std::unique_ptr<AxiMemorySlave> slave_;
  uint64_t base_ = 0;
  uint64_t cycle_ = 1;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(AxiProtocolChecker, LegalFullWidthBurstsRaiseNothingEvenWhenStrict) {
  CheckerRig rig(/*full_width_incr_only=*/true);
  EXPECT_EQ(rig.read({.offset = 4096 - 64 * 16, .beats = 16}), "");  // ends exactly on the 4 KiB boundary
  EXPECT_EQ(rig.write({.offset = 8192, .beats = 64}), "");           // a whole 4 KiB page
  EXPECT_EQ(rig.read({.offset = 0, .beats = 1}), "");
}

TEST(AxiProtocolChecker, ReadBurstCrossingA4KiBBoundary) {
  CheckerRig rig;
  const std::string error = rig.read({.offset = 4096 - 64, .beats = 2});
  EXPECT_TRUE(contains(error, "read burst at 0x10000fc0 of 2 beats crosses a 4 KiB boundary")) << error;
  EXPECT_TRUE(contains(error, "m_axi_test at cycle ")) << error;
}

TEST(AxiProtocolChecker, WriteBurstCrossingA4KiBBoundary) {
  CheckerRig rig;
  const std::string error = rig.write({.offset = 2 * 4096 - 3 * 64, .beats = 4});
  EXPECT_TRUE(contains(error, "write burst at 0x10001f40 of 4 beats crosses a 4 KiB boundary")) << error;
}

TEST(AxiProtocolChecker, WlastBeforeTheLastBeat) {
  CheckerRig rig;
  const std::string error = rig.write({.offset = 0, .beats = 4, .wlast_on_beat = 2});
  EXPECT_TRUE(contains(error, "WLAST set before the last beat of the write burst at 0x10000000")) << error;
}

TEST(AxiProtocolChecker, WlastMissingOnTheLastBeat) {
  CheckerRig rig;
  const std::string error = rig.write({.offset = 0, .beats = 4, .wlast_on_beat = 99});
  EXPECT_TRUE(contains(error, "WLAST missing on the last beat of the write burst at 0x10000000")) << error;
}

TEST(AxiProtocolChecker, SizeWiderThanTheBus) {
  CheckerRig rig;
  const std::string error = rig.read({.offset = 0, .beats = 1, .size_log2 = 7});
  EXPECT_TRUE(contains(error, "read burst size 2^7 exceeds the 64-byte bus")) << error;
  CheckerRig write_rig;
  const std::string write_error = write_rig.write({.offset = 0, .beats = 1, .size_log2 = 7});
  EXPECT_TRUE(contains(write_error, "write burst size 2^7 exceeds the 64-byte bus")) << write_error;
}

TEST(AxiProtocolChecker, ReservedBurstType) {
  CheckerRig rig;
  const std::string error = rig.read({.offset = 0, .beats = 2, .type = kReserved});
  EXPECT_TRUE(contains(error, "read burst type 3 is reserved")) << error;
}

TEST(AxiProtocolChecker, WrapBurstOfAnIllegalLengthOrAlignment) {
  CheckerRig length_rig;
  const std::string length = length_rig.read({.offset = 0, .beats = 3, .type = kWrap});
  EXPECT_TRUE(contains(length, "read WRAP burst at 0x10000000 has an illegal length or alignment")) << length;
  CheckerRig alignment_rig;
  const std::string alignment = alignment_rig.write({.offset = 8, .beats = 4, .type = kWrap});
  EXPECT_TRUE(contains(alignment, "write WRAP burst at 0x10000008 has an illegal length or alignment")) << alignment;
  // A legal WRAP (4 beats, aligned to the beat) is fine when full-width INCR is not required.
  CheckerRig legal_rig;
  EXPECT_EQ(legal_rig.read({.offset = 128, .beats = 4, .type = kWrap}), "");
}

// docs/device.md: every mmfree master issues full-width, aligned INCR bursts only. FIXED, WRAP,
// narrow and unaligned bursts are legal AXI (the relaxed checker accepts them) and must be
// reported once the strict rule is on.
TEST(AxiProtocolChecker, StrictModeReportsFixedWrapNarrowAndUnalignedBursts) {
  const std::vector<std::pair<const char*, Burst>> cases = {
      {"FIXED", {.offset = 0, .beats = 2, .type = kFixed}},
      {"WRAP", {.offset = 0, .beats = 4, .type = kWrap}},
      {"narrow (32 of 64 bytes)", {.offset = 0, .beats = 2, .size_log2 = 5}},
      {"unaligned INCR", {.offset = 4, .beats = 2}},
  };
  for (const auto& [label, burst] : cases) {
    CheckerRig relaxed;
    EXPECT_EQ(relaxed.read(burst), "") << label << " is legal AXI";
    CheckerRig strict(/*full_width_incr_only=*/true);
    const std::string read_error = strict.read(burst);
    EXPECT_TRUE(contains(read_error, "is not a full-width, aligned INCR burst")) << label << ": " << read_error;
    CheckerRig strict_write(/*full_width_incr_only=*/true);
    const std::string write_error = strict_write.write(burst);
    EXPECT_TRUE(contains(write_error, "write burst at")) << label << ": " << write_error;
    EXPECT_TRUE(contains(write_error, "is not a full-width, aligned INCR burst")) << label << ": " << write_error;
  }
}

// docs/device.md: AxCACHE = 0b0011 and AxPROT = 0 on every mmfree master. Other values are
// legal AXI, reported in strict mode only.
TEST(AxiProtocolChecker, StrictModeReportsOtherCacheAndProtectionAttributes) {
  CheckerRig relaxed;
  EXPECT_EQ(relaxed.read({.offset = 0, .beats = 2, .cache = 0b1111, .prot = 0b010}), "");
  CheckerRig read_cache(/*full_width_incr_only=*/true);
  const std::string rc = read_cache.read({.offset = 0, .beats = 2, .cache = 0b0000});
  EXPECT_TRUE(contains(rc, "read burst at 0x10000000 has ARCACHE 0x0, not 0x3")) << rc;
  CheckerRig read_prot(/*full_width_incr_only=*/true);
  const std::string rp = read_prot.read({.offset = 0, .beats = 2, .prot = 0b010});
  EXPECT_TRUE(contains(rp, "read burst at 0x10000000 has ARPROT 0x2, not 0")) << rp;
  CheckerRig write_cache(/*full_width_incr_only=*/true);
  const std::string wc = write_cache.write({.offset = 64, .beats = 2, .cache = 0b0010});
  EXPECT_TRUE(contains(wc, "write burst at 0x10000040 has AWCACHE 0x2, not 0x3")) << wc;
  CheckerRig write_prot(/*full_width_incr_only=*/true);
  const std::string wp = write_prot.write({.offset = 64, .beats = 2, .prot = 0b001});
  EXPECT_TRUE(contains(wp, "write burst at 0x10000040 has AWPROT 0x1, not 0")) << wp;
}

TEST(AxiProtocolChecker, KeepsTheFirstViolation) {
  CheckerRig rig;
  const std::string first = rig.read({.offset = 0, .beats = 2, .type = kReserved});
  const std::string after = rig.read({.offset = 4096 - 64, .beats = 2});
  EXPECT_EQ(after, first);
  EXPECT_TRUE(contains(after, "burst type 3 is reserved")) << after;
}

}  // namespace
}  // namespace mmfree::sim_test
