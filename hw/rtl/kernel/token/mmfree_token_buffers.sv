// The token engine's vector buffers (mmfree_lane_ram: element c in lane c mod Lanes at word
// c / Lanes, one whole word read per cycle, registered) and who writes each:
// - the vector reader: x (the embedding), h (from the state slot), LB, the norm vectors (slot
//   rd_slot_i of the n buffer);
// - the row-sum intake's second stage (ig_*), by the matrix whose sums it takes (ig_mx_i):
//   I, F, G into i, f, g; O and Down add the residual into r and x; Gate into its gate (yg) and
//   up (yu) halves;
// - the element loop (lp_*), by its kind: the MLGRU's h, the GLU's z (into yg, in place), the
//   norm loops' p1, and p (norm, output gate, projection, GLU; kept QBytes elements wide, so
//   that the quantizer reads a q word per cycle).
// Writes to one buffer never coincide (the engine's schedule: a vector is read ahead only into a
// free buffer, a loop runs only between row sums).
//
// Lanes: the vectors of a token (x, r, h, f, i, g, p1 and the Gate outputs yg, yu) have one
// region per lane (BatchLanes of them: lane k's word w at k * words + w); the parameter vectors
// (n, LB) and p, which the quantizer reads right after the loop that writes it, are shared. Each
// writer names its lane (rd_lane_i, ig_lane_i, lp_lane_i), the loop's reads are in lp_lane_i's
// region, and the addresses xr_ra_i and h_ra_i are given whole (lane region included).
//
// Reads: every buffer at the loop's word (lp_ra_i), except x and r (xr_ra_i: the intake's
// residual word while it runs) and h (h_ra_i: the vector writer's word while it writes h). The
// n buffer holds four slots in two RAMs (even- and odd-numbered vectors), so that a loop reads
// the norm vector number n_cons_i (n_cur_rd_o) and the next one (n_nxt_rd_o) in the same cycle.
module mmfree_token_buffers #(
  parameter int unsigned MaxHidden       = mmfree_contract_pkg::MaxHidden,
  parameter int unsigned MaxIntermediate = mmfree_contract_pkg::MaxIntermediate,
  parameter int unsigned DataWidth       = 512,
  parameter int unsigned BatchLanes      = 1,
  // Derived; not meant to be overridden.
  parameter int unsigned Lanes     = DataWidth / 32,
  parameter int unsigned QBytes    = DataWidth / 8,
  parameter int unsigned QWords    = QBytes / Lanes,
  parameter int unsigned MaxVec    = MaxHidden > MaxIntermediate ? MaxHidden : MaxIntermediate,
  parameter int unsigned HWords    = (MaxHidden + Lanes - 1) / Lanes,
  parameter int unsigned IWords    = (MaxIntermediate + Lanes - 1) / Lanes,
  parameter int unsigned VWords    = (MaxVec + Lanes - 1) / Lanes,
  parameter int unsigned HA        = HWords > 1 ? $clog2(HWords) : 1,
  parameter int unsigned VA        = VWords > 1 ? $clog2(VWords) : 1,
  parameter int unsigned HLA       = HWords * BatchLanes > 1 ? $clog2(HWords * BatchLanes) : 1
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,   // (only the assertions use it)

  // The vector reader.
  input  logic                        rd_we_i,
  input  mmfree_token_pkg::dst_e      rd_dst_i,
  input  logic [1:0]                  rd_slot_i,
  input  logic [3:0]                  rd_lane_i,
  input  logic [VA-1:0]               rd_waddr_i,
  input  logic [DataWidth-1:0]        rd_word_i,     // raw (h)
  input  logic [DataWidth-1:0]        rd_as_a_i,     // format A (x, norm vectors)
  input  logic [DataWidth-1:0]        rd_as_g_i,     // format G (LB)

  // The row-sum intake's second stage.
  input  mmfree_token_pkg::matrix_e   ig_mx_i,
  input  logic                        ig_v_i,
  input  logic [3:0]                  ig_lane_i,
  input  logic                        ig_up_i,
  input  logic [VA-1:0]               ig_addr_i,
  input  logic [Lanes-1:0]            ig_lanes_i,
  input  logic [DataWidth-1:0]        ig_word_i,
  input  logic [DataWidth-1:0]        ig_resid_i,

  // The element loop.
  input  logic                        lp_wr_i,
  input  logic [3:0]                  lp_lane_i,
  input  mmfree_token_pkg::loop_e     lp_kind_i,
  input  logic [VA-1:0]               lp_wa_i,
  input  logic [DataWidth-1:0]        lp_h_new_i,
  input  logic [DataWidth-1:0]        lp_z_i,
  input  logic [DataWidth-1:0]        lp_p1_i,
  input  logic [DataWidth-1:0]        lp_p_i,

  // Reads.
  input  logic [31:0]                 lp_ra_i,
  input  logic [HLA-1:0]              xr_ra_i,
  input  logic [HLA-1:0]              h_ra_i,
  input  logic [1:0]                  n_cons_i,
  output logic [DataWidth-1:0]        x_rd_o,
  output logic [DataWidth-1:0]        r_rd_o,
  output logic [DataWidth-1:0]        h_rd_o,
  output logic [DataWidth-1:0]        f_rd_o,
  output logic [DataWidth-1:0]        i_rd_o,
  output logic [DataWidth-1:0]        g_rd_o,
  output logic [DataWidth-1:0]        p1_rd_o,
  output logic [DataWidth-1:0]        lb_rd_o,
  output logic [DataWidth-1:0]        n_cur_rd_o,
  output logic [DataWidth-1:0]        n_nxt_rd_o,
  output logic [DataWidth-1:0]        yg_rd_o,
  output logic [DataWidth-1:0]        yu_rd_o,
  output logic [32*QBytes-1:0]        p_rd_o
);

  localparam int unsigned QWordBits = $clog2(QWords);
  localparam int unsigned PWords    = (VWords + QWords - 1) / QWords;
  localparam int unsigned PA        = PWords > 1 ? $clog2(PWords) : 1;
  localparam int unsigned NSlots    = 4;
  localparam int unsigned NA        = $clog2(NSlots / 2 * VWords);
  localparam int unsigned ILA       = IWords * BatchLanes > 1 ? $clog2(IWords * BatchLanes) : 1;

  // Lane regions: the first word of each writer's and of the loop's lane.
  logic [HLA-1:0] rd_hb, ig_hb, lp_hb;
  logic [ILA-1:0] ig_ib, lp_ib;
  assign rd_hb = HLA'(32'(rd_lane_i) * HWords);
  assign ig_hb = HLA'(32'(ig_lane_i) * HWords);
  assign lp_hb = HLA'(32'(lp_lane_i) * HWords);
  assign ig_ib = ILA'(32'(ig_lane_i) * IWords);
  assign lp_ib = ILA'(32'(lp_lane_i) * IWords);

  // Write ports (one address for all lanes of a buffer: no writer here needs more).
  logic [Lanes-1:0]     x_we, r_we, h_we, f_we, i_we, g_we, p1_we, lb_we, n_we, p_we, yg_we, yu_we;
  logic [HLA-1:0]       x_wa, r_wa, h_wa, g_wa, p1_wa, fi_wa;
  logic [HA-1:0]        lb_wa;
  logic [ILA-1:0]       yg_wa, yu_wa;
  logic [VA-1:0]        p_wa;
  logic [NA-1:0]        n_wa;
  logic [DataWidth-1:0] x_wd, r_wd, h_wd, f_wd, i_wd, g_wd, p1_wd, lb_wd, n_wd, p_wd, yg_wd, yu_wd;

  always_comb begin
    // x: the embedding, then each layer's second residual.
    x_we = '0; x_wa = rd_hb + HLA'(rd_waddr_i); x_wd = rd_as_a_i;
    if (rd_we_i && rd_dst_i == mmfree_token_pkg::DstX) x_we = '1;
    if (ig_v_i && ig_mx_i == mmfree_token_pkg::MxDown) begin
      x_we = ig_lanes_i; x_wa = ig_hb + HLA'(ig_addr_i); x_wd = ig_resid_i;
    end
    // r: the first residual.
    r_we = (ig_v_i && ig_mx_i == mmfree_token_pkg::MxO) ? ig_lanes_i : '0;
    r_wa = ig_hb + HLA'(ig_addr_i); r_wd = ig_resid_i;
    // h: read from the slot, updated by the MLGRU.
    h_we = '0; h_wa = rd_hb + HLA'(rd_waddr_i); h_wd = rd_word_i;
    if (rd_we_i && rd_dst_i == mmfree_token_pkg::DstH) h_we = '1;
    if (lp_wr_i && lp_kind_i == mmfree_token_pkg::LkMlgru) begin
      h_we = '1; h_wa = lp_hb + HLA'(lp_wa_i); h_wd = lp_h_new_i;
    end
    // Projection outputs.
    fi_wa = ig_hb + HLA'(ig_addr_i);
    f_we = (ig_v_i && ig_mx_i == mmfree_token_pkg::MxF) ? ig_lanes_i : '0; f_wd = ig_word_i;
    i_we = (ig_v_i && ig_mx_i == mmfree_token_pkg::MxI) ? ig_lanes_i : '0; i_wd = ig_word_i;
    g_we = (ig_v_i && ig_mx_i == mmfree_token_pkg::MxG) ? ig_lanes_i : '0; g_wd = ig_word_i;
    g_wa = ig_hb + HLA'(ig_addr_i);
    yu_we = (ig_v_i && ig_mx_i == mmfree_token_pkg::MxGate && ig_up_i) ? ig_lanes_i : '0;
    yu_wd = ig_word_i; yu_wa = ig_ib + ILA'(ig_addr_i);
    yg_we = (ig_v_i && ig_mx_i == mmfree_token_pkg::MxGate && !ig_up_i) ? ig_lanes_i : '0;
    yg_wd = ig_word_i; yg_wa = ig_ib + ILA'(ig_addr_i);
    if (lp_wr_i && lp_kind_i == mmfree_token_pkg::LkGlu) begin   // z in place
      yg_we = '1; yg_wa = lp_ib + ILA'(lp_wa_i); yg_wd = lp_z_i;
    end
    // p1 of the norm loops, p of the projection loop.
    p1_we = (lp_wr_i && (lp_kind_i == mmfree_token_pkg::LkNorm || lp_kind_i == mmfree_token_pkg::LkOgate)) ? '1 : '0;
    p1_wa = lp_hb + HLA'(lp_wa_i); p1_wd = lp_p1_i;
    p_we  = (lp_wr_i && (lp_kind_i == mmfree_token_pkg::LkProj || lp_kind_i == mmfree_token_pkg::LkNorm ||
                         lp_kind_i == mmfree_token_pkg::LkOgate || lp_kind_i == mmfree_token_pkg::LkGlu)) ? '1 : '0;
    p_wa = VA'(lp_wa_i); p_wd = lp_p_i;
    // Parameter vectors.
    lb_we = (rd_we_i && rd_dst_i == mmfree_token_pkg::DstLb) ? '1 : '0; lb_wa = HA'(rd_waddr_i); lb_wd = rd_as_g_i;
    n_we  = (rd_we_i && rd_dst_i == mmfree_token_pkg::DstN) ? '1 : '0;
    n_wa  = NA'(32'(rd_slot_i[1]) * VWords + 32'(rd_waddr_i)); n_wd = rd_as_a_i;
  end

  mmfree_lane_ram #(.Lanes(Lanes), .Depth(HWords * BatchLanes)) u_x (.clk_i, .we_i(x_we), .waddr_i({Lanes{x_wa}}),
    .wdata_i(x_wd), .re_i(1'b1), .raddr_i(xr_ra_i), .rdata_o(x_rd_o));
  mmfree_lane_ram #(.Lanes(Lanes), .Depth(HWords * BatchLanes)) u_r (.clk_i, .we_i(r_we), .waddr_i({Lanes{r_wa}}),
    .wdata_i(r_wd), .re_i(1'b1), .raddr_i(xr_ra_i), .rdata_o(r_rd_o));
  mmfree_lane_ram #(.Lanes(Lanes), .Depth(HWords * BatchLanes)) u_h (.clk_i, .we_i(h_we), .waddr_i({Lanes{h_wa}}),
    .wdata_i(h_wd), .re_i(1'b1), .raddr_i(h_ra_i), .rdata_o(h_rd_o));
  mmfree_lane_ram #(.Lanes(Lanes), .Depth(HWords * BatchLanes)) u_f (.clk_i, .we_i(f_we), .waddr_i({Lanes{fi_wa}}),
    .wdata_i(f_wd), .re_i(1'b1), .raddr_i(lp_hb + HLA'(lp_ra_i)), .rdata_o(f_rd_o));
  mmfree_lane_ram #(.Lanes(Lanes), .Depth(HWords * BatchLanes)) u_i (.clk_i, .we_i(i_we), .waddr_i({Lanes{fi_wa}}),
    .wdata_i(i_wd), .re_i(1'b1), .raddr_i(lp_hb + HLA'(lp_ra_i)), .rdata_o(i_rd_o));
  mmfree_lane_ram #(.Lanes(Lanes), .Depth(HWords * BatchLanes)) u_g (.clk_i, .we_i(g_we), .waddr_i({Lanes{g_wa}}),
    .wdata_i(g_wd), .re_i(1'b1), .raddr_i(lp_hb + HLA'(lp_ra_i)), .rdata_o(g_rd_o));
  mmfree_lane_ram #(.Lanes(Lanes), .Depth(HWords * BatchLanes)) u_p1 (.clk_i, .we_i(p1_we), .waddr_i({Lanes{p1_wa}}),
    .wdata_i(p1_wd), .re_i(1'b1), .raddr_i(lp_hb + HLA'(lp_ra_i)), .rdata_o(p1_rd_o));
  mmfree_lane_ram #(.Lanes(Lanes), .Depth(HWords)) u_lb (.clk_i, .we_i(lb_we), .waddr_i({Lanes{lb_wa}}),
    .wdata_i(lb_wd), .re_i(1'b1), .raddr_i(HA'(lp_ra_i)), .rdata_o(lb_rd_o));

  // The norm vectors: NSlots slots of VWords words, slot k mod NSlots for the k-th of the token:
  // vector k in RAM k mod 2 (even, odd), slot (k / 2) mod 2 there.
  logic [NA-1:0]        n_ev_ra, n_od_ra;
  logic                 n_nxt_hi;              // bit 1 of n_cons_i + 1
  logic                 n_ev_slot, n_od_slot;  // slot within each RAM: bit 1 of the number
  logic [DataWidth-1:0] n_ev_rd, n_od_rd;
  assign n_nxt_hi   = n_cons_i[1] ^ n_cons_i[0];
  assign n_ev_slot  = n_cons_i[0] ? n_nxt_hi : n_cons_i[1];
  assign n_od_slot  = n_cons_i[0] ? n_cons_i[1] : n_nxt_hi;
  assign n_ev_ra    = NA'(32'(n_ev_slot) * VWords + lp_ra_i);
  assign n_od_ra    = NA'(32'(n_od_slot) * VWords + lp_ra_i);
  assign n_cur_rd_o = n_cons_i[0] ? n_od_rd : n_ev_rd;
  assign n_nxt_rd_o = n_cons_i[0] ? n_ev_rd : n_od_rd;
  mmfree_lane_ram #(.Lanes(Lanes), .Depth(NSlots / 2 * VWords)) u_n_even (.clk_i,
    .we_i(rd_slot_i[0] ? '0 : n_we), .waddr_i({Lanes{n_wa}}),
    .wdata_i(n_wd), .re_i(1'b1), .raddr_i(n_ev_ra), .rdata_o(n_ev_rd));
  mmfree_lane_ram #(.Lanes(Lanes), .Depth(NSlots / 2 * VWords)) u_n_odd (.clk_i,
    .we_i(rd_slot_i[0] ? n_we : '0), .waddr_i({Lanes{n_wa}}),
    .wdata_i(n_wd), .re_i(1'b1), .raddr_i(n_od_ra), .rdata_o(n_od_rd));

  // p: element c in bank c mod QBytes at word c / QBytes, so that the quantizer reads a whole
  // q word of elements per cycle while the loops before it write one element word per cycle
  // (element word w into banks Lanes * (w mod QWords) ..).
  logic [QBytes-1:0] p_bank_we;
  assign p_bank_we = QBytes'(p_we) << (Lanes * 32'(p_wa[QWordBits-1:0]));
  mmfree_lane_ram #(.Lanes(QBytes), .Depth(PWords)) u_p (.clk_i, .we_i(p_bank_we),
    .waddr_i({QBytes{PA'(p_wa >> QWordBits)}}), .wdata_i({QWords{p_wd}}), .re_i(1'b1),
    .raddr_i(PA'(lp_ra_i)), .rdata_o(p_rd_o));

  // y of the Gate matrix: the gate half (rows 0 .. I-1, then z in place) and the up half
  // (rows I .. 2I-1), each from lane 0, so that the GLU reads y[c] and y[I + c] in one word.
  mmfree_lane_ram #(.Lanes(Lanes), .Depth(IWords * BatchLanes)) u_yg (.clk_i, .we_i(yg_we), .waddr_i({Lanes{yg_wa}}),
    .wdata_i(yg_wd), .re_i(1'b1), .raddr_i(lp_ib + ILA'(lp_ra_i)), .rdata_o(yg_rd_o));
  mmfree_lane_ram #(.Lanes(Lanes), .Depth(IWords * BatchLanes)) u_yu (.clk_i, .we_i(yu_we), .waddr_i({Lanes{yu_wa}}),
    .wdata_i(yu_wd), .re_i(1'b1), .raddr_i(lp_ib + ILA'(lp_ra_i)), .rdata_o(yu_rd_o));

`ifndef SYNTHESIS
  // Checked out of reset (sva_on: the reset through a net of its own, as Verilator flags a
  // flop's asynchronous reset used synchronously in `disable iff`).
  logic sva_on;
  assign sva_on = rst_ni;
  // Writers of one buffer never coincide (one would be lost).
  a_x_one_writer: assert property (@(posedge clk_i) disable iff (!sva_on)
    !(rd_we_i && rd_dst_i == mmfree_token_pkg::DstX && ig_v_i && ig_mx_i == mmfree_token_pkg::MxDown));
  a_h_one_writer: assert property (@(posedge clk_i) disable iff (!sva_on)
    !(rd_we_i && rd_dst_i == mmfree_token_pkg::DstH && lp_wr_i && lp_kind_i == mmfree_token_pkg::LkMlgru));
  a_yg_one_writer: assert property (@(posedge clk_i) disable iff (!sva_on)
    !(ig_v_i && ig_mx_i == mmfree_token_pkg::MxGate && !ig_up_i && lp_wr_i && lp_kind_i == mmfree_token_pkg::LkGlu));
  a_we_known: assert property (@(posedge clk_i) disable iff (!sva_on) !$isunknown({rd_we_i, ig_v_i, lp_wr_i}));
`endif

endmodule
