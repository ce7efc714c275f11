// The pins of one AXI4 master port and of one AXI4-Lite slave port of a Verilated top, as
// SignalRefs, and macros that bind them by the port-name prefix the RTL uses
// (e.g. `m_axi_gmem_` + `arvalid`). Directions are the DUT's: the AXI memory model drives the
// DUT's inputs (arready, rvalid, rdata, ...) and samples its outputs.
#pragma once

#include "mmfree/sim/signal_ref.hpp"

namespace mmfree::sim {

struct AxiMasterPins {
  // Read address
  SignalRef arvalid, arready, araddr, arlen, arsize, arburst, arid;
  // Read data
  SignalRef rvalid, rready, rdata, rresp, rlast, rid;
  // Write address
  SignalRef awvalid, awready, awaddr, awlen, awsize, awburst, awid;
  // Write data
  SignalRef wvalid, wready, wdata, wstrb, wlast;
  // Write response
  SignalRef bvalid, bready, bresp, bid;
  // Memory attributes, when the master drives them (checked in AxiMemorySlave's strict mode).
  SignalRef arcache, arprot, awcache, awprot;
};

struct AxiLitePins {
  SignalRef awvalid, awready, awaddr;
  SignalRef wvalid, wready, wdata, wstrb;
  SignalRef bvalid, bready, bresp;
  SignalRef arvalid, arready, araddr;
  SignalRef rvalid, rready, rdata, rresp;
};

}  // namespace mmfree::sim

// A pin that the top may lack (IDs, burst type): an absent SignalRef when it does not exist.
#define MMFREE_SIM_OPTIONAL_PIN(top, name)                  \
  ([](auto& t) -> ::mmfree::sim::SignalRef {                \
    if constexpr (requires { t.name; }) {                   \
      return ::mmfree::sim::SignalRef(&t.name);             \
    } else {                                                \
      return ::mmfree::sim::SignalRef();                    \
    }                                                       \
  }(top))

// Binds the AXI4 master whose lower-case pins are named <prefix><channel signal>, e.g.
// MMFREE_SIM_BIND_AXI_MASTER(*model, m_axi_gmem_) for m_axi_gmem_arvalid, ...
#define MMFREE_SIM_BIND_AXI_MASTER(top, prefix)                                            \
  ::mmfree::sim::AxiMasterPins {                                                           \
    .arvalid = &(top).prefix##arvalid, .arready = &(top).prefix##arready,                  \
    .araddr = &(top).prefix##araddr, .arlen = &(top).prefix##arlen,                        \
    .arsize = MMFREE_SIM_OPTIONAL_PIN(top, prefix##arsize),                                \
    .arburst = MMFREE_SIM_OPTIONAL_PIN(top, prefix##arburst),                              \
    .arid = MMFREE_SIM_OPTIONAL_PIN(top, prefix##arid), .rvalid = &(top).prefix##rvalid,   \
    .rready = &(top).prefix##rready, .rdata = &(top).prefix##rdata,                        \
    .rresp = MMFREE_SIM_OPTIONAL_PIN(top, prefix##rresp), .rlast = &(top).prefix##rlast,   \
    .rid = MMFREE_SIM_OPTIONAL_PIN(top, prefix##rid), .awvalid = &(top).prefix##awvalid,   \
    .awready = &(top).prefix##awready, .awaddr = &(top).prefix##awaddr,                    \
    .awlen = &(top).prefix##awlen, .awsize = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awsize), \
    .awburst = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awburst),                              \
    .awid = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awid), .wvalid = &(top).prefix##wvalid,   \
    .wready = &(top).prefix##wready, .wdata = &(top).prefix##wdata,                        \
    .wstrb = &(top).prefix##wstrb, .wlast = &(top).prefix##wlast,                          \
    .bvalid = &(top).prefix##bvalid, .bready = &(top).prefix##bready,                      \
    .bresp = MMFREE_SIM_OPTIONAL_PIN(top, prefix##bresp),                                  \
    .bid = MMFREE_SIM_OPTIONAL_PIN(top, prefix##bid),                                      \
    .arcache = MMFREE_SIM_OPTIONAL_PIN(top, prefix##arcache),                              \
    .arprot = MMFREE_SIM_OPTIONAL_PIN(top, prefix##arprot),                                \
    .awcache = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awcache),                              \
    .awprot = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awprot),                                \
  }

// Binds a read-only AXI4 master (a weight port has no write channels).
#define MMFREE_SIM_BIND_AXI_READ_MASTER(top, prefix)                                       \
  ::mmfree::sim::AxiMasterPins {                                                           \
    .arvalid = &(top).prefix##arvalid, .arready = &(top).prefix##arready,                  \
    .araddr = &(top).prefix##araddr, .arlen = &(top).prefix##arlen,                        \
    .arsize = MMFREE_SIM_OPTIONAL_PIN(top, prefix##arsize),                                \
    .arburst = MMFREE_SIM_OPTIONAL_PIN(top, prefix##arburst),                              \
    .arid = MMFREE_SIM_OPTIONAL_PIN(top, prefix##arid), .rvalid = &(top).prefix##rvalid,   \
    .rready = &(top).prefix##rready, .rdata = &(top).prefix##rdata,                        \
    .rresp = MMFREE_SIM_OPTIONAL_PIN(top, prefix##rresp), .rlast = &(top).prefix##rlast,   \
    .rid = MMFREE_SIM_OPTIONAL_PIN(top, prefix##rid),                                      \
    .awvalid = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awvalid),                              \
    .awready = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awready),                              \
    .awaddr = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awaddr),                                \
    .awlen = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awlen),                                  \
    .awsize = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awsize),                                \
    .awburst = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awburst),                              \
    .awid = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awid),                                    \
    .wvalid = MMFREE_SIM_OPTIONAL_PIN(top, prefix##wvalid),                                \
    .wready = MMFREE_SIM_OPTIONAL_PIN(top, prefix##wready),                                \
    .wdata = MMFREE_SIM_OPTIONAL_PIN(top, prefix##wdata),                                  \
    .wstrb = MMFREE_SIM_OPTIONAL_PIN(top, prefix##wstrb),                                  \
    .wlast = MMFREE_SIM_OPTIONAL_PIN(top, prefix##wlast),                                  \
    .bvalid = MMFREE_SIM_OPTIONAL_PIN(top, prefix##bvalid),                                \
    .bready = MMFREE_SIM_OPTIONAL_PIN(top, prefix##bready),                                \
    .bresp = MMFREE_SIM_OPTIONAL_PIN(top, prefix##bresp),                                  \
    .bid = MMFREE_SIM_OPTIONAL_PIN(top, prefix##bid),                                      \
    .arcache = MMFREE_SIM_OPTIONAL_PIN(top, prefix##arcache),                              \
    .arprot = MMFREE_SIM_OPTIONAL_PIN(top, prefix##arprot),                                \
    .awcache = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awcache),                              \
    .awprot = MMFREE_SIM_OPTIONAL_PIN(top, prefix##awprot),                                \
  }

#define MMFREE_SIM_BIND_AXI_LITE(top, prefix)                                              \
  ::mmfree::sim::AxiLitePins {                                                             \
    .awvalid = &(top).prefix##awvalid, .awready = &(top).prefix##awready,                  \
    .awaddr = &(top).prefix##awaddr, .wvalid = &(top).prefix##wvalid,                      \
    .wready = &(top).prefix##wready, .wdata = &(top).prefix##wdata,                        \
    .wstrb = &(top).prefix##wstrb, .bvalid = &(top).prefix##bvalid,                        \
    .bready = &(top).prefix##bready, .bresp = &(top).prefix##bresp,                        \
    .arvalid = &(top).prefix##arvalid, .arready = &(top).prefix##arready,                  \
    .araddr = &(top).prefix##araddr, .rvalid = &(top).prefix##rvalid,                      \
    .rready = &(top).prefix##rready, .rdata = &(top).prefix##rdata,                        \
    .rresp = &(top).prefix##rresp,                                                         \
  }

// The Vitis `interrupt` output. Verilator renames a port that matches a common C++ word to
// __SYM__<name>, so look for both spellings.
#define MMFREE_SIM_INTERRUPT_PIN(top)                          \
  ([](auto& t) -> ::mmfree::sim::SignalRef {                   \
    if constexpr (requires { t.interrupt; }) {                 \
      return ::mmfree::sim::SignalRef(&t.interrupt);           \
    } else if constexpr (requires { t.__SYM__interrupt; }) {   \
      return ::mmfree::sim::SignalRef(&t.__SYM__interrupt);    \
    } else {                                                   \
      return ::mmfree::sim::SignalRef();                       \
    }                                                          \
  }(top))
