// Streams one region of memory, [addr, addr + beats * BeatBytes), over an AXI4 read master as
// a sequence of beats: the burst engine of a weight port (and of gmem reads).
//
// Bursts are INCR, full width, as long as MaxBurstBeats allows and never crossing a 4 KiB
// boundary; up to MaxOutstanding bursts are in flight. Every burst reserves its beats in the
// output FIFO before it is requested, so rready is always high (the interconnect never holds
// data for us) and the engine never fetches more than the consumer has room for: a slow
// consumer throttles the requests, not the R channel. Responses arrive in order (one ID).
//
// A new command is accepted as soon as every burst of the current one has been requested, so
// its bursts go out while the current command's data is still arriving and a chain of short
// reads pays the memory latency once rather than per command. Up to two commands are between
// acceptance and full delivery: the one being delivered (head) and the next one; data_last_o
// and error_o always refer to the head, so each command sees its own last beat and only the
// errors carried by its own beats.
module mmfree_axi_read_streamer #(
  parameter int unsigned DataWidth      = 512,
  parameter int unsigned AddrWidth      = 64,
  parameter int unsigned MaxBurstBeats  = 64,   // <= 256 (AXI4 INCR)
  parameter int unsigned MaxOutstanding = 4,
  parameter int unsigned FifoDepth      = 128,  // beats, power of two, >= MaxBurstBeats
  parameter int unsigned BeatCountBits  = 32,   // beats per command < 2^BeatCountBits
  // Derived; not meant to be overridden.
  parameter int unsigned BeatBytes      = DataWidth / 8
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,

  // Command: stream `beats` beats from the BeatBytes-aligned address `addr`.
  input  logic                     cmd_valid_i,
  output logic                     cmd_ready_o,  // high when the previous command is fully requested
  input  logic [AddrWidth-1:0]     cmd_addr_i,
  input  logic [BeatCountBits-1:0] cmd_beats_i,  // >= 1

  // The data, in address order.
  output logic                     data_valid_o,
  input  logic                     data_ready_i,
  output logic [DataWidth-1:0]     data_o,
  output logic                     data_last_o,  // last beat of the command

  output logic                     error_o,      // SLVERR/DECERR in the head command's beats (sticky
                                                 // until the next command's delivery begins)
  output logic                     beat_received_o,  // one R beat arrived (for byte counters)

  // AXI4 read address channel.
  output logic                     arvalid_o,
  input  logic                     arready_i,
  output logic [AddrWidth-1:0]     araddr_o,
  output logic [7:0]               arlen_o,
  output logic [2:0]               arsize_o,
  output logic [1:0]               arburst_o,
  output logic [3:0]               arcache_o,
  output logic [2:0]               arprot_o,
  // AXI4 read data channel.
  input  logic                     rvalid_i,
  output logic                     rready_o,
  input  logic [DataWidth-1:0]     rdata_i,
  input  logic [1:0]               rresp_i,
  input  logic                     rlast_i
);

  localparam int unsigned FifoCount   = $clog2(FifoDepth + 1);
  localparam int unsigned OutstBits   = $clog2(MaxOutstanding + 1);
  localparam int unsigned OffsetBits  = $clog2(BeatBytes);
  localparam int unsigned PageBeatBits = 12 - OffsetBits;  // beat index within a 4 KiB page

  // A burst is only requested once all its beats fit in the FIFO: a smaller FIFO would never
  // let a full-length burst go.
  if (FifoDepth < MaxBurstBeats || MaxBurstBeats > 256) begin : gen_param_check
    $error("mmfree_axi_read_streamer: need MaxBurstBeats <= FifoDepth and MaxBurstBeats <= 256");
  end

  // -------------------------------------------------------------------------------------------
  // Request side: the bursts of the command being requested.
  logic [AddrWidth-1:0]     next_addr_q;
  logic [BeatCountBits-1:0] to_request_q;   // beats of the command not yet requested
  logic [FifoCount-1:0]     reserved_q;     // beats requested and not yet handed out
  logic [OutstBits-1:0]     outstanding_q;  // bursts requested whose last beat has not arrived
  logic                     arvalid_q;
  logic [AddrWidth-1:0]     araddr_q;
  logic [7:0]               arlen_q;

  // Delivery side: the head command (being delivered, or the last one delivered) and the next
  // accepted command. Beats arrive in command order, so an R beat belongs to the head while the
  // head still has beats to receive, else to the next command.
  logic [BeatCountBits-1:0] hd_deliver_q, hd_deliver_d;  // head beats not yet handed out
  logic [BeatCountBits-1:0] hd_receive_q, hd_receive_d;  // head beats not yet arrived
  logic                     hd_error_q,   hd_error_d;    // an error response in the head's beats
  logic                     nx_valid_q,   nx_valid_d;
  logic [BeatCountBits-1:0] nx_beats_q,   nx_beats_d;
  logic [BeatCountBits-1:0] nx_receive_q, nx_receive_d;
  logic                     nx_error_q,   nx_error_d;

  // Length of the next burst: the rest of the command, capped by MaxBurstBeats and the page end.
  // Registered (docs/timing.md): worked out in the cycle after next_addr_q / to_request_q change
  // (burst_ok_q says it is current), so a command's first burst goes one cycle later; between
  // bursts the AR handshake leaves that cycle anyway.
  logic [BeatCountBits-1:0] page_left, burst_next, burst_beats;
  logic                     burst_ok_q;
  always_comb begin
    page_left  = BeatCountBits'(32'(1 << PageBeatBits) - 32'(next_addr_q[OffsetBits +: PageBeatBits]));
    burst_next = to_request_q;
    if (burst_next > BeatCountBits'(MaxBurstBeats)) burst_next = BeatCountBits'(MaxBurstBeats);
    if (burst_next > page_left) burst_next = page_left;
  end
  always_ff @(posedge clk_i) burst_beats <= burst_next;

  logic issue, ar_fire, r_fire, pop, cmd_fire;
  // Room for one more command: the current one is fully requested and no command waits behind
  // the head (the head itself may still be receiving and delivering).
  assign cmd_ready_o = (to_request_q == '0) && !nx_valid_q;
  assign cmd_fire    = cmd_valid_i && cmd_ready_o;
  assign issue       = !arvalid_q && burst_ok_q && (to_request_q != '0) &&
                       (outstanding_q < OutstBits'(MaxOutstanding)) &&
                       (32'(reserved_q) + 32'(burst_beats) <= 32'(FifoDepth));
  assign ar_fire     = arvalid_q && arready_i;
  assign r_fire      = rvalid_i && rready_o;
  assign pop         = data_valid_o && data_ready_i;

  always_comb begin
    hd_deliver_d = hd_deliver_q;
    hd_receive_d = hd_receive_q;
    hd_error_d   = hd_error_q;
    nx_valid_d   = nx_valid_q;
    nx_beats_d   = nx_beats_q;
    nx_receive_d = nx_receive_q;
    nx_error_d   = nx_error_q;
    if (r_fire) begin
      if (hd_receive_q != '0) begin
        hd_receive_d = hd_receive_q - 1'b1;
        if (rresp_i[1]) hd_error_d = 1'b1;
      end else begin
        nx_receive_d = nx_receive_q - 1'b1;
        if (rresp_i[1]) nx_error_d = 1'b1;
      end
    end
    if (pop) hd_deliver_d = hd_deliver_q - 1'b1;
    // The head's last beat leaves: the next command becomes the head (all the head's beats have
    // arrived, so this cycle's R beat, if any, was the next command's).
    if (pop && hd_deliver_q == BeatCountBits'(1) && nx_valid_q) begin
      hd_deliver_d = nx_beats_q;
      hd_receive_d = nx_receive_d;
      hd_error_d   = nx_error_d;
      nx_valid_d   = 1'b0;
    end
    // cmd_fire implies no next command, so the new one is the head if the head is done by now.
    if (cmd_fire) begin
      if (hd_deliver_d == '0) begin
        hd_deliver_d = cmd_beats_i;
        hd_receive_d = cmd_beats_i;
        hd_error_d   = 1'b0;
      end else begin
        nx_valid_d   = 1'b1;
        nx_beats_d   = cmd_beats_i;
        nx_receive_d = cmd_beats_i;
        nx_error_d   = 1'b0;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      next_addr_q   <= '0;
      to_request_q  <= '0;
      reserved_q    <= '0;
      outstanding_q <= '0;
      burst_ok_q    <= 1'b0;
      arvalid_q     <= 1'b0;
      araddr_q      <= '0;
      arlen_q       <= '0;
      hd_deliver_q  <= '0;
      hd_receive_q  <= '0;
      hd_error_q    <= 1'b0;
      nx_valid_q    <= 1'b0;
      nx_beats_q    <= '0;
      nx_receive_q  <= '0;
      nx_error_q    <= 1'b0;
    end else begin
      // cmd_fire needs to_request_q == 0 and issue needs it non-zero: never both.
      // burst_beats follows next_addr_q and to_request_q one cycle later.
      burst_ok_q <= !(cmd_fire || issue);
      if (cmd_fire) begin
        next_addr_q  <= cmd_addr_i;
        to_request_q <= cmd_beats_i;
      end else if (issue) begin
        next_addr_q  <= next_addr_q + AddrWidth'(burst_beats) * AddrWidth'(BeatBytes);
        to_request_q <= to_request_q - burst_beats;
      end
      if (issue) begin
        arvalid_q <= 1'b1;
        araddr_q  <= next_addr_q;
        arlen_q   <= 8'(burst_beats - 1'b1);
      end else if (ar_fire) begin
        arvalid_q <= 1'b0;
      end
      reserved_q    <= reserved_q + (issue ? FifoCount'(burst_beats) : '0) - FifoCount'(pop);
      outstanding_q <= outstanding_q + OutstBits'(issue) - OutstBits'(r_fire && rlast_i);
      hd_deliver_q  <= hd_deliver_d;
      hd_receive_q  <= hd_receive_d;
      hd_error_q    <= hd_error_d;
      nx_valid_q    <= nx_valid_d;
      nx_beats_q    <= nx_beats_d;
      nx_receive_q  <= nx_receive_d;
      nx_error_q    <= nx_error_d;
    end
  end

  assign arvalid_o = arvalid_q;
  assign araddr_o  = araddr_q;
  assign arlen_o   = arlen_q;
  assign arsize_o  = 3'($clog2(BeatBytes));
  assign arburst_o = 2'b01;   // INCR
  assign arcache_o = 4'b0011; // normal, non-cacheable, bufferable
  assign arprot_o  = 3'b000;
  assign error_o   = hd_error_q;
  assign beat_received_o = r_fire;

  // Space for every requested beat was reserved, so the FIFO always accepts.
  assign rready_o = 1'b1;

  // -------------------------------------------------------------------------------------------
  // Data FIFO.
  logic fifo_in_ready;
  logic [FifoCount-1:0] fifo_count;

  mmfree_fifo #(
    .Width(DataWidth),
    .Depth(FifoDepth)
  ) u_fifo (
    .clk_i,
    .rst_ni,
    .in_valid_i (r_fire),
    .in_ready_o (fifo_in_ready),
    .in_data_i  (rdata_i),
    .out_valid_o(data_valid_o),
    .out_ready_i(data_ready_i),
    .out_data_o (data_o),
    .count_o    (fifo_count)
  );

  assign data_last_o = (hd_deliver_q == BeatCountBits'(1));

  // Implied by the reservation (FIFO status) or meaningless to us (EXOKAY); named for waveforms.
  logic unused_fifo_status;
  assign unused_fifo_status = fifo_in_ready ^ (|fifo_count) ^ rresp_i[0];  // rresp[0]: EXOKAY vs OKAY

  // -------------------------------------------------------------------------------------------
  // Assertions: simulation only (Yosys defines SYNTHESIS; Vivado skips translate_off).
`ifndef SYNTHESIS
  // pragma translate_off
  // What a command must be (the ports' contract).
  CmdBeatsNonZero_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_fire |-> cmd_beats_i != '0)
    else $error("mmfree_axi_read_streamer: command of zero beats");
  CmdAddrAligned_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      cmd_fire |-> cmd_addr_i[OffsetBits-1:0] == '0)
    else $error("mmfree_axi_read_streamer: command address not BeatBytes aligned");
  // The data stream is valid/ready: a presented beat stays, unchanged, until it is taken.
  DataValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      data_valid_o && !data_ready_i |=> data_valid_o)
    else $error("mmfree_axi_read_streamer: data_valid_o dropped before data_ready_i");
  DataStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      data_valid_o && !data_ready_i |=> $stable({data_o, data_last_o}))
    else $error("mmfree_axi_read_streamer: data_o or data_last_o changed while stalled");
  // AXI4 read address channel: ARVALID held until ARREADY, the request unchanged meanwhile;
  // bursts as docs/device.md promises: BeatBytes aligned, at most MaxBurstBeats, inside 4 KiB.
  ArValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_o && !arready_i |=> arvalid_o)
    else $error("mmfree_axi_read_streamer: ARVALID dropped before ARREADY");
  ArStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_o && !arready_i |=> $stable({araddr_o, arlen_o}))
    else $error("mmfree_axi_read_streamer: ARADDR/ARLEN changed while ARVALID waited");
  ArAligned_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_o |-> araddr_o[OffsetBits-1:0] == '0)
    else $error("mmfree_axi_read_streamer: burst address not BeatBytes aligned");
  ArLenInRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_o |-> 32'(arlen_o) < MaxBurstBeats)
    else $error("mmfree_axi_read_streamer: burst longer than MaxBurstBeats");
  ArWithin4KiB_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_o |-> 32'(araddr_o[11:0]) + (32'(arlen_o) + 1) * BeatBytes <= 4096)
    else $error("mmfree_axi_read_streamer: burst crosses a 4 KiB boundary");
  // R beats only for accepted bursts (outstanding_q counts a burst from its request on; the one
  // still waiting for ARREADY, if any, cannot be answered yet), and each lands in the FIFO,
  // whose room was reserved: rready_o is always high, so a beat the FIFO refused would be lost.
  RespOnlyWhenOutstanding_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid_i |-> outstanding_q > OutstBits'(arvalid_q))
    else $error("mmfree_axi_read_streamer: R beat with no accepted burst outstanding");
  RBeatStored_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_fire |-> fifo_in_ready)
    else $error("mmfree_axi_read_streamer: R beat arrived with the data FIFO full (lost)");
  CountsInRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      outstanding_q <= OutstBits'(MaxOutstanding) && 32'(reserved_q) <= FifoDepth)
    else $error("mmfree_axi_read_streamer: more bursts or beats in flight than allowed");
  HandshakeKnown_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !$isunknown({arvalid_o, data_valid_o, cmd_ready_o}))
    else $error("mmfree_axi_read_streamer: X on a valid or ready after reset");
  // pragma translate_on
`endif

endmodule
