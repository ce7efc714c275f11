// The token engine's element loop: one pass over a vector, Lanes elements (one word of the
// buffers) per cycle, through replicated element-wise units (docs/numerics.md section 3), with
// the per-vector reductions (exact sums of squares, the largest magnitude) of the BitLinear that
// follows; or, for LkQuant, one q word (BeatBytes elements of p) per cycle through the quantizer.
//
// Contract:
// - start_i (one cycle, while idle: busy_o low) takes cmd_i (a loop_cmd_t): kind, n elements,
//   which accumulators start from zero, and the loop's operand choices. From the next cycle on,
//   word k = 0, 1, .. of the buffers is addressed on ra_o (one per cycle) and its data, read one
//   cycle later on the *_rd_i inputs, is computed and written (wr_o, at word wa_o): h_new_o (the
//   MLGRU's h), z_o (the GLU's z), p1_o (the norm loops' p1), p_o (the projection's p), q_o
//   (the quantizer's q word; lanes past n are zero). done_o is high in the cycle of the last
//   write; busy_o falls after it.
// - Per word, with lanes past n counting zero: ssa_o += sum p1^2 (norm, output gate) or z^2
//   (GLU); ssb_o += sum of the first norm's input^2 (norm: x or r; output gate: g); amax_o =
//   max(amax_o, |p|) (every loop but MLGRU and the quantizer). They hold their values between
//   loops (the BitLinear scale reads them after its projection loop).
// - The quantizer's constant (cq_man_i, cq_exp_i) is held while it runs.
module mmfree_token_element_loop #(
  parameter int unsigned DataWidth = 512,
  parameter int unsigned ExpBits   = 10,
  parameter int unsigned SsBits    = 76,
  // Derived; not meant to be overridden.
  parameter int unsigned Lanes     = DataWidth / 32,
  parameter int unsigned LaneBits  = $clog2(Lanes),
  parameter int unsigned BeatBytes = DataWidth / 8
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,

  input  logic                         start_i,
  input  mmfree_token_pkg::loop_cmd_t  cmd_i,
  output logic                         busy_o,
  output logic                         done_o,
  input  logic [16:0]                  cq_man_i,
  input  logic signed [ExpBits-1:0]    cq_exp_i,

  // Buffers: the word addressed in the previous cycle.
  output logic [31:0]                  ra_o,
  input  logic [DataWidth-1:0]         x_rd_i,
  input  logic [DataWidth-1:0]         r_rd_i,
  input  logic [DataWidth-1:0]         h_rd_i,
  input  logic [DataWidth-1:0]         f_rd_i,
  input  logic [DataWidth-1:0]         i_rd_i,
  input  logic [DataWidth-1:0]         g_rd_i,
  input  logic [DataWidth-1:0]         p1_rd_i,
  input  logic [DataWidth-1:0]         lb_rd_i,
  input  logic [DataWidth-1:0]         n_cur_rd_i,   // the loop's norm vector
  input  logic [DataWidth-1:0]         n_nxt_rd_i,   // the next one (the fused projection's)
  input  logic [DataWidth-1:0]         yg_rd_i,
  input  logic [DataWidth-1:0]         yu_rd_i,
  input  logic [32*BeatBytes-1:0]      p_rd_i,       // a q word of p

  // Results.
  output logic                         wr_o,
  output mmfree_token_pkg::loop_e      kind_o,
  output logic [31:0]                  wa_o,
  output logic [DataWidth-1:0]         h_new_o,
  output logic [DataWidth-1:0]         z_o,
  output logic [DataWidth-1:0]         p1_o,
  output logic [DataWidth-1:0]         p_o,
  output logic [DataWidth-1:0]         q_o,
  output logic [SsBits-1:0]            ssa_o,
  output logic [SsBits-1:0]            ssb_o,
  output logic [31:0]                  amax_o
);

  mmfree_token_pkg::loop_cmd_t cmd_q;
  logic              busy_q;
  logic [31:0]       k_q, a_q;   // words issued; the word in the compute stage
  logic              v_q;        // a_q is valid
  logic [SsBits-1:0] ssa_q, ssb_q;
  logic [31:0]       amax_q;

  mmfree_token_pkg::loop_e kind;
  assign kind = cmd_q.kind;
  logic unused_cmd;   // (the clears act at the start)
  assign unused_cmd = ^{cmd_q.clear_ss, cmd_q.clear_amax};

  logic [31:0] words;
  logic        issue, last;
  // The quantizer's words are q words (BeatBytes elements), the other loops' element words.
  assign words = (kind == mmfree_token_pkg::LkQuant) ? (cmd_q.n + 32'(BeatBytes - 1)) >> $clog2(BeatBytes)
                                                     : (cmd_q.n + 32'(Lanes - 1)) >> LaneBits;
  assign issue = busy_q && (k_q < words);
  assign last  = v_q && (a_q == words - 1);

  logic [Lanes-1:0]     lane_ok;   // element Lanes * a_q + b < n
  logic [64*Lanes-1:0]  sq_a_w, sq_b_w;
  logic [32*Lanes-1:0]  abs_p_w;

  for (genvar b = 0; b < Lanes; b++) begin : g_lane
    logic signed [31:0] x_c, r_c, h_c, f_c, i_c, g_c, p1_c, lb_c, n_c, n_nxt_c, y_c, y_up_c;
    assign x_c     = x_rd_i[32*b +: 32];
    assign r_c     = r_rd_i[32*b +: 32];
    assign h_c     = h_rd_i[32*b +: 32];
    assign f_c     = f_rd_i[32*b +: 32];
    assign i_c     = i_rd_i[32*b +: 32];
    assign g_c     = g_rd_i[32*b +: 32];
    assign p1_c    = p1_rd_i[32*b +: 32];
    assign lb_c    = lb_rd_i[32*b +: 32];
    assign n_c     = n_cur_rd_i[32*b +: 32];
    assign n_nxt_c = n_nxt_rd_i[32*b +: 32];
    assign y_c     = yg_rd_i[32*b +: 32];
    assign y_up_c  = yu_rd_i[32*b +: 32];

    assign lane_ok[b] = (a_q * Lanes + b) < cmd_q.n;

    logic signed [31:0] silu_in, silu_out, ma_a, ma_b, ma_out, mb_out, norm_in, h_new, p1_val, sq_b_val;
    logic [24:0]        cf;
    assign norm_in = cmd_q.src_x ? x_c : r_c;

    always_comb begin
      unique case (kind)
        mmfree_token_pkg::LkOgate: silu_in = h_c;
        mmfree_token_pkg::LkMlgru: silu_in = i_c;
        default:                   silu_in = y_c;  // LkGlu
      endcase
      unique case (kind)
        mmfree_token_pkg::LkNorm:  begin ma_a = norm_in;  ma_b = n_c; end
        mmfree_token_pkg::LkOgate: begin ma_a = g_c;      ma_b = n_c; end
        mmfree_token_pkg::LkProj:  begin ma_a = cmd_q.down ? y_c : p1_c; ma_b = n_c; end
        default:                   begin ma_a = silu_out; ma_b = y_up_c; end  // LkGlu
      endcase
    end

    silu_a u_silu (.z_i(silu_in), .silu_o(silu_out));
    mul_a  u_mul_a (.a_i(ma_a), .b_i(ma_b), .product_o(ma_out));
    mul_a  u_mul_b (.a_i(ma_out), .b_i(silu_out), .product_o(mb_out));
    // The projection fused into the loop before it: p = p1 * next norm (norm and output-gate
    // loops), p = z * Down norm (GLU, which itself reads no norm vector).
    logic signed [31:0] mc_out, p_out;
    mul_a  u_mul_c (.a_i(p1_val), .b_i((kind == mmfree_token_pkg::LkGlu) ? n_c : n_nxt_c), .product_o(mc_out));
    assign p_out = (kind == mmfree_token_pkg::LkProj) ? ma_out : mc_out;
    forget_complement_g u_cf (.fz_i(f_c), .lb_i(lb_c), .bounded_i(cmd_q.bounded), .cf_o(cf));
    mlgru_update_a u_mlgru (.h_i(h_c), .c_i(silu_out), .cf_i(cf), .h_o(h_new));

    // p1 (norm loops), p (proj) or z (GLU); the first norm's input: x / r (norm) or g (ogate).
    assign p1_val   = (kind == mmfree_token_pkg::LkOgate) ? mb_out : ma_out;
    assign sq_b_val = (kind == mmfree_token_pkg::LkOgate) ? g_c : norm_in;

    // Squares of A values, exact (< 2^62); lanes past the vector's end count zero.
    logic signed [63:0] sq_a_wide, sq_b_wide, sq_a_signed, sq_b_signed;
    assign sq_a_wide   = {{32{p1_val[31]}}, p1_val};
    assign sq_b_wide   = {{32{sq_b_val[31]}}, sq_b_val};
    assign sq_a_signed = sq_a_wide * sq_a_wide;
    assign sq_b_signed = sq_b_wide * sq_b_wide;
    assign sq_a_w[64*b +: 64] = lane_ok[b] ? sq_a_signed : '0;
    assign sq_b_w[64*b +: 64] = lane_ok[b] ? sq_b_signed : '0;
    assign abs_p_w[32*b +: 32] = !lane_ok[b] ? '0 : (p_out[31] ? 32'(-p_out) : 32'(p_out));

    assign p1_o[32*b +: 32]    = p1_val;
    assign p_o[32*b +: 32]     = p_out;
    assign z_o[32*b +: 32]     = ma_out;
    assign h_new_o[32*b +: 32] = h_new;
  end

  // The quantizer: BeatBytes elements (one q word) per cycle; elements past the vector's end
  // are 0.
  for (genvar e = 0; e < BeatBytes; e++) begin : g_qlane
    logic signed [7:0] q_val;
    quantize_q8 #(.ExpBits(ExpBits)) u_quant (.p_i(p_rd_i[32*e +: 32]), .c_man_i(cq_man_i), .c_exp_i(cq_exp_i),
      .q_o(q_val));
    assign q_o[8*e +: 8] = ((a_q * BeatBytes + e) < cmd_q.n) ? q_val : '0;
  end

  // Reduction trees of one word (exact sums, the largest magnitude).
  logic [SsBits-1:0] sq_a_sum, sq_b_sum;
  logic [31:0]       abs_p_max;
  always_comb begin
    sq_a_sum  = '0;
    sq_b_sum  = '0;
    abs_p_max = '0;
    for (int unsigned b = 0; b < Lanes; b++) begin
      sq_a_sum = sq_a_sum + SsBits'(sq_a_w[64*b +: 64]);
      sq_b_sum = sq_b_sum + SsBits'(sq_b_w[64*b +: 64]);
      if (abs_p_w[32*b +: 32] > abs_p_max) abs_p_max = abs_p_w[32*b +: 32];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cmd_q  <= '0;
      busy_q <= 1'b0;
      k_q    <= '0;
      a_q    <= '0;
      v_q    <= 1'b0;
      ssa_q  <= '0;
      ssb_q  <= '0;
      amax_q <= '0;
    end else if (start_i) begin
      cmd_q  <= cmd_i;
      busy_q <= 1'b1;
      k_q    <= '0;
      if (cmd_i.clear_ss) begin
        ssa_q <= '0;
        ssb_q <= '0;
      end
      if (cmd_i.clear_amax) amax_q <= '0;
    end else if (busy_q) begin
      if (issue) k_q <= k_q + 1'b1;
      v_q <= issue;
      a_q <= k_q;
      if (v_q && kind != mmfree_token_pkg::LkMlgru && kind != mmfree_token_pkg::LkQuant &&
          abs_p_max > amax_q) amax_q <= abs_p_max;
      if (v_q) begin
        unique case (kind)
          mmfree_token_pkg::LkNorm, mmfree_token_pkg::LkOgate: begin
            ssa_q <= ssa_q + sq_a_sum;
            ssb_q <= ssb_q + sq_b_sum;
          end
          mmfree_token_pkg::LkGlu: ssa_q <= ssa_q + sq_a_sum;
          default: ;
        endcase
      end
      if (last) begin
        v_q    <= 1'b0;
        busy_q <= 1'b0;
      end
    end
  end

  assign busy_o = busy_q;
  assign done_o = busy_q && last;
  assign ra_o   = k_q;
  assign wr_o   = busy_q && v_q;
  assign kind_o = kind;
  assign wa_o   = a_q;
  assign ssa_o  = ssa_q;
  assign ssb_o  = ssb_q;
  assign amax_o = amax_q;

`ifndef SYNTHESIS
  // Checked out of reset (sva_on: the reset through a net of its own, as Verilator flags a
  // flop's asynchronous reset used synchronously in `disable iff`).
  logic sva_on;
  assign sva_on = rst_ni;
  a_known: assert property (@(posedge clk_i) disable iff (!sva_on) !$isunknown({busy_o, wr_o, done_o}));
  a_start_idle: assert property (@(posedge clk_i) disable iff (!sva_on) start_i |-> !busy_o);
  a_start_nonempty: assert property (@(posedge clk_i) disable iff (!sva_on) start_i |-> cmd_i.n != '0);
  // Words are written once each, in order: every write is the word after the previous one.
  a_write_order: assert property (@(posedge clk_i) disable iff (!sva_on)
    wr_o && !done_o |=> wr_o && wa_o == $past(wa_o) + 1);
`endif

endmodule
