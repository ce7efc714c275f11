// The token engine's element loop: one pass over a vector, Lanes elements (one word of the
// buffers) per cycle, through replicated element-wise units (docs/numerics.md section 3), with
// the per-vector reductions (exact sums of squares, the largest magnitude) of the BitLinear that
// follows; or, for LkQuant, one q word (BeatBytes elements of p) per cycle through the quantizer.
//
// Pipelined for 300 MHz (docs/timing.md): every unit is its clocked version (hw/rtl/datapath/
// *_pipe.sv), so a word's results are written some cycles after its data is read and the
// reductions take it a few cycles later, by kind (cycles after the read: write / done):
// output gate and GLU 24 / 29 (silu first), norm and projection 15 / 20 (no silu), MLGRU
// 15 / 15 and the quantizer 6 / 6 (no reductions). A loop of w words is done w + that many
// cycles after its start. Only the latency differs
// from the unpipelined loop: the results, the order of the writes and the done handshake are
// the same. The pipeline registers hold while no loop of their kind runs (an enable, no reset).
//
// Contract:
// - start_i (one cycle, while idle: busy_o low) takes cmd_i (a loop_cmd_t): kind, n elements,
//   which accumulators start from zero, and the loop's operand choices. From the next cycle
//   on, word k = 0, 1, .. of the buffers is addressed on ra_o (one per cycle) and its data, read
//   one cycle later on the *_rd_i inputs, is computed and written some cycles later (wr_o, at
//   word wa_o, in order): h_new_o (the MLGRU's h), z_o (the GLU's z), p1_o (the norm loops' p1),
//   p_o (the projection's p), q_o (the quantizer's q word; lanes past n are zero). done_o is high
//   for one cycle after the last write, in the cycle the reductions take the last word; busy_o
//   falls after it. A buffer the loop writes is read only at words not yet written (MLGRU's h,
//   GLU's z in place: word k is written after it is read).
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
  parameter int unsigned BeatBytes = DataWidth / 8,
  // Cycles from a word's data on *_rd_i to its write, and to the cycle in which the reductions
  // take it (done_o for the last word): output gate and GLU (silu before the first product),
  // norm and projection (9 cycles of silu less), MLGRU and the quantizer (no reductions).
  // Fixed by the units' latencies (checked in simulation).
  parameter int unsigned WriteLatency  = 24,
  parameter int unsigned ReduceLatency = 29,
  parameter int unsigned EarlyShift    = 9,
  parameter int unsigned MlgruLatency  = 15,
  parameter int unsigned QuantLatency  = 6
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

  // Reset style (docs/timing.md): only the control (busy, the issue counter, the valid pipeline,
  // the accumulators) is reset, asynchronously as in the rest of the kernel; the datapath
  // registers are not reset.
  mmfree_token_pkg::loop_cmd_t cmd_q;
  logic              busy_q, issuing_q;
  logic [31:0]       k_q;             // the word addressed on ra_o
  logic [31:0]       last_word;       // words - 1
  logic [5:0]        tail_q;          // (n - 1) mod the word's elements: the last word's last lane
  logic [SsBits-1:0] ssa_q, ssb_q;
  logic [31:0]       amax_q;

  mmfree_token_pkg::loop_e kind;
  assign kind = cmd_q.kind;
  // The kind, decoded into registers at the start (their selects fan out to every lane).
  // Norm and projection loops need no silu: their first product starts from the operands.
  logic is_quant, is_glu, is_mlgru, is_ogate, is_proj, early;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {is_quant, is_glu, is_mlgru, is_ogate, is_proj, early} <= '0;
    end else if (start_i) begin
      is_quant <= (cmd_i.kind == mmfree_token_pkg::LkQuant);
      is_glu   <= (cmd_i.kind == mmfree_token_pkg::LkGlu);
      is_mlgru <= (cmd_i.kind == mmfree_token_pkg::LkMlgru);
      is_ogate <= (cmd_i.kind == mmfree_token_pkg::LkOgate);
      is_proj  <= (cmd_i.kind == mmfree_token_pkg::LkProj);
      early    <= (cmd_i.kind == mmfree_token_pkg::LkNorm) || (cmd_i.kind == mmfree_token_pkg::LkProj);
    end
  end
  // The pipelines move while a loop of their kind runs, and hold otherwise.
  logic en_elem, en_quant;
  assign en_elem  = busy_q && !is_quant;
  assign en_quant = busy_q && is_quant;
  logic unused_cmd;   // (the clears act at the start)
  assign unused_cmd = ^{cmd_q.clear_ss, cmd_q.clear_amax, cmd_q.n};   // (n: n_minus_1 below)

  // ---- Issue: one word per cycle from the cycle after the start ----
  // The quantizer's words are q words (BeatBytes elements), the other loops' element words.
  // n - 1, registered at the start (the issue compares against it from the next cycle on).
  logic [31:0] n_minus_1;
  always_ff @(posedge clk_i) begin
    if (start_i) n_minus_1 <= cmd_i.n - 32'd1;
  end
  assign last_word = is_quant ? n_minus_1 >> $clog2(BeatBytes) : n_minus_1 >> LaneBits;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cmd_q     <= '0;
      busy_q    <= 1'b0;
      issuing_q <= 1'b0;
      k_q       <= '0;
    end else if (start_i) begin
      cmd_q     <= cmd_i;
      busy_q    <= 1'b1;
      issuing_q <= 1'b1;
      k_q       <= '0;
    end else begin
      if (issuing_q) begin
        k_q <= k_q + 32'd1;
        if (k_q == last_word) issuing_q <= 1'b0;
      end
      if (done_o) busy_q <= 1'b0;
    end
  end
  // Used from the first write on (six cycles after the first read at the earliest): the last
  // word's lanes below n, as a mask per lane (for the element lanes and the quantizer's).
  logic [Lanes-1:0]     lane_mask_d, lane_mask_q;
  logic [BeatBytes-1:0] q_mask_d, q_mask_q;
  for (genvar e = 0; e < BeatBytes; e++) begin : g_mask
    if (e == 0) begin : g_first   // lane 0 is below n in every word
      assign q_mask_d[e] = 1'b1;
    end else begin : g_other
      assign q_mask_d[e] = tail_q >= 6'(e);
    end
    if (e < Lanes) begin : g_lane
      assign lane_mask_d[e] = q_mask_d[e];
    end
  end
  always_ff @(posedge clk_i) begin
    if (busy_q) begin
      tail_q      <= is_quant ? 6'(n_minus_1 & 32'(BeatBytes - 1)) : 6'(n_minus_1 & 32'(Lanes - 1));
      lane_mask_q <= lane_mask_d;
      q_mask_q    <= q_mask_d;
    end
  end

  // ---- The word pipeline: valid and last (reset), address (not) ----
  // Index s holds the word whose data was on *_rd_i s cycles ago (0: this cycle).
  logic [ReduceLatency:0] v_sr, last_sr;
  // Cleared at a start: a quantizer loop is done while its earlier words' valid bits are still
  // on their way to the element loops' taps.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      v_sr    <= '0;
      last_sr <= '0;
    end else if (start_i) begin
      v_sr    <= '0;
      last_sr <= '0;
    end else begin
      v_sr    <= {v_sr[ReduceLatency-1:0], issuing_q};
      last_sr <= {last_sr[ReduceLatency-1:0], issuing_q && (k_q == last_word)};
    end
  end
  // The taps by kind: the write, the reductions' take.
  localparam int unsigned EarlyWrite  = WriteLatency - EarlyShift;
  localparam int unsigned EarlyReduce = ReduceLatency - EarlyShift;
  logic v_wr, last_wr, v_done, last_done;
  always_comb begin
    if (is_quant) begin
      v_wr = v_sr[QuantLatency];       last_wr = last_sr[QuantLatency];
      v_done = v_sr[QuantLatency];     last_done = last_sr[QuantLatency];
    end else if (is_mlgru) begin
      v_wr = v_sr[MlgruLatency];       last_wr = last_sr[MlgruLatency];
      v_done = v_sr[MlgruLatency];     last_done = last_sr[MlgruLatency];
    end else if (early) begin
      v_wr = v_sr[EarlyWrite];         last_wr = last_sr[EarlyWrite];
      v_done = v_sr[EarlyReduce];      last_done = last_sr[EarlyReduce];
    end else begin
      v_wr = v_sr[WriteLatency];       last_wr = last_sr[WriteLatency];
      v_done = v_sr[ReduceLatency];    last_done = last_sr[ReduceLatency];
    end
  end

  logic [31:0] a_rd, a_quant, a_short, a_late, a_wr;   // the word's address at the read, the writes
  always_ff @(posedge clk_i) a_rd <= k_q;
  datapath_delay #(.Width(32), .Depth(QuantLatency)) u_a_quant (.clk_i, .en_i(1'b1), .d_i(a_rd), .q_o(a_quant));
  datapath_delay #(.Width(32), .Depth(EarlyWrite - QuantLatency)) u_a_short (.clk_i, .en_i(1'b1), .d_i(a_quant),
    .q_o(a_short));
  datapath_delay #(.Width(32), .Depth(EarlyShift)) u_a_late (.clk_i, .en_i(1'b1), .d_i(a_short), .q_o(a_late));
  assign a_wr = is_quant ? a_quant : (early || is_mlgru) ? a_short : a_late;

  // Lanes past n (in the last word) count zero.
  logic [Lanes-1:0] lane_ok_wr;
  for (genvar b = 0; b < Lanes; b++) begin : g_lane_ok
    assign lane_ok_wr[b] = !last_wr || lane_mask_q[b];
  end

  // ---- Element lanes ----
  // Timeline (cycles after the word's data is on *_rd_i): 1 operands registered, 10 silu(.)
  // and the forget complement, 15 ma = mul_a(.), 15 h' (MLGRU: its write), 19 mb = mul_a(ma,
  // silu), 24 mc = mul_a(p1, norm): the write; the squares and |p| enter the reduction trees at
  // 24, whose roots are ready at 28 and taken at 29. Norm and projection loops start ma from
  // the operands at 1, not at 10: everything after it comes EarlyShift cycles sooner.
  localparam int unsigned SqBits = 64 + LaneBits;   // a tree node: a sum of up to Lanes squares
  localparam int unsigned Nodes  = 2 * Lanes - 1;   // heap order: node i has children 2i+1, 2i+2
  logic [32*Nodes-1:0]     max_q;
  logic [SqBits*Nodes-1:0] sqa_q, sqb_q;
  logic [32*Lanes-1:0]     abs_leaf;
  logic [64*Lanes-1:0]     sqa_leaf, sqb_leaf;

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

    // The operands by kind, registered (stage 1).
    logic signed [31:0] norm_in, silu_in, ma_a_op, ma_b_op, n_sel, sq_b_op;
    assign norm_in = cmd_q.src_x ? x_c : r_c;
    always_comb begin
      unique case (kind)
        mmfree_token_pkg::LkOgate: silu_in = h_c;
        mmfree_token_pkg::LkMlgru: silu_in = i_c;
        default:                   silu_in = y_c;  // LkGlu
      endcase
      unique case (kind)
        mmfree_token_pkg::LkNorm:  ma_a_op = norm_in;
        mmfree_token_pkg::LkOgate: ma_a_op = g_c;
        mmfree_token_pkg::LkProj:  ma_a_op = cmd_q.down ? y_c : p1_c;
        default:                   ma_a_op = '0;   // LkGlu: silu(y), below
      endcase
    end
    assign ma_b_op = is_glu ? y_up_c : n_c;
    // The projection fused into the loop: p = p1 * next norm (norm and output-gate loops),
    // p = z * Down norm (GLU, which itself reads no norm vector).
    assign n_sel   = is_glu ? n_c : n_nxt_c;
    // The first norm's input: x / r (norm) or g (output gate).
    assign sq_b_op = is_ogate ? g_c : norm_in;

    logic signed [31:0] silu_in_q, ma_a_q, ma_b_q, f_q, lb_q, h_q, n_sel_q, sq_b_q;
    always_ff @(posedge clk_i) begin
      if (en_elem) begin
        silu_in_q <= silu_in;
        ma_a_q    <= ma_a_op;
        ma_b_q    <= ma_b_op;
        f_q       <= f_c;
        lb_q      <= lb_c;
        h_q       <= h_c;
        n_sel_q   <= n_sel;
        sq_b_q    <= sq_b_op;
      end
    end

    // silu and the forget gate's complement (ready at 10).
    logic signed [31:0] silu_out;
    logic [24:0]        cf;
    silu_a_pipe u_silu (.clk_i, .en_i(en_elem), .z_i(silu_in_q), .silu_o(silu_out));
    forget_complement_pipe u_cf (.clk_i, .en_i(en_elem), .fz_i(f_q), .lb_i(lb_q), .bounded_i(cmd_q.bounded),
      .cf_o(cf));

    // The MLGRU update (ready at 15).
    logic signed [31:0] h_d, h_new;
    datapath_delay #(.Width(32), .Depth(9)) u_h (.clk_i, .en_i(en_elem), .d_i(h_q), .q_o(h_d));
    mlgru_update_pipe u_mlgru (.clk_i, .en_i(en_elem), .h_i(h_d), .c_i(silu_out), .cf_i(cf), .h_o(h_new));

    // ma = mul_a(a, b) (ready at 15): a is silu(y) for the GLU.
    logic signed [31:0] ma_a_d, ma_b_d, ma;
    datapath_delay #(.Width(64), .Depth(9)) u_ma_ops (.clk_i, .en_i(en_elem), .d_i({ma_a_q, ma_b_q}),
      .q_o({ma_a_d, ma_b_d}));
    logic signed [31:0] ma_a, ma_b;
    assign ma_a = early ? ma_a_q : is_glu ? silu_out : ma_a_d;
    assign ma_b = early ? ma_b_q : ma_b_d;
    mul_a_pipe #(.InReg(1'b1)) u_ma (.clk_i, .en_i(en_elem), .a_i(ma_a), .b_i(ma_b), .product_o(ma));

    // mb = mul_a(ma, silu(h)) (output gate; ready at 19), and p1 (norm loops: ma).
    logic signed [31:0] silu_d, mb, ma_d4, p1_val;
    datapath_delay #(.Width(32), .Depth(5)) u_silu_d (.clk_i, .en_i(en_elem), .d_i(silu_out), .q_o(silu_d));
    mul_a_pipe #(.InReg(1'b0)) u_mb (.clk_i, .en_i(en_elem), .a_i(ma), .b_i(silu_d), .product_o(mb));
    datapath_delay #(.Width(32), .Depth(4)) u_ma_d4 (.clk_i, .en_i(en_elem), .d_i(ma), .q_o(ma_d4));
    assign p1_val = is_ogate ? mb : ma_d4;

    // mc = mul_a(p1, norm) (ready at 24); the projection's p is ma itself.
    logic signed [31:0] n_sel_d9, n_sel_d18, mc, ma_d9, p_out;
    datapath_delay #(.Width(32), .Depth(9)) u_n_sel9 (.clk_i, .en_i(en_elem), .d_i(n_sel_q), .q_o(n_sel_d9));
    datapath_delay #(.Width(32), .Depth(9)) u_n_sel18 (.clk_i, .en_i(en_elem), .d_i(n_sel_d9), .q_o(n_sel_d18));
    mul_a_pipe #(.InReg(1'b1)) u_mc (.clk_i, .en_i(en_elem), .a_i(p1_val), .b_i(early ? n_sel_d9 : n_sel_d18),
      .product_o(mc));
    datapath_delay #(.Width(32), .Depth(9)) u_ma_d9 (.clk_i, .en_i(en_elem), .d_i(ma), .q_o(ma_d9));
    assign p_out = is_proj ? ma_d9 : mc;

    // The written values, at the kind's write tap (MLGRU's h' as it comes out).
    logic signed [31:0] p1_d;
    datapath_delay #(.Width(32), .Depth(5)) u_p1_d (.clk_i, .en_i(en_elem), .d_i(p1_val), .q_o(p1_d));
    assign p1_o[32*b +: 32]    = p1_d;
    assign p_o[32*b +: 32]     = p_out;
    assign z_o[32*b +: 32]     = ma_d9;
    assign h_new_o[32*b +: 32] = h_new;

    // Squares, exact (< 2^62): p1^2 (z^2 for the GLU) from 20, the first norm's input^2 from 2.
    logic signed [31:0] sq_a_in;
    logic signed [63:0] sq_a, sq_b, sq_a_d, sq_b_early, sq_b_late;
    datapath_delay #(.Width(32), .Depth(1)) u_sq_a_in (.clk_i, .en_i(en_elem), .d_i(p1_val), .q_o(sq_a_in));
    mul_pipe #(.AW(32), .BW(32)) u_sq_a (.clk_i, .en_i(en_elem), .a_i(sq_a_in), .b_i(sq_a_in), .p_o(sq_a));
    mul_pipe #(.AW(32), .BW(32)) u_sq_b (.clk_i, .en_i(en_elem), .a_i(sq_b_q), .b_i(sq_b_q), .p_o(sq_b));
    datapath_delay #(.Width(64), .Depth(1)) u_sq_a_d (.clk_i, .en_i(en_elem), .d_i(sq_a), .q_o(sq_a_d));
    datapath_delay #(.Width(64), .Depth(EarlyWrite - 4)) u_sq_b_early (.clk_i, .en_i(en_elem), .d_i(sq_b),
      .q_o(sq_b_early));
    datapath_delay #(.Width(64), .Depth(EarlyShift)) u_sq_b_late (.clk_i, .en_i(en_elem), .d_i(sq_b_early),
      .q_o(sq_b_late));
    assign sqa_leaf[64*b +: 64] = lane_ok_wr[b] ? sq_a_d : '0;
    assign sqb_leaf[64*b +: 64] = !lane_ok_wr[b] ? '0 : early ? sq_b_early : sq_b_late;
    assign abs_leaf[32*b +: 32] = !lane_ok_wr[b] ? '0 : (p_out[31] ? 32'(-p_out) : 32'(p_out));
  end

  // ---- Reduction trees (one level per cycle): the largest |p|, the sums of squares ----
  // Not held by the enable (its fanout would join the leaves' masks): they always move.
  always_ff @(posedge clk_i) begin
    for (int unsigned i = 0; i < Lanes - 1; i++) begin
      max_q[32*i +: 32] <= (max_q[32*(2*i+1) +: 32] > max_q[32*(2*i+2) +: 32]) ? max_q[32*(2*i+1) +: 32]
                                                                                 : max_q[32*(2*i+2) +: 32];
      sqa_q[SqBits*i +: SqBits] <= sqa_q[SqBits*(2*i+1) +: SqBits] + sqa_q[SqBits*(2*i+2) +: SqBits];
      sqb_q[SqBits*i +: SqBits] <= sqb_q[SqBits*(2*i+1) +: SqBits] + sqb_q[SqBits*(2*i+2) +: SqBits];
    end
    for (int unsigned b = 0; b < Lanes; b++) begin
      max_q[32*(Lanes-1+b) +: 32]         <= abs_leaf[32*b +: 32];
      sqa_q[SqBits*(Lanes-1+b) +: SqBits] <= SqBits'(sqa_leaf[64*b +: 64]);
      sqb_q[SqBits*(Lanes-1+b) +: SqBits] <= SqBits'(sqb_leaf[64*b +: 64]);
    end
  end
  logic reduce_v;   // the trees' roots hold the word now (element loops with reductions)
  assign reduce_v = v_done && !is_quant && !is_mlgru;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ssa_q  <= '0;
      ssb_q  <= '0;
      amax_q <= '0;
    end else if (start_i) begin
      if (cmd_i.clear_ss) begin
        ssa_q <= '0;
        ssb_q <= '0;
      end
      if (cmd_i.clear_amax) amax_q <= '0;
    end else if (reduce_v) begin
      if (max_q[31:0] > amax_q) amax_q <= max_q[31:0];   // (reduce_v: not MLGRU, not quantizer)
      unique case (kind)
        mmfree_token_pkg::LkNorm, mmfree_token_pkg::LkOgate: begin
          ssa_q <= ssa_q + SsBits'(sqa_q[SqBits-1:0]);
          ssb_q <= ssb_q + SsBits'(sqb_q[SqBits-1:0]);
        end
        mmfree_token_pkg::LkGlu: ssa_q <= ssa_q + SsBits'(sqa_q[SqBits-1:0]);
        default: ;
      endcase
    end
  end

  // ---- The quantizer: BeatBytes elements (one q word) per cycle, straight from the p buffer;
  // elements past the vector's end are 0.
  for (genvar e = 0; e < BeatBytes; e++) begin : g_qlane
    logic signed [7:0] q_val;
    quantize_q8_pipe #(.ExpBits(ExpBits)) u_quant (.clk_i, .en_i(en_quant), .p_i(p_rd_i[32*e +: 32]),
      .c_man_i(cq_man_i), .c_exp_i(cq_exp_i), .q_o(q_val));
    assign q_o[8*e +: 8] = (!last_sr[QuantLatency] || q_mask_q[e]) ? q_val : '0;
  end

  // ---- Outputs ----
  assign busy_o = busy_q;
  assign done_o = busy_q && v_done && last_done;
  assign ra_o   = k_q;
  assign wr_o   = busy_q && v_wr;
  assign kind_o = kind;
  assign wa_o   = is_quant ? a_quant : a_wr;
  assign ssa_o  = ssa_q;
  assign ssb_o  = ssb_q;
  assign amax_o = amax_q;

`ifndef SYNTHESIS
  logic sva_on;
  assign sva_on = rst_ni;
  a_known: assert property (@(posedge clk_i) disable iff (!sva_on) !$isunknown({busy_o, wr_o, done_o}));
  a_start_idle: assert property (@(posedge clk_i) disable iff (!sva_on) start_i |-> !busy_o);
  a_start_nonempty: assert property (@(posedge clk_i) disable iff (!sva_on) start_i |-> cmd_i.n != '0);
  // Words are written once each, in order: every write is the word after the previous one.
  a_write_order: assert property (@(posedge clk_i) disable iff (!sva_on)
    wr_o |=> !wr_o || wa_o == $past(wa_o) + 1);
  // The last write comes no later than done, and done once per loop.
  a_done_once: assert property (@(posedge clk_i) disable iff (!sva_on) done_o |=> !done_o);
  // The latencies are the units' (a changed unit must change them).
  initial begin
    if (WriteLatency != 24 || ReduceLatency != 29 || EarlyShift != 9 || MlgruLatency != 15 || QuantLatency != 6)
      $fatal(1, "element loop latencies");
  end
`endif

endmodule
