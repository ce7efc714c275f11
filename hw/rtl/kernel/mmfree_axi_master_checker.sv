// Protocol checker for one AXI4 master port of mmfree_kernel (simulation only): the generated
// top instantiates one on m_axi_gmem and one on each m_axi_wNN inside `ifndef SYNTHESIS`. It
// checks the master against AXI4 and against what docs/device.md promises of it, and the memory
// side against AXI4 where the kernel relies on it:
//   - AR/AW: valid held until ready, the request unchanged meanwhile; INCR, full width
//     (AxSIZE = log2 of the data bytes), address aligned to a beat, never crossing 4 KiB,
//     AxCACHE = 0b0011, AxPROT = 0.
//   - W: valid held, data/strobes/last unchanged while waiting; data only for an accepted
//     address (mmfree's masters send AW first); WLAST exactly on beat AWLEN.
//   - R/B: responses only for outstanding requests; RLAST exactly on beat ARLEN (single ID, so
//     bursts answer in order); R/B valid held, payload unchanged, while the master waits.
// The ports are all inputs. A read-only port ties the write channel's inputs to zero (HasWrite
// = 0). The body is simulation-only code: synthesis sees an empty module.
module mmfree_axi_master_checker #(
  parameter int unsigned DataWidth      = 512,
  parameter int unsigned AddrWidth      = 64,
  parameter bit          HasWrite       = 1'b1,
  parameter int unsigned MaxOutstanding = 64,   // bursts tracked per direction (a power of two)
  // Derived; not meant to be overridden.
  parameter int unsigned BeatBytes      = DataWidth / 8
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   arvalid_i,
  input  logic                   arready_i,
  input  logic [AddrWidth-1:0]   araddr_i,
  input  logic [7:0]             arlen_i,
  input  logic [2:0]             arsize_i,
  input  logic [1:0]             arburst_i,
  input  logic [3:0]             arcache_i,
  input  logic [2:0]             arprot_i,
  input  logic                   rvalid_i,
  input  logic                   rready_i,
  input  logic [1:0]             rresp_i,
  input  logic                   rlast_i,

  input  logic                   awvalid_i,
  input  logic                   awready_i,
  input  logic [AddrWidth-1:0]   awaddr_i,
  input  logic [7:0]             awlen_i,
  input  logic [2:0]             awsize_i,
  input  logic [1:0]             awburst_i,
  input  logic [3:0]             awcache_i,
  input  logic [2:0]             awprot_i,
  input  logic                   wvalid_i,
  input  logic                   wready_i,
  input  logic [DataWidth-1:0]   wdata_i,
  input  logic [BeatBytes-1:0]   wstrb_i,
  input  logic                   wlast_i,
  input  logic                   bvalid_i,
  input  logic                   bready_i,
  input  logic [1:0]             bresp_i
);

`ifndef SYNTHESIS
  // pragma translate_off
  localparam int unsigned OffsetBits = $clog2(BeatBytes);
  localparam int unsigned PtrBits    = $clog2(MaxOutstanding);
  localparam int unsigned CountBits  = PtrBits + 1;
  localparam logic [2:0]  FullSize   = 3'(OffsetBits);
  localparam logic [1:0]  BurstIncr  = 2'b01;
  localparam logic [3:0]  CacheNormal = 4'b0011;  // normal, non-cacheable, bufferable

  logic ar_fire, r_fire, aw_fire, w_fire, b_fire;
  assign ar_fire = arvalid_i && arready_i;
  assign r_fire  = rvalid_i && rready_i;
  assign aw_fire = awvalid_i && awready_i;
  assign w_fire  = wvalid_i && wready_i;
  assign b_fire  = bvalid_i && bready_i;

  // Accepted read bursts not yet completed, oldest first (their ARLEN), and the beats of the
  // oldest received so far.
  logic [7:0]           rd_len_q [MaxOutstanding];
  logic [PtrBits-1:0]   rd_head_q, rd_tail_q;
  logic [CountBits-1:0] rd_count_q;
  logic [8:0]           rd_beat_q;
  // Write bursts: addresses accepted and awaiting data (their AWLEN), the data beats of the
  // oldest so far, and bursts whose data are complete and awaiting their B response.
  logic [7:0]           wr_len_q [MaxOutstanding];
  logic [PtrBits-1:0]   wr_head_q, wr_tail_q;
  logic [CountBits-1:0] wr_count_q, b_pending_q;
  logic [8:0]           wr_beat_q;

  // The oldest burst's length, as a signal of its own (Verilator 5.006 cannot take an array
  // element inside a property).
  logic [7:0] rd_head_len, wr_head_len;
  assign rd_head_len = rd_len_q[rd_head_q];
  assign wr_head_len = wr_len_q[wr_head_q];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_head_q   <= '0;
      rd_tail_q   <= '0;
      rd_count_q  <= '0;
      rd_beat_q   <= '0;
      wr_head_q   <= '0;
      wr_tail_q   <= '0;
      wr_count_q  <= '0;
      wr_beat_q   <= '0;
      b_pending_q <= '0;
    end else begin
      if (ar_fire) begin
        rd_len_q[rd_tail_q] <= arlen_i;
        rd_tail_q <= rd_tail_q + 1'b1;
      end
      if (r_fire) begin
        rd_beat_q <= rlast_i ? '0 : rd_beat_q + 1'b1;
        if (rlast_i) rd_head_q <= rd_head_q + 1'b1;
      end
      rd_count_q <= rd_count_q + CountBits'(ar_fire) - CountBits'(r_fire && rlast_i);

      if (aw_fire) begin
        wr_len_q[wr_tail_q] <= awlen_i;
        wr_tail_q <= wr_tail_q + 1'b1;
      end
      if (w_fire) begin
        wr_beat_q <= wlast_i ? '0 : wr_beat_q + 1'b1;
        if (wlast_i) wr_head_q <= wr_head_q + 1'b1;
      end
      wr_count_q  <= wr_count_q + CountBits'(aw_fire) - CountBits'(w_fire && wlast_i);
      b_pending_q <= b_pending_q + CountBits'(w_fire && wlast_i) - CountBits'(b_fire);
    end
  end

  // ---------------------------------------------------------------- read address
  ArValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_i && !arready_i |=> arvalid_i)
    else $error("%m: ARVALID dropped before ARREADY");
  ArStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_i && !arready_i |=> $stable({araddr_i, arlen_i, arsize_i, arburst_i, arcache_i, arprot_i}))
    else $error("%m: AR request changed while ARVALID waited");
  ArForm_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_i |-> arburst_i == BurstIncr && arsize_i == FullSize && araddr_i[OffsetBits-1:0] == '0 &&
                    arcache_i == CacheNormal && arprot_i == 3'b000)
    else $error("%m: AR burst not INCR, full width, beat aligned, AxCACHE 0011, AxPROT 0");
  ArWithin4KiB_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      arvalid_i |-> 32'(araddr_i[11:0]) + (32'(arlen_i) + 1) * BeatBytes <= 4096)
    else $error("%m: AR burst crosses a 4 KiB boundary");
  RdTrackerRoom_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      ar_fire |-> rd_count_q < CountBits'(MaxOutstanding))
    else $error("%m: more read bursts outstanding than the checker tracks (raise MaxOutstanding)");

  // ---------------------------------------------------------------- read data
  ROnlyWhenOutstanding_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid_i |-> rd_count_q != '0)
    else $error("%m: R beat with no read burst outstanding");
  RLastOnLenBeat_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      r_fire && rd_count_q != '0 |-> rlast_i == (rd_beat_q == {1'b0, rd_head_len}))
    else $error("%m: RLAST not on the beat ARLEN says");
  RValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rvalid_i && !rready_i |=> rvalid_i && $stable({rresp_i, rlast_i}))
    else $error("%m: RVALID dropped or R changed before RREADY");

  // ---------------------------------------------------------------- write
  if (HasWrite) begin : gen_write
    AwValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        awvalid_i && !awready_i |=> awvalid_i)
      else $error("%m: AWVALID dropped before AWREADY");
    AwStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        awvalid_i && !awready_i |=> $stable({awaddr_i, awlen_i, awsize_i, awburst_i, awcache_i, awprot_i}))
      else $error("%m: AW request changed while AWVALID waited");
    AwForm_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        awvalid_i |-> awburst_i == BurstIncr && awsize_i == FullSize && awaddr_i[OffsetBits-1:0] == '0 &&
                      awcache_i == CacheNormal && awprot_i == 3'b000)
      else $error("%m: AW burst not INCR, full width, beat aligned, AxCACHE 0011, AxPROT 0");
    AwWithin4KiB_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        awvalid_i |-> 32'(awaddr_i[11:0]) + (32'(awlen_i) + 1) * BeatBytes <= 4096)
      else $error("%m: AW burst crosses a 4 KiB boundary");
    WrTrackerRoom_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        aw_fire |-> wr_count_q < CountBits'(MaxOutstanding))
      else $error("%m: more write bursts outstanding than the checker tracks (raise MaxOutstanding)");
    WValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        wvalid_i && !wready_i |=> wvalid_i)
      else $error("%m: WVALID dropped before WREADY");
    WStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        wvalid_i && !wready_i |=> $stable({wdata_i, wstrb_i, wlast_i}))
      else $error("%m: W beat changed while WVALID waited");
    WAfterAw_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        wvalid_i |-> wr_count_q != '0)
      else $error("%m: W beat before its burst's address was accepted");
    WLastOnLenBeat_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        w_fire && wr_count_q != '0 |-> wlast_i == (wr_beat_q == {1'b0, wr_head_len}))
      else $error("%m: WLAST not on the beat AWLEN says");
    BOnlyWhenOutstanding_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        bvalid_i |-> b_pending_q != '0)
      else $error("%m: B response with no write burst awaiting one");
    BValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        bvalid_i && !bready_i |=> bvalid_i && $stable(bresp_i))
      else $error("%m: BVALID dropped or BRESP changed before BREADY");
  end else begin : gen_read_only
    // Tied off by the top; only their valids are checked.
    logic unused_write;
    assign unused_write = ^{awaddr_i, awsize_i, awburst_i, awcache_i, awprot_i, wdata_i, wstrb_i,
                            bresp_i, wr_head_len};
    NoWrite_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        !awvalid_i && !wvalid_i && !bvalid_i)
      else $error("%m: write channel activity on a read-only port");
  end

  HandshakeKnown_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !$isunknown({arvalid_i, arready_i, rvalid_i, rready_i, awvalid_i, awready_i, wvalid_i, wready_i,
                   bvalid_i, bready_i}))
    else $error("%m: X on a valid or ready after reset");
  // pragma translate_on
`endif

endmodule
