// Writes one region of memory, [addr, addr + beats * BeatBytes), over an AXI4 write master from
// a stream of beats with byte strobes: the write half of the gmem port (state slots, argmax,
// logits).
//
// Bursts are INCR, full width, as long as MaxBurstBeats allows and never crossing a 4 KiB
// boundary. One burst is in flight at a time (address, then its data, then its response):
// gmem writes are a small fraction of the traffic, and this keeps the engine obviously right.
module mmfree_axi_write_master #(
  parameter int unsigned DataWidth     = 512,
  parameter int unsigned AddrWidth     = 64,
  parameter int unsigned MaxBurstBeats = 64,   // <= 256 (AXI4 INCR)
  parameter int unsigned BeatCountBits = 32,
  // Derived; not meant to be overridden.
  parameter int unsigned BeatBytes     = DataWidth / 8
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,

  input  logic                     cmd_valid_i,
  output logic                     cmd_ready_o,  // high while idle
  input  logic [AddrWidth-1:0]     cmd_addr_i,   // BeatBytes aligned
  input  logic [BeatCountBits-1:0] cmd_beats_i,  // >= 1

  // valid/ready: once offered, a beat is held, unchanged, until in_ready_o (it drives WVALID,
  // which AXI forbids to drop before WREADY; asserted below as WValidHeld_A / WStable_A).
  input  logic                     in_valid_i,
  output logic                     in_ready_o,
  input  logic [DataWidth-1:0]     in_data_i,
  input  logic [BeatBytes-1:0]     in_strb_i,

  output logic                     done_o,   // one cycle: every burst of the command answered
  output logic                     error_o,  // with done_o: some burst answered SLVERR/DECERR

  output logic                     awvalid_o,
  input  logic                     awready_i,
  output logic [AddrWidth-1:0]     awaddr_o,
  output logic [7:0]               awlen_o,
  output logic [2:0]               awsize_o,
  output logic [1:0]               awburst_o,
  output logic [3:0]               awcache_o,
  output logic [2:0]               awprot_o,
  output logic                     wvalid_o,
  input  logic                     wready_i,
  output logic [DataWidth-1:0]     wdata_o,
  output logic [BeatBytes-1:0]     wstrb_o,
  output logic                     wlast_o,
  input  logic                     bvalid_i,
  output logic                     bready_o,
  input  logic [1:0]               bresp_i
);

  localparam int unsigned OffsetBits   = $clog2(BeatBytes);
  localparam int unsigned PageBeatBits = 12 - OffsetBits;

  typedef enum logic [1:0] {StIdle, StAddr, StData, StResp} state_e;
  state_e state_q, state_d;

  logic [AddrWidth-1:0]     addr_q, addr_d;
  logic [BeatCountBits-1:0] left_q, left_d;    // beats of the command not yet in a burst
  logic [8:0]               burst_q, burst_d;  // beats of the current burst not yet sent
  logic                     error_q, error_d;

  logic [BeatCountBits-1:0] page_left, burst_beats;
  always_comb begin
    page_left   = BeatCountBits'(32'(1 << PageBeatBits) - 32'(addr_q[OffsetBits +: PageBeatBits]));
    burst_beats = left_q;
    if (burst_beats > BeatCountBits'(MaxBurstBeats)) burst_beats = BeatCountBits'(MaxBurstBeats);
    if (burst_beats > page_left) burst_beats = page_left;
  end

  logic w_fire;
  assign w_fire = wvalid_o && wready_i;

  always_comb begin
    state_d = state_q;
    addr_d  = addr_q;
    left_d  = left_q;
    burst_d = burst_q;
    error_d = error_q;
    done_o  = 1'b0;
    unique case (state_q)
      StIdle: begin
        if (cmd_valid_i) begin
          addr_d  = cmd_addr_i;
          left_d  = cmd_beats_i;
          error_d = 1'b0;
          state_d = StAddr;
        end
      end
      StAddr: begin
        // The burst's address and length are presented from addr_q and left_q (awaddr_o, awlen_o).
        if (awready_i) begin
          burst_d = 9'(burst_beats);
          left_d  = left_q - burst_beats;
          addr_d  = addr_q + AddrWidth'(burst_beats) * AddrWidth'(BeatBytes);
          state_d = StData;
        end
      end
      StData: begin
        if (w_fire) begin
          burst_d = burst_q - 1'b1;
          if (burst_q == 9'd1) state_d = StResp;
        end
      end
      StResp: begin
        if (bvalid_i) begin
          if (bresp_i[1]) error_d = 1'b1;
          if (left_q == '0) begin
            state_d = StIdle;
            done_o  = 1'b1;
          end else begin
            state_d = StAddr;
          end
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      addr_q  <= '0;
      left_q  <= '0;
      burst_q <= '0;
      error_q <= 1'b0;
    end else begin
      state_q <= state_d;
      addr_q  <= addr_d;
      left_q  <= left_d;
      burst_q <= burst_d;
      error_q <= error_d;
    end
  end

  assign cmd_ready_o = (state_q == StIdle);
  assign awvalid_o   = (state_q == StAddr);
  assign awaddr_o    = addr_q;
  assign awlen_o     = 8'(burst_beats - 1'b1);
  assign awsize_o    = 3'($clog2(BeatBytes));
  assign awburst_o   = 2'b01;
  assign awcache_o   = 4'b0011;
  assign awprot_o    = 3'b000;
  assign wvalid_o    = (state_q == StData) && in_valid_i;
  assign in_ready_o  = (state_q == StData) && wready_i;
  assign wdata_o     = in_data_i;
  assign wstrb_o     = in_strb_i;
  assign wlast_o     = (burst_q == 9'd1);
  assign bready_o    = (state_q == StResp);
  assign error_o     = error_d;

  logic unused_exokay;
  assign unused_exokay = bresp_i[0];  // EXOKAY vs OKAY: no exclusive accesses here

  // -------------------------------------------------------------------------------------------
  // Assertions: simulation only (Yosys defines SYNTHESIS; Vivado skips translate_off).
`ifndef SYNTHESIS
  // pragma translate_off
  logic aw_fire;
  assign aw_fire = awvalid_o && awready_i;
  // W beats of the current burst so far, and the burst's AWLEN (checked against WLAST).
  logic [8:0] sva_w_beats_q;
  logic [7:0] sva_awlen_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sva_w_beats_q <= '0;
      sva_awlen_q   <= '0;
    end else begin
      if (aw_fire) begin
        sva_w_beats_q <= '0;
        sva_awlen_q   <= awlen_o;
      end else if (w_fire) begin
        sva_w_beats_q <= sva_w_beats_q + 1'b1;
      end
    end
  end

  CmdBeatsNonZero_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && cmd_ready_o |-> cmd_beats_i != '0)
    else $error("mmfree_axi_write_master: command of zero beats");
  CmdAddrAligned_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_valid_i && cmd_ready_o |-> cmd_addr_i[OffsetBits-1:0] == '0)
    else $error("mmfree_axi_write_master: command address not BeatBytes aligned");
  // AXI4 write address channel: held until AWREADY, unchanged meanwhile; bursts BeatBytes
  // aligned, at most MaxBurstBeats, never crossing 4 KiB.
  AwValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      awvalid_o && !awready_i |=> awvalid_o)
    else $error("mmfree_axi_write_master: AWVALID dropped before AWREADY");
  AwStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      awvalid_o && !awready_i |=> $stable({awaddr_o, awlen_o}))
    else $error("mmfree_axi_write_master: AWADDR/AWLEN changed while AWVALID waited");
  AwAligned_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      awvalid_o |-> awaddr_o[OffsetBits-1:0] == '0)
    else $error("mmfree_axi_write_master: burst address not BeatBytes aligned");
  AwLenInRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      awvalid_o |-> 32'(awlen_o) < MaxBurstBeats)
    else $error("mmfree_axi_write_master: burst longer than MaxBurstBeats");
  AwWithin4KiB_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      awvalid_o |-> 32'(awaddr_o[11:0]) + (32'(awlen_o) + 1) * BeatBytes <= 4096)
    else $error("mmfree_axi_write_master: burst crosses a 4 KiB boundary");
  // AXI4 write data channel. WVALID follows in_valid_i, so these also hold the data source
  // (sum collector, token engine) to valid/ready: a beat offered stays, unchanged, until taken.
  WValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wvalid_o && !wready_i |=> wvalid_o)
    else $error("mmfree_axi_write_master: WVALID dropped before WREADY");
  WStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wvalid_o && !wready_i |=> $stable({wdata_o, wstrb_o, wlast_o}))
    else $error("mmfree_axi_write_master: WDATA/WSTRB/WLAST changed while WVALID waited");
  // Data only for an accepted address (this master sends AW first), WLAST exactly on beat AWLEN.
  WAfterAw_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wvalid_o |-> state_q == StData)
    else $error("mmfree_axi_write_master: W beat without an accepted burst");
  WLastOnLenBeat_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      w_fire |-> wlast_o == (sva_w_beats_q == {1'b0, sva_awlen_q}))
    else $error("mmfree_axi_write_master: WLAST not on the beat AWLEN says");
  // B only for the burst whose data are all sent (one burst in flight).
  RespOnlyWhenOutstanding_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      bvalid_i |-> state_q == StResp)
    else $error("mmfree_axi_write_master: B response with no burst awaiting one");
  HandshakeKnown_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !$isunknown({awvalid_o, wvalid_o, bready_o, cmd_ready_o, in_ready_o}))
    else $error("mmfree_axi_write_master: X on a valid or ready after reset");
  // pragma translate_on
`endif

endmodule
