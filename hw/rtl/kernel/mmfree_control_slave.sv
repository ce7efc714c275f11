// AXI4-Lite control slave of mmfree_kernel: the Vitis ap_ctrl_hs block protocol, the interrupt,
// the kernel-argument registers and the read-out of the performance counters. Offsets and bit
// positions come from the generated mmfree_reg_pkg (hw/contract/mmfree_contract.toml).
//
// The kernel core sees a level `start_o` (ap_start while idle) and answers with a one-cycle
// `done_i` when the command has completed. ap_done and ap_ready rise together at that point:
// the core latches its arguments when it starts, but the host runtime only rewrites them after
// ap_done, so one event serves both (docs/device.md).
//
// Writes: the address and data channels are taken independently, the register is written once
// both are held, then the response is given; one write in flight at a time. Reads: one cycle
// from the address handshake to rvalid; side effects (clear on read, the counter high-word
// latch) happen at the address handshake.
module mmfree_control_slave #(
  parameter int unsigned NumWeightPorts  = 1,
  parameter int unsigned WeightDataWidth = mmfree_contract_pkg::WeightDataWidth,
  parameter int unsigned MaxHidden       = mmfree_contract_pkg::MaxHidden,
  parameter int unsigned MaxIntermediate = mmfree_contract_pkg::MaxIntermediate,
  parameter int unsigned BatchLanes      = mmfree_contract_pkg::BatchLanes,
  parameter int unsigned NumCounters     = mmfree_reg_pkg::NumCounters,
  // Derived; not meant to be overridden.
  parameter int unsigned AddrWidth       = mmfree_reg_pkg::RegAddrWidth
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,

  // AXI4-Lite slave.
  input  logic                         awvalid_i,
  output logic                         awready_o,
  input  logic [AddrWidth-1:0]         awaddr_i,
  input  logic                         wvalid_i,
  output logic                         wready_o,
  input  logic [31:0]                  wdata_i,
  input  logic [3:0]                   wstrb_i,
  output logic                         bvalid_o,
  input  logic                         bready_i,
  output logic [1:0]                   bresp_o,
  input  logic                         arvalid_i,
  output logic                         arready_o,
  input  logic [AddrWidth-1:0]         araddr_i,
  output logic                         rvalid_o,
  input  logic                         rready_i,
  output logic [31:0]                  rdata_o,
  output logic [1:0]                   rresp_o,

  output logic                         interrupt_o,

  // Kernel core.
  output logic                         start_o,   // level: ap_start while idle
  input  logic                         done_i,    // one cycle: the started command completed
  input  logic [31:0]                  status_i,  // `status` register, valid with done_i

  // Argument registers (the core latches them when it starts).
  output logic [63:0]                  params_o,
  output logic [63:0]                  state_o,
  output logic [63:0]                  io_o,
  output logic [31:0]                  num_tokens_o,
  output logic [31:0]                  num_lanes_o,
  output logic [31:0]                  flags_o,
  output logic [31:0]                  num_slots_o,
  output logic [31:0]                  lane_reset_o,
  output logic [32*BatchLanes-1:0]     lane_slots_o,   // lane k's slot at [32k +: 32]
  output logic [64*NumWeightPorts-1:0] weight_base_o,  // port p at [64p +: 64]

  // Counters (counter i at [64i +: 64], in the order of mmfree_reg_pkg's Cnt*Idx).
  input  logic [64*NumCounters-1:0]    counters_i,
  input  logic [64*NumWeightPorts-1:0] port_bytes_i
);

  localparam int unsigned WordBits = AddrWidth - 2;

  // Registers are whole words: the byte-in-word bits are ignored.
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic [WordBits-1:0] word_of(input logic [AddrWidth-1:0] byte_addr);
    word_of = byte_addr[AddrWidth-1:2];
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // Byte-lane merge of a write into a 32-bit register.
  function automatic logic [31:0] merge(input logic [31:0] old, input logic [31:0] data, input logic [3:0] strb);
    logic [31:0] out;
    for (int unsigned b = 0; b < 4; b++) begin
      out[8*b +: 8] = strb[b] ? data[8*b +: 8] : old[8*b +: 8];
    end
    merge = out;
  endfunction

  // -------------------------------------------------------------------------------------------
  // Write channel capture.
  logic                 aw_held_q, w_held_q, bvalid_q;
  logic [AddrWidth-1:0] aw_addr_q;
  logic [31:0]          w_data_q;
  logic [3:0]           w_strb_q;
  logic                 do_write;

  assign awready_o = !aw_held_q && !bvalid_q;
  assign wready_o  = !w_held_q && !bvalid_q;
  assign do_write  = aw_held_q && w_held_q;
  assign bvalid_o  = bvalid_q;
  assign bresp_o   = 2'b00;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      aw_held_q <= 1'b0;
      w_held_q  <= 1'b0;
      bvalid_q  <= 1'b0;
      aw_addr_q <= '0;
      w_data_q  <= '0;
      w_strb_q  <= '0;
    end else begin
      if (awvalid_i && awready_o) begin
        aw_held_q <= 1'b1;
        aw_addr_q <= awaddr_i;
      end
      if (wvalid_i && wready_o) begin
        w_held_q <= 1'b1;
        w_data_q <= wdata_i;
        w_strb_q <= wstrb_i;
      end
      if (do_write) begin
        aw_held_q <= 1'b0;
        w_held_q  <= 1'b0;
        bvalid_q  <= 1'b1;
      end else if (bvalid_q && bready_i) begin
        bvalid_q <= 1'b0;
      end
    end
  end

  // `en` and an access to the word of `addr` that is the word of register `offset`.
  function automatic logic hit(input logic en, input logic [AddrWidth-1:0] addr,
                               input logic [AddrWidth-1:0] offset);
    hit = en && (word_of(addr) == word_of(offset));
  endfunction

  // -------------------------------------------------------------------------------------------
  // Read address decode.
  logic rd_accept;
  assign rd_accept = arvalid_i && arready_o;


  // -------------------------------------------------------------------------------------------
  // Block-level control: ap_start, ap_done, ap_ready, auto_restart, busy.
  logic ap_start_q, ap_start_d;
  logic ap_done_q, ap_done_d;
  logic ap_ready_q, ap_ready_d;
  logic auto_restart_q, auto_restart_d;
  logic busy_q, busy_d;
  logic gie_q, gie_d;
  logic [1:0] ier_q, ier_d, isr_q, isr_d;
  logic [31:0] status_q, status_d;

  assign start_o = ap_start_q && !busy_q;

  always_comb begin
    ap_start_d     = ap_start_q;
    ap_done_d      = ap_done_q;
    ap_ready_d     = ap_ready_q;
    auto_restart_d = auto_restart_q;
    busy_d         = busy_q;
    gie_d          = gie_q;
    ier_d          = ier_q;
    isr_d          = isr_q;
    status_d       = status_q;

    if (hit(do_write, aw_addr_q, mmfree_reg_pkg::RegCtrlOffset)) begin
      if (w_strb_q[0]) begin
        // Writing 0 to ap_start does not stop a command: only completion lowers it.
        if (w_data_q[mmfree_reg_pkg::CtrlApStartBit]) ap_start_d = 1'b1;
        auto_restart_d = w_data_q[mmfree_reg_pkg::CtrlAutoRestartBit];
      end
    end
    if (hit(do_write, aw_addr_q, mmfree_reg_pkg::RegGieOffset) && w_strb_q[0]) gie_d = w_data_q[mmfree_reg_pkg::GieEnableBit];
    if (hit(do_write, aw_addr_q, mmfree_reg_pkg::RegIerOffset) && w_strb_q[0]) begin
      ier_d[0] = w_data_q[mmfree_reg_pkg::IerDoneBit];
      ier_d[1] = w_data_q[mmfree_reg_pkg::IerReadyBit];
    end
    if (hit(do_write, aw_addr_q, mmfree_reg_pkg::RegIsrOffset) && w_strb_q[0]) begin
      isr_d[0] = isr_q[0] ^ w_data_q[mmfree_reg_pkg::IsrDoneBit];
      isr_d[1] = isr_q[1] ^ w_data_q[mmfree_reg_pkg::IsrReadyBit];
    end

    // Clear on read first, so an event in the same cycle is not lost.
    if (hit(rd_accept, araddr_i, mmfree_reg_pkg::RegCtrlOffset)) begin
      ap_done_d  = 1'b0;
      ap_ready_d = 1'b0;
    end

    if (start_o) begin
      busy_d = 1'b1;
    end
    if (done_i) begin
      busy_d     = 1'b0;
      ap_done_d  = 1'b1;
      ap_ready_d = 1'b1;
      ap_start_d = auto_restart_d;
      status_d   = status_i;
      if (ier_d[0]) isr_d[0] = 1'b1;
      if (ier_d[1]) isr_d[1] = 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ap_start_q     <= 1'b0;
      ap_done_q      <= 1'b0;
      ap_ready_q     <= 1'b0;
      auto_restart_q <= 1'b0;
      busy_q         <= 1'b0;
      gie_q          <= 1'b0;
      ier_q          <= '0;
      isr_q          <= '0;
      status_q       <= '0;
    end else begin
      ap_start_q     <= ap_start_d;
      ap_done_q      <= ap_done_d;
      ap_ready_q     <= ap_ready_d;
      auto_restart_q <= auto_restart_d;
      busy_q         <= busy_d;
      gie_q          <= gie_d;
      ier_q          <= ier_d;
      isr_q          <= isr_d;
      status_q       <= status_d;
    end
  end

  assign interrupt_o = gie_q && (|isr_q);

  // -------------------------------------------------------------------------------------------
  // Argument registers.
  logic [63:0]                  params_q, state_q, io_q;
  logic [31:0]                  num_tokens_q, num_lanes_q, flags_q, num_slots_q, lane_reset_q;
  logic [64*NumWeightPorts-1:0] weight_base_q;
  // Only this build's lanes have a slot register (as only its ports have a buffer argument).
  logic [32*BatchLanes-1:0]     lane_slots_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      params_q      <= '0;
      state_q       <= '0;
      io_q          <= '0;
      num_tokens_q  <= '0;
      num_lanes_q   <= '0;
      flags_q       <= '0;
      num_slots_q   <= '0;
      lane_reset_q  <= '0;
      lane_slots_q  <= '0;
      weight_base_q <= '0;
    end else if (do_write) begin
      if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgParamsOffset))          params_q[31:0]  <= merge(params_q[31:0], w_data_q, w_strb_q);
      if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgParamsOffset + 4))      params_q[63:32] <= merge(params_q[63:32], w_data_q, w_strb_q);
      if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgStateOffset))           state_q[31:0]   <= merge(state_q[31:0], w_data_q, w_strb_q);
      if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgStateOffset + 4))       state_q[63:32]  <= merge(state_q[63:32], w_data_q, w_strb_q);
      if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgIoOffset))              io_q[31:0]      <= merge(io_q[31:0], w_data_q, w_strb_q);
      if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgIoOffset + 4))          io_q[63:32]     <= merge(io_q[63:32], w_data_q, w_strb_q);
      if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgNumTokensOffset))       num_tokens_q    <= merge(num_tokens_q, w_data_q, w_strb_q);
      if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgNumLanesOffset))        num_lanes_q     <= merge(num_lanes_q, w_data_q, w_strb_q);
      if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgFlagsOffset))           flags_q         <= merge(flags_q, w_data_q, w_strb_q);
      if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgNumSlotsOffset))        num_slots_q     <= merge(num_slots_q, w_data_q, w_strb_q);
      if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgLaneResetOffset))       lane_reset_q    <= merge(lane_reset_q, w_data_q, w_strb_q);
      for (int unsigned k = 0; k < BatchLanes; k++) begin
        if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgLaneSlotOffset + AddrWidth'(mmfree_reg_pkg::ArgLaneSlotStride * k))) begin
          lane_slots_q[32*k +: 32] <= merge(lane_slots_q[32*k +: 32], w_data_q, w_strb_q);
        end
      end
      for (int unsigned p = 0; p < NumWeightPorts; p++) begin
        if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgWeightOffset + AddrWidth'(mmfree_reg_pkg::ArgWeightStride * p))) begin
          weight_base_q[64*p +: 32] <= merge(weight_base_q[64*p +: 32], w_data_q, w_strb_q);
        end
        if (hit(do_write, aw_addr_q, mmfree_reg_pkg::ArgWeightOffset + AddrWidth'(mmfree_reg_pkg::ArgWeightStride * p + 4))) begin
          weight_base_q[64*p + 32 +: 32] <= merge(weight_base_q[64*p + 32 +: 32], w_data_q, w_strb_q);
        end
      end
    end
  end

  assign params_o      = params_q;
  assign state_o       = state_q;
  assign io_o          = io_q;
  assign num_tokens_o  = num_tokens_q;
  assign num_lanes_o   = num_lanes_q;
  assign flags_o       = flags_q;
  assign num_slots_o   = num_slots_q;
  assign lane_reset_o  = lane_reset_q;
  assign lane_slots_o  = lane_slots_q;
  assign weight_base_o = weight_base_q;

  // -------------------------------------------------------------------------------------------
  // Read data. Reading a counter's low word latches its high word into hi_shadow_q.
  logic        rvalid_q;
  logic [31:0] rdata_q, rdata_d;
  logic [31:0] hi_shadow_q, hi_shadow_d;

  assign arready_o = !rvalid_q;
  assign rvalid_o  = rvalid_q;
  assign rdata_o   = rdata_q;
  assign rresp_o   = 2'b00;

  localparam int unsigned CounterBase = 32'(mmfree_reg_pkg::CntCyclesOffset);
  localparam int unsigned PortBytesBase = 32'(mmfree_reg_pkg::CntWeightPortBytesOffset);

  always_comb begin
    rdata_d     = '0;
    hi_shadow_d = hi_shadow_q;
    case (word_of(araddr_i))
      word_of(mmfree_reg_pkg::RegCtrlOffset): begin
        rdata_d[mmfree_reg_pkg::CtrlApStartBit]     = ap_start_q;
        rdata_d[mmfree_reg_pkg::CtrlApDoneBit]      = ap_done_q;
        rdata_d[mmfree_reg_pkg::CtrlApIdleBit]      = !busy_q;
        rdata_d[mmfree_reg_pkg::CtrlApReadyBit]     = ap_ready_q;
        rdata_d[mmfree_reg_pkg::CtrlAutoRestartBit] = auto_restart_q;
      end
      word_of(mmfree_reg_pkg::RegGieOffset):            rdata_d[mmfree_reg_pkg::GieEnableBit] = gie_q;
      word_of(mmfree_reg_pkg::RegIerOffset):            rdata_d[1:0] = ier_q;
      word_of(mmfree_reg_pkg::RegIsrOffset):            rdata_d[1:0] = isr_q;
      word_of(mmfree_reg_pkg::RegStatusOffset):         rdata_d = status_q;
      word_of(mmfree_reg_pkg::ArgParamsOffset):         rdata_d = params_q[31:0];
      word_of(mmfree_reg_pkg::ArgParamsOffset + 4):     rdata_d = params_q[63:32];
      word_of(mmfree_reg_pkg::ArgStateOffset):          rdata_d = state_q[31:0];
      word_of(mmfree_reg_pkg::ArgStateOffset + 4):      rdata_d = state_q[63:32];
      word_of(mmfree_reg_pkg::ArgIoOffset):             rdata_d = io_q[31:0];
      word_of(mmfree_reg_pkg::ArgIoOffset + 4):         rdata_d = io_q[63:32];
      word_of(mmfree_reg_pkg::ArgNumTokensOffset):      rdata_d = num_tokens_q;
      word_of(mmfree_reg_pkg::ArgNumLanesOffset):       rdata_d = num_lanes_q;
      word_of(mmfree_reg_pkg::ArgFlagsOffset):          rdata_d = flags_q;
      word_of(mmfree_reg_pkg::ArgNumSlotsOffset):       rdata_d = num_slots_q;
      word_of(mmfree_reg_pkg::ArgLaneResetOffset):      rdata_d = lane_reset_q;
      word_of(mmfree_reg_pkg::RegHwMagicOffset):        rdata_d = mmfree_reg_pkg::KernelMagic;
      word_of(mmfree_reg_pkg::RegHwVersionOffset):      rdata_d = mmfree_reg_pkg::InterfaceVersion;
      word_of(mmfree_reg_pkg::RegHwWeightPortsOffset):  rdata_d = 32'(NumWeightPorts);
      word_of(mmfree_reg_pkg::RegHwWeightDataWidthOffset): rdata_d = 32'(WeightDataWidth);
      word_of(mmfree_reg_pkg::RegHwMaxHiddenOffset):    rdata_d = 32'(MaxHidden);
      word_of(mmfree_reg_pkg::RegHwMaxIntermediateOffset): rdata_d = 32'(MaxIntermediate);
      word_of(mmfree_reg_pkg::RegHwBatchLanesOffset):   rdata_d = 32'(BatchLanes);
      default: ;
    endcase
    for (int unsigned k = 0; k < BatchLanes; k++) begin
      if (word_of(araddr_i) == word_of(mmfree_reg_pkg::ArgLaneSlotOffset + AddrWidth'(mmfree_reg_pkg::ArgLaneSlotStride * k))) begin
        rdata_d = lane_slots_q[32*k +: 32];
      end
    end
    for (int unsigned p = 0; p < NumWeightPorts; p++) begin
      if (word_of(araddr_i) == word_of(mmfree_reg_pkg::ArgWeightOffset + AddrWidth'(mmfree_reg_pkg::ArgWeightStride * p))) begin
        rdata_d = weight_base_q[64*p +: 32];
      end
      if (word_of(araddr_i) == word_of(mmfree_reg_pkg::ArgWeightOffset + AddrWidth'(mmfree_reg_pkg::ArgWeightStride * p + 4))) begin
        rdata_d = weight_base_q[64*p + 32 +: 32];
      end
      if (word_of(araddr_i) == word_of(AddrWidth'(PortBytesBase + mmfree_reg_pkg::CntWeightPortBytesStride * p))) begin
        rdata_d = port_bytes_i[64*p +: 32];
        if (rd_accept) hi_shadow_d = port_bytes_i[64*p + 32 +: 32];
      end
      if (word_of(araddr_i) == word_of(AddrWidth'(PortBytesBase + mmfree_reg_pkg::CntWeightPortBytesStride * p + 4))) begin
        rdata_d = hi_shadow_q;
      end
    end
    for (int unsigned c = 0; c < mmfree_reg_pkg::NumCounters; c++) begin
      if (word_of(araddr_i) == word_of(AddrWidth'(CounterBase + 8 * c))) begin
        rdata_d = counters_i[64*c +: 32];
        if (rd_accept) hi_shadow_d = counters_i[64*c + 32 +: 32];
      end
      if (word_of(araddr_i) == word_of(AddrWidth'(CounterBase + 8 * c + 4))) begin
        rdata_d = hi_shadow_q;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rvalid_q    <= 1'b0;
      rdata_q     <= '0;
      hi_shadow_q <= '0;
    end else begin
      hi_shadow_q <= hi_shadow_d;
      if (rd_accept) begin
        rvalid_q <= 1'b1;
        rdata_q  <= rdata_d;
      end else if (rvalid_q && rready_i) begin
        rvalid_q <= 1'b0;
      end
    end
  end

  // -------------------------------------------------------------------------------------------
  // Assertions: simulation only (Yosys defines SYNTHESIS; Vivado skips translate_off).
`ifndef SYNTHESIS
  // pragma translate_off
  // AXI4-Lite, the host's side: a valid is held until its ready, its payload unchanged.
  HostAwValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      awvalid_i && !awready_o |=> awvalid_i)
    else $error("mmfree_control_slave: host dropped AWVALID before AWREADY");
  HostAwAddrStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      awvalid_i && !awready_o |=> $stable(awaddr_i))
    else $error("mmfree_control_slave: host changed AWADDR while AWVALID waited");
  HostWValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wvalid_i && !wready_o |=> wvalid_i)
    else $error("mmfree_control_slave: host dropped WVALID before WREADY");
  HostWStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wvalid_i && !wready_o |=> $stable({wdata_i, wstrb_i}))
    else $error("mmfree_control_slave: host changed WDATA/WSTRB while WVALID waited");
  HostArValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_i && !arready_o |=> arvalid_i)
    else $error("mmfree_control_slave: host dropped ARVALID before ARREADY");
  HostArAddrStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_i && !arready_o |=> $stable(araddr_i))
    else $error("mmfree_control_slave: host changed ARADDR while ARVALID waited");
  HostHandshakeKnown_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !$isunknown({awvalid_i, wvalid_i, bready_i, arvalid_i, rready_i}))
    else $error("mmfree_control_slave: X on a host valid or ready after reset");
  // AXI4-Lite, this slave's side: responses held until taken, unchanged, and only ever for a
  // request (a write whose address and data were both taken; a read whose address was).
  BValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      bvalid_o && !bready_i |=> bvalid_o && $stable(bresp_o))
    else $error("mmfree_control_slave: BVALID dropped or BRESP changed before BREADY");
  RValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid_o && !rready_i |=> rvalid_o && $stable({rdata_o, rresp_o}))
    else $error("mmfree_control_slave: RVALID dropped or RDATA changed before RREADY");
  BOnlyAfterWrite_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      $rose(bvalid_o) |-> $past(do_write))
    else $error("mmfree_control_slave: B response without a complete write request");
  ROnlyAfterRead_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      $rose(rvalid_o) |-> $past(rd_accept))
    else $error("mmfree_control_slave: R response without a read request");
  // ap_ctrl_hs with the core: completion only of a started command.
  DoneOnlyWhenBusy_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      done_i |-> busy_q)
    else $error("mmfree_control_slave: done_i while no command runs");
  SlaveHandshakeKnown_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !$isunknown({awready_o, wready_o, bvalid_o, arready_o, rvalid_o, start_o, interrupt_o}))
    else $error("mmfree_control_slave: X on a valid, ready, start or interrupt after reset");
  // pragma translate_on
`endif

endmodule
