// Token mode of mmfree_kernel (docs/device.md, "One start command" steps 3-5 and "The per-token
// schedule"): a vector micro-sequencer that runs the golden kernel's token pass
// (host/src/device/golden_token_pass.cpp, docs/numerics.md section 5) one element per cycle.
//
// It owns the gmem read and write engines, the weight-port stream commands, the activation
// buffers' write port and the row sums while the sequencer is in token mode. Per token it reads
// the token id, starts every weight port's stream for the whole token, and walks the phases:
// vectors are read from params / the state slot into on-chip buffers (converted from float32 by
// the datapath's shifters), element loops run the datapath's combinational units, and each
// BitLinear quantizes its input into the activation buffers, opens every port's beat gate for
// exactly its share of the matrix, and scales the row sums as they come back in global row order
// (row r from port r mod P). Weight streams prefetch on their own; a port's feeder only waits at
// the gate until its matrix's activations are written.
//
// Buffers are plain arrays read asynchronously (correctness first; one element per cycle).
module mmfree_token_engine #(
  parameter int unsigned NumWeightPorts  = 1,
  parameter int unsigned MaxHidden       = 2560,
  parameter int unsigned MaxIntermediate = 6912,
  parameter int unsigned DataWidth       = 512,
  parameter int unsigned CountBits       = 32,
  // Derived; not meant to be overridden.
  parameter int unsigned P          = NumWeightPorts,
  parameter int unsigned PortBits   = NumWeightPorts > 1 ? $clog2(NumWeightPorts) : 1
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,

  input  logic                    start_i,       // one cycle: run the command's tokens
  output logic                    done_o,        // one cycle
  output logic [31:0]             status_o,      // valid with done_o
  output logic                    token_done_o,  // one cycle per completed token

  // Latched arguments and the descriptor (bytes 128 .. 255 of the image).
  input  logic [63:0]             params_i,
  input  logic [63:0]             state_i,
  input  logic [63:0]             io_i,
  input  logic [31:0]             num_tokens_i,
  input  logic [31:0]             state_slot_i,
  input  logic [31:0]             flags_i,
  input  logic [1023:0]           desc_i,

  // Each port's share of the matrices (from the sequencer).
  input  logic [CountBits-1:0]    beats_d_i,
  input  logic [CountBits-1:0]    beats_i_i,
  input  logic [CountBits*P-1:0]  port_rows_d_i,
  input  logic [CountBits*P-1:0]  port_rows_gate_i,
  input  logic [CountBits*P-1:0]  port_rows_vocab_i,

  // gmem reads.
  output logic                    rd_cmd_valid_o,
  input  logic                    rd_cmd_ready_i,
  output logic [63:0]             rd_cmd_addr_o,
  output logic [CountBits-1:0]    rd_cmd_beats_o,
  input  logic                    rd_valid_i,
  output logic                    rd_ready_o,
  input  logic [DataWidth-1:0]    rd_data_i,
  input  logic                    rd_error_i,

  // gmem writes.
  output logic                    wr_cmd_valid_o,
  input  logic                    wr_cmd_ready_i,
  output logic [63:0]             wr_cmd_addr_o,
  output logic [CountBits-1:0]    wr_cmd_beats_o,
  output logic                    wr_in_valid_o,
  input  logic                    wr_in_ready_i,
  output logic [DataWidth-1:0]    wr_in_data_o,
  output logic [DataWidth/8-1:0]  wr_in_strb_o,
  input  logic                    wr_done_i,
  input  logic                    wr_error_i,

  // Weight ports: stream commands (address and length from the sequencer), feeders, gates.
  output logic [P-1:0]            ws_cmd_valid_o,
  input  logic [P-1:0]            ws_cmd_ready_i,
  input  logic [P-1:0]            ws_error_i,
  output logic                    pass_start_o,
  input  logic                    feeders_busy_i,
  output logic [P-1:0]            gate_open_o,
  input  logic [P-1:0]            array_fire_i,

  // Row sums of the ternary arrays.
  input  logic [P-1:0]            sum_valid_i,
  output logic [P-1:0]            sum_ready_o,
  input  logic [32*P-1:0]         sum_i,

  // Activation buffers: gmem-beat-sized words of qd (sel 0) or qi (sel 1).
  output logic                    q_wr_o,
  output logic                    q_wr_sel_o,
  output logic [CountBits-1:0]    q_wr_index_o,
  output logic [DataWidth-1:0]    q_wr_data_o
);

  localparam int unsigned ExpBits   = 10;
  localparam int unsigned Words     = DataWidth / 32;   // 16 words per beat
  localparam int unsigned WordBits  = $clog2(Words);
  localparam int unsigned QBytes    = DataWidth / 8;    // 64 activations per q word
  localparam int unsigned QByteBits = $clog2(QBytes);
  localparam int unsigned MaxVec    = MaxHidden > MaxIntermediate ? MaxHidden : MaxIntermediate;
  localparam int unsigned HBits     = $clog2(MaxHidden);
  localparam int unsigned VBits     = $clog2(MaxVec);
  localparam int unsigned YBits     = $clog2(2 * MaxIntermediate);
  localparam int unsigned SsBits    = 76;
  localparam logic [31:0] E40       = 32'd1099512;       // round(1e-6f * 2^40)
  localparam logic signed [31:0] ActMax = 32'sh7fffffff;

  // ---- Descriptor fields -----------------------------------------------------------------------
  logic [31:0] d, nl, ni, nv, vsd, vsi, eps, dflags;
  logic [63:0] emb_off, lb_off, lb_stride, final_off, lmh_off, betas_off;
  assign d         = desc_i[31:0];
  assign nl        = desc_i[63:32];
  assign ni        = desc_i[95:64];
  assign nv        = desc_i[127:96];
  assign vsd       = desc_i[223:192];
  assign vsi       = desc_i[255:224];
  assign emb_off   = desc_i[319:256];
  assign lb_off    = desc_i[383:320];
  assign lb_stride = desc_i[447:384];
  assign final_off = desc_i[511:448];
  assign lmh_off   = desc_i[575:512];
  assign betas_off = desc_i[831:768];
  assign eps       = desc_i[863:832];
  assign dflags    = desc_i[895:864];

  logic unused_desc;
  assign unused_desc = ^{desc_i[191:128], desc_i[767:576], desc_i[1023:896], dflags[31:1]};

  // ---- Command-level sizes -----------------------------------------------------------------------
  logic [63:0] slot_bytes, slot_addr, io_t, logit_stride;
  assign slot_bytes   = ((64'(nl) * 64'(d) * 64'd4) + 64'd4095) & ~64'd4095;
  assign slot_addr    = state_i + 64'(state_slot_i) * slot_bytes;
  assign io_t         = ((64'(num_tokens_i) * 64'd4) + 64'd63) & ~64'd63;   // T
  assign logit_stride = ((64'(nv) * 64'd4) + 64'd63) & ~64'd63;

  // ---- Norm constants ----------------------------------------------------------------------------
  logic                      nc_start, nc_ready;
  logic [63:0]               ne2_d, ne1_i;
  logic [16:0]               c_d_man, c_i_man;
  logic signed [ExpBits-1:0] c_d_exp, c_i_exp;

  mmfree_token_norm_constants #(.ExpBits(ExpBits)) u_constants (
    .clk_i, .rst_ni,
    .start_i  (nc_start),
    .hidden_i (d),
    .inter_i  (ni),
    .eps_i    (eps),
    .ready_o  (nc_ready),
    .ne2_d_o  (ne2_d),
    .ne1_i_o  (ne1_i),
    .c_d_man_o(c_d_man),
    .c_d_exp_o(c_d_exp),
    .c_i_man_o(c_i_man),
    .c_i_exp_o(c_i_exp)
  );

  // ---- States ------------------------------------------------------------------------------------
  typedef enum logic [5:0] {
    StIdle, StConst, StZero,
    StTokRead, StTokCheck, StStream, StEmb, StLayer,
    StAttnNorm, StAttnLoop,
    StProjNorm, StProjBeta, StProjLoop, StProjScale, StProjScaleWait, StProjQuant, StProjLogits,
    StProjGrant, StProjSums, StProjLogitsWait, StProjNext,
    StHRead, StLbRead, StMlgru, StHWrite,
    StGNorm, StOgate, StMlpNorm, StMlpLoop, StGlu,
    StHeadNorm, StHeadLoop, StArgmax, StTokDone, StDone,
    // Sub-machines: read a vector, write a vector, run an element loop.
    StLdCmd, StLdRx, StWrCmd, StWrData, StWrWait, StLoop
  } state_e;

  // Matrix kinds in stream order within a layer, then the lm_head.
  typedef enum logic [2:0] {MxI, MxF, MxG, MxO, MxGate, MxDown, MxHead} matrix_e;

  // Vector-read destinations and conversions.
  typedef enum logic [2:0] {DstX, DstN, DstH, DstLb, DstBeta, DstTok} dst_e;
  // Element loops.
  typedef enum logic [2:0] {LkNorm, LkOgate, LkProj, LkMlgru, LkGlu, LkQuant} loop_e;
  // Vector-write sources.
  typedef enum logic [1:0] {SrcZero, SrcH, SrcArgmax, SrcLogits} src_e;

  state_e   state_q, ret_q;
  matrix_e  mx_q;
  logic [31:0] tok_idx_q;     // t
  logic [31:0] layer_q;       // l
  logic [31:0] tok_q;         // the token id
  logic [31:0] status_q;
  logic [P-1:0] ws_pending_q;
  logic         head_src_x_q; // LkNorm reads x (attn, head) or r (mlp)

  // Vector read.
  dst_e        ld_dst_q;
  logic [63:0] ld_addr_q;
  logic [31:0] ld_n_q, ld_k_q;
  logic [WordBits-1:0] ld_w_q;

  // Vector write.
  src_e        wr_src_q;
  logic [63:0] wr_addr_q;
  logic [31:0] wr_n_q, wr_k_q;
  logic        wr_done_seen_q, wr_logits_q;

  // Element loop.
  loop_e       lk_q;
  logic [31:0] lp_n_q, lp_c_q;

  // Per-vector scalars.
  logic [SsBits-1:0]         ssa_q, ssb_q;   // sum p1^2 (or z^2), sum of the first norm's input^2
  logic [31:0]               amax_q;
  logic [16:0]               beta_man_q, scale_man_q, cq_man_q;
  logic signed [ExpBits-1:0] beta_exp_q, scale_exp_q, cq_exp_q;
  logic [31:0]               argmax_q;
  logic signed [31:0]        best_q;

  // Matrix-vector collection.
  logic [CountBits*P-1:0]    budget_q;
  logic [PortBits-1:0]       port_q;
  logic [31:0]               row_q;
  logic [DataWidth-1:0]      qbeat_q;

  // ---- Buffers -------------------------------------------------------------------------------------
  logic [31:0] x_mem  [MaxHidden];
  logic [31:0] r_mem  [MaxHidden];
  logic [31:0] h_mem  [MaxHidden];
  logic [31:0] f_mem  [MaxHidden];
  logic [31:0] i_mem  [MaxHidden];
  logic [31:0] g_mem  [MaxHidden];
  logic [31:0] p1_mem [MaxHidden];
  logic [31:0] lb_mem [MaxHidden];
  logic [31:0] n_mem  [MaxVec];
  logic [31:0] p_mem  [MaxVec];
  logic [31:0] y_mem  [2 * MaxIntermediate];

  // ---- Sizes of the current matrix -------------------------------------------------------------
  logic [31:0] mx_cols, mx_rows;
  logic [CountBits-1:0] mx_beats;
  always_comb begin
    mx_cols  = (mx_q == MxDown) ? ni : d;
    mx_beats = (mx_q == MxDown) ? beats_i_i : beats_d_i;
    unique case (mx_q)
      MxGate:  mx_rows = 2 * ni;
      MxHead:  mx_rows = nv;
      default: mx_rows = d;
    endcase
  end

  logic write_logits;
  assign write_logits = !flags_i[mmfree_reg_pkg::FlagsNoLogitsBit] &&
                        (flags_i[mmfree_reg_pkg::FlagsAllLogitsBit] || tok_idx_q == num_tokens_i - 1);

  logic [63:0] block_addr;
  assign block_addr = params_i + lb_off + 64'(layer_q) * lb_stride;

  // ---- Vector read: words of the current beat --------------------------------------------------
  logic [31:0] rd_word, rd_conv;
  logic        rd_take, ld_last;
  assign rd_word = rd_data_i[32*ld_w_q +: 32];
  assign ld_last = (ld_k_q == ld_n_q - 1);
  assign rd_take = (state_q == StLdRx) && rd_valid_i;

  logic signed [31:0]        conv_a, conv_g;
  logic [16:0]               conv_sf_man;
  logic signed [ExpBits-1:0] conv_sf_exp;
  float_to_fixed #(.FracBits(16)) u_to_a (.float_i(rd_word), .fixed_o(conv_a));
  float_to_fixed #(.FracBits(24), .ClampToGate(1'b1)) u_to_g (.float_i(rd_word), .fixed_o(conv_g));
  float_to_sf #(.ExpBits(ExpBits)) u_to_sf (.float_i(rd_word), .man_o(conv_sf_man), .exp_o(conv_sf_exp));

  always_comb begin
    unique case (ld_dst_q)
      DstX, DstN: rd_conv = conv_a;
      DstLb:      rd_conv = conv_g;
      default:    rd_conv = rd_word;  // the state slot and token ids are raw words
    endcase
  end

  assign rd_cmd_valid_o = (state_q == StLdCmd);
  assign rd_cmd_addr_o  = ld_addr_q & ~64'd63;
  assign rd_cmd_beats_o = CountBits'((32'(ld_addr_q[5:2]) + ld_n_q + 32'(Words - 1)) >> WordBits);
  assign rd_ready_o     = (state_q == StLdRx) && (ld_w_q == WordBits'(Words - 1) || ld_last);

  // ---- Element loop: operands at index c ---------------------------------------------------------
  logic [HBits-1:0] ch;
  logic [VBits-1:0] cv;
  logic [YBits-1:0] cy, cy_up;
  assign ch    = HBits'(lp_c_q);
  assign cv    = VBits'(lp_c_q);
  assign cy    = YBits'(lp_c_q);
  assign cy_up = YBits'(lp_c_q + ni);

  logic signed [31:0] x_c, r_c, h_c, f_c, i_c, g_c, p1_c, lb_c, n_c, p_c, y_c, y_up_c;
  assign x_c    = x_mem[ch];
  assign r_c    = r_mem[ch];
  assign h_c    = h_mem[ch];
  assign f_c    = f_mem[ch];
  assign i_c    = i_mem[ch];
  assign g_c    = g_mem[ch];
  assign p1_c   = p1_mem[ch];
  assign lb_c   = lb_mem[ch];
  assign n_c    = n_mem[cv];
  assign p_c    = p_mem[cv];
  assign y_c    = y_mem[cy];
  assign y_up_c = y_mem[cy_up];

  logic signed [31:0] silu_in, silu_out, ma_a, ma_b, ma_out, mb_out, norm_in;
  logic signed [31:0] h_new, p1_val, sq_a_val;
  logic [24:0]        cf;
  logic signed [7:0]  q_val;
  logic               bounded;
  assign bounded = dflags[0] && (layer_q != 32'd0);
  assign norm_in = head_src_x_q ? x_c : r_c;

  always_comb begin
    unique case (lk_q)
      LkOgate: silu_in = h_c;
      LkMlgru: silu_in = i_c;
      default: silu_in = y_c;  // LkGlu
    endcase
    unique case (lk_q)
      LkNorm:  begin ma_a = norm_in;  ma_b = n_c; end
      LkOgate: begin ma_a = g_c;      ma_b = n_c; end
      LkProj:  begin ma_a = (mx_q == MxDown) ? y_c : p1_c; ma_b = n_c; end
      default: begin ma_a = silu_out; ma_b = y_up_c; end  // LkGlu
    endcase
  end

  silu_a u_silu (.z_i(silu_in), .silu_o(silu_out));
  mul_a  u_mul_a (.a_i(ma_a), .b_i(ma_b), .product_o(ma_out));
  mul_a  u_mul_b (.a_i(ma_out), .b_i(silu_out), .product_o(mb_out));
  forget_complement_g u_cf (.fz_i(f_c), .lb_i(lb_c), .bounded_i(bounded), .cf_o(cf));
  mlgru_update_a u_mlgru (.h_i(h_c), .c_i(silu_out), .cf_i(cf), .h_o(h_new));
  quantize_q8 #(.ExpBits(ExpBits)) u_quant (.p_i(p_c), .c_man_i(cq_man_q), .c_exp_i(cq_exp_q), .q_o(q_val));

  assign p1_val   = (lk_q == LkOgate) ? mb_out : ma_out;  // p1 (norm loops), p, or z (GLU)
  assign sq_a_val = p1_val;

  // The first norm's input for the epsilon term: x (attn, head), g (output gate), r (mlp).
  logic signed [31:0] sq_b_val;
  assign sq_b_val = (lk_q == LkOgate) ? g_c : norm_in;

  // Squares of A values, exact (< 2^62).
  logic signed [63:0] sq_a_wide, sq_b_wide, sq_a_signed, sq_b_signed;
  logic [63:0]        sq_a, sq_b;
  assign sq_a_wide   = {{32{sq_a_val[31]}}, sq_a_val};
  assign sq_b_wide   = {{32{sq_b_val[31]}}, sq_b_val};
  assign sq_a_signed = sq_a_wide * sq_a_wide;
  assign sq_b_signed = sq_b_wide * sq_b_wide;
  assign sq_a        = sq_a_signed;
  assign sq_b        = sq_b_signed;

  logic [31:0] abs_p;
  assign abs_p = ma_out[31] ? 32'(-ma_out) : 32'(ma_out);

  logic lp_last;
  assign lp_last = (lp_c_q == lp_n_q - 1);

  // ---- BitLinear scalars ---------------------------------------------------------------------------
  logic [16:0]               c_n_man, k_man;
  logic signed [ExpBits-1:0] c_n_exp, k_exp;
  assign c_n_man = (mx_q == MxDown) ? c_i_man : c_d_man;
  assign c_n_exp = (mx_q == MxDown) ? c_i_exp : c_d_exp;
  sf_mul #(.ExpBits(ExpBits)) u_k (
    .a_man_i(beta_man_q), .a_exp_i(beta_exp_q), .b_man_i(c_n_man), .b_exp_i(c_n_exp),
    .man_o(k_man), .exp_o(k_exp)
  );

  logic                      bs_valid_in, bs_valid_out;
  logic [16:0]               bs_scale_man, bs_c_man;
  logic signed [ExpBits-1:0] bs_scale_exp, bs_c_exp;
  assign bs_valid_in = (state_q == StProjScale);

  bitlinear_scale_unit #(.SumBits(SsBits), .TBits(80), .ExpBits(ExpBits)) u_scale (
    .clk_i, .rst_ni,
    .stall_i      (1'b0),
    .valid_i      (bs_valid_in),
    .double_norm_i(mx_q != MxDown),
    .ss_primary_i (ssa_q),
    .ss_input_i   (ssb_q),
    .e40_i        (E40),
    .ne_i         ((mx_q == MxDown) ? ne1_i : ne2_d),
    .k_man_i      (k_man),
    .k_exp_i      (k_exp),
    .amax_i       (amax_q),
    .valid_o      (bs_valid_out),
    .scale_man_o  (bs_scale_man),
    .scale_exp_o  (bs_scale_exp),
    .c_man_o      (bs_c_man),
    .c_exp_o      (bs_c_exp)
  );

  // ---- Row sums in global order, scaled ---------------------------------------------------------
  logic signed [31:0] sum_cur, out_val;
  assign sum_cur = sum_i[32*port_q +: 32];
  apply_scale_a #(.ExpBits(ExpBits)) u_apply (
    .sum_i(sum_cur), .scale_man_i(scale_man_q), .scale_exp_i(scale_exp_q), .out_o(out_val)
  );

  logic [HBits-1:0] rh;
  logic [YBits-1:0] ry;
  assign rh = HBits'(row_q);
  assign ry = YBits'(row_q);

  logic signed [31:0] resid_base, resid_out;
  logic signed [32:0] resid_sum;
  assign resid_base = (mx_q == MxO) ? $signed(x_mem[rh]) : $signed(r_mem[rh]);
  assign resid_sum  = 33'(resid_base) + 33'(out_val);
  assign resid_out  = (resid_sum > 33'(ActMax)) ? ActMax :
                      (resid_sum < -33'(ActMax)) ? -ActMax : resid_sum[31:0];

  // ---- Write packer ---------------------------------------------------------------------------------
  logic [DataWidth-1:0]   pk_beat_q, out_data_q;
  logic [Words-1:0]       pk_strb_q, out_words_q;
  logic [WordBits-1:0]    pk_w_q;
  logic                   out_valid_q;
  logic                   pk_push, pk_last, pk_can_push;
  logic [31:0]            pk_word;
  assign pk_can_push = !out_valid_q || wr_in_ready_i;

  logic sums_take;
  assign sums_take = (state_q == StProjSums) && sum_valid_i[port_q] &&
                     (!(mx_q == MxHead && wr_logits_q) || pk_can_push);

  always_comb begin
    pk_push = 1'b0;
    pk_last = 1'b0;
    pk_word = '0;
    if (state_q == StWrData && pk_can_push) begin
      pk_push = 1'b1;
      pk_last = (wr_k_q == wr_n_q - 1);
      unique case (wr_src_q)
        SrcH:      pk_word = h_mem[HBits'(wr_k_q)];
        SrcArgmax: pk_word = argmax_q;
        default:   pk_word = '0;
      endcase
    end else if (sums_take && mx_q == MxHead && wr_logits_q) begin
      pk_push = 1'b1;
      pk_last = (row_q == mx_rows - 1);
      pk_word = out_val;
    end
  end

  assign wr_cmd_valid_o = (state_q == StWrCmd);
  assign wr_cmd_addr_o  = wr_addr_q & ~64'd63;
  assign wr_cmd_beats_o = CountBits'((32'(wr_addr_q[5:2]) + wr_n_q + 32'(Words - 1)) >> WordBits);
  assign wr_in_valid_o  = out_valid_q;
  assign wr_in_data_o   = out_data_q;
  always_comb begin
    for (int unsigned b = 0; b < DataWidth / 8; b++) wr_in_strb_o[b] = out_words_q[b / 4];
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pk_beat_q   <= '0;
      pk_strb_q   <= '0;
      pk_w_q      <= '0;
      out_valid_q <= 1'b0;
      out_data_q  <= '0;
      out_words_q <= '0;
    end else begin
      if (out_valid_q && wr_in_ready_i) out_valid_q <= 1'b0;
      if (state_q == StWrCmd) begin
        pk_w_q    <= wr_addr_q[5:2];
        pk_beat_q <= '0;
        pk_strb_q <= '0;
      end else if (pk_push) begin
        if (pk_w_q == WordBits'(Words - 1) || pk_last) begin
          out_valid_q <= 1'b1;
          out_data_q  <= pk_beat_q;
          out_data_q[32*pk_w_q +: 32] <= pk_word;
          out_words_q <= pk_strb_q;
          out_words_q[pk_w_q] <= 1'b1;
          pk_beat_q <= '0;
          pk_strb_q <= '0;
          pk_w_q    <= '0;
        end else begin
          pk_beat_q[32*pk_w_q +: 32] <= pk_word;
          pk_strb_q[pk_w_q] <= 1'b1;
          pk_w_q <= pk_w_q + 1'b1;
        end
      end
    end
  end

  // ---- Buffer writes ------------------------------------------------------------------------------
  logic [HBits-1:0] ldh;
  logic [VBits-1:0] ldv;
  assign ldh = HBits'(ld_k_q);
  assign ldv = VBits'(ld_k_q);

  logic loop_step;
  assign loop_step = (state_q == StLoop);

  always_ff @(posedge clk_i) begin
    // x: embedding, then each layer's second residual.
    if (rd_take && ld_dst_q == DstX) x_mem[ldh] <= rd_conv;
    if (sums_take && mx_q == MxDown) x_mem[rh] <= resid_out;
    // r: the first residual.
    if (sums_take && mx_q == MxO) r_mem[rh] <= resid_out;
    // h: read from the slot, updated by the MLGRU.
    if (rd_take && ld_dst_q == DstH) h_mem[ldh] <= rd_conv;
    if (loop_step && lk_q == LkMlgru) h_mem[ch] <= h_new;
    // Projection outputs.
    if (sums_take && mx_q == MxI) i_mem[rh] <= out_val;
    if (sums_take && mx_q == MxF) f_mem[rh] <= out_val;
    if (sums_take && mx_q == MxG) g_mem[rh] <= out_val;
    if (sums_take && mx_q == MxGate) y_mem[ry] <= out_val;
    if (loop_step && lk_q == LkGlu) y_mem[cy] <= ma_out;  // z in place of the gate half
    // p1 of the norm loops.
    if (loop_step && (lk_q == LkNorm || lk_q == LkOgate)) p1_mem[ch] <= p1_val;
    if (rd_take && ld_dst_q == DstLb) lb_mem[ldh] <= rd_conv;
    if (rd_take && ld_dst_q == DstN) n_mem[ldv] <= rd_conv;
    if (loop_step && lk_q == LkProj) p_mem[cv] <= ma_out;
  end

  // ---- Gates: each port passes exactly its share of the current matrix -------------------------
  always_comb begin
    for (int unsigned p = 0; p < P; p++) gate_open_o[p] = (budget_q[CountBits*p +: CountBits] != '0);
  end

  function automatic logic [CountBits-1:0] port_share(
      input matrix_e m, input logic [CountBits-1:0] rd, input logic [CountBits-1:0] rg,
      input logic [CountBits-1:0] rv, input logic [CountBits-1:0] bd, input logic [CountBits-1:0] bi);
    logic [CountBits-1:0] rows;
    unique case (m)
      MxGate:  rows = rg;
      MxHead:  rows = rv;
      default: rows = rd;
    endcase
    port_share = rows * ((m == MxDown) ? bi : bd);
  endfunction

  always_comb begin
    sum_ready_o = '0;
    sum_ready_o[port_q] = (state_q == StProjSums) && (!(mx_q == MxHead && wr_logits_q) || pk_can_push);
  end

  // ---- Outputs ---------------------------------------------------------------------------------------
  assign q_wr_sel_o   = (mx_q == MxDown);
  assign q_wr_index_o = CountBits'(lp_c_q >> QByteBits);
  always_comb begin
    q_wr_data_o = qbeat_q;
    q_wr_data_o[8*lp_c_q[QByteBits-1:0] +: 8] = q_val;
  end
  assign q_wr_o = loop_step && lk_q == LkQuant && (lp_c_q[QByteBits-1:0] == QByteBits'(QBytes - 1) || lp_last);

  always_comb begin
    for (int unsigned p = 0; p < P; p++) ws_cmd_valid_o[p] = ws_pending_q[p];
  end
  assign pass_start_o = (state_q == StStream) && (ws_pending_q == '0) && !feeders_busy_i;
  assign nc_start     = (state_q == StIdle) && start_i;
  assign done_o       = (state_q == StDone);
  assign status_o     = status_q;
  assign token_done_o = (state_q == StTokDone);

  // ---- The sequence ---------------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q        <= StIdle;
      ret_q          <= StIdle;
      mx_q           <= MxI;
      tok_idx_q      <= '0;
      layer_q        <= '0;
      tok_q          <= '0;
      status_q       <= '0;
      ws_pending_q   <= '0;
      head_src_x_q   <= 1'b1;
      ld_dst_q       <= DstX;
      ld_addr_q      <= '0;
      ld_n_q         <= '0;
      ld_k_q         <= '0;
      ld_w_q         <= '0;
      wr_src_q       <= SrcZero;
      wr_addr_q      <= '0;
      wr_n_q         <= '0;
      wr_k_q         <= '0;
      wr_done_seen_q <= 1'b0;
      wr_logits_q    <= 1'b0;
      lk_q           <= LkNorm;
      lp_n_q         <= '0;
      lp_c_q         <= '0;
      ssa_q          <= '0;
      ssb_q          <= '0;
      amax_q         <= '0;
      beta_man_q     <= '0;
      beta_exp_q     <= '0;
      scale_man_q    <= '0;
      scale_exp_q    <= '0;
      cq_man_q       <= '0;
      cq_exp_q       <= '0;
      argmax_q       <= '0;
      best_q         <= '0;
      budget_q       <= '0;
      port_q         <= '0;
      row_q          <= '0;
      qbeat_q        <= '0;
    end else begin
      // Stream commands are accepted whenever the engines are ready; gates drain with the beats.
      ws_pending_q <= ws_pending_q & ~ws_cmd_ready_i;
      for (int unsigned p = 0; p < P; p++) begin
        if (array_fire_i[p]) budget_q[CountBits*p +: CountBits] <= budget_q[CountBits*p +: CountBits] - 1'b1;
      end
      if (wr_done_i) begin
        wr_done_seen_q <= 1'b1;
        if (wr_error_i) status_q[mmfree_reg_pkg::StatusAxiErrorBit] <= 1'b1;
      end

      unique case (state_q)
        StIdle: begin
          if (start_i) begin
            status_q  <= '0;
            tok_idx_q <= '0;
            if (num_tokens_i == 32'd0) begin
              status_q[mmfree_reg_pkg::StatusBadArgumentsBit] <= 1'b1;
              state_q <= StDone;
            end else begin
              state_q <= StConst;
            end
          end
        end

        StConst: begin
          if (nc_ready) begin
            if (flags_i[mmfree_reg_pkg::FlagsResetStateBit]) begin
              wr_src_q  <= SrcZero;
              wr_addr_q <= slot_addr;
              wr_n_q    <= 32'(slot_bytes >> 2);
              ret_q     <= StTokRead;
              state_q   <= StWrCmd;
            end else begin
              state_q <= StTokRead;
            end
          end
        end

        StTokRead: begin
          ld_dst_q  <= DstTok;
          ld_addr_q <= io_i + 64'(tok_idx_q) * 64'd4;
          ld_n_q    <= 32'd1;
          ret_q     <= StTokCheck;
          state_q   <= StLdCmd;
        end

        StTokCheck: begin
          if (status_q[mmfree_reg_pkg::StatusAxiErrorBit]) begin
            state_q <= StDone;
          end else if (tok_q >= nv) begin
            status_q[mmfree_reg_pkg::StatusBadTokenBit] <= 1'b1;
            state_q <= StDone;
          end else begin
            ws_pending_q <= '1;
            state_q      <= StStream;
          end
        end

        StStream: begin
          // Every port's stream command is taken and the feeders are idle: start the pass.
          if (ws_pending_q == '0 && !feeders_busy_i) begin
            layer_q   <= '0;
            ld_dst_q  <= DstX;
            ld_addr_q <= params_i + emb_off + 64'(tok_q) * 64'(d) * 64'd4;
            ld_n_q    <= d;
            ret_q     <= StLayer;
            state_q   <= StLdCmd;
          end
        end

        StLayer: begin
          state_q <= (layer_q == nl) ? StHeadNorm : StAttnNorm;
        end

        // Token mixer input: p1 = x * attn_norm, with sums of squares.
        StAttnNorm: begin
          ld_dst_q  <= DstN;
          ld_addr_q <= block_addr;
          ld_n_q    <= d;
          ret_q     <= StAttnLoop;
          state_q   <= StLdCmd;
        end
        StAttnLoop: begin
          head_src_x_q <= 1'b1;
          lk_q    <= LkNorm;
          lp_n_q  <= d;
          lp_c_q  <= '0;
          ssa_q   <= '0;
          ssb_q   <= '0;
          mx_q    <= MxI;
          ret_q   <= StProjNorm;
          state_q <= StLoop;
        end

        // One BitLinear: its norm, its beta, p and amax, the scalars, q, the matrix.
        StProjNorm: begin
          ld_dst_q <= DstN;
          unique case (mx_q)
            MxI:     ld_addr_q <= block_addr + 64'd1 * 64'(vsd);
            MxF:     ld_addr_q <= block_addr + 64'd2 * 64'(vsd);
            MxG:     ld_addr_q <= block_addr + 64'd3 * 64'(vsd);
            MxO:     ld_addr_q <= block_addr + 64'd5 * 64'(vsd);
            MxGate:  ld_addr_q <= block_addr + 64'd7 * 64'(vsd);
            MxDown:  ld_addr_q <= block_addr + 64'd8 * 64'(vsd);
            default: ld_addr_q <= params_i + lmh_off;
          endcase
          ld_n_q  <= mx_cols;
          ret_q   <= StProjBeta;
          state_q <= StLdCmd;
        end
        StProjBeta: begin
          ld_dst_q  <= DstBeta;
          ld_addr_q <= params_i + betas_off +
                       64'd4 * ((mx_q == MxHead) ? 64'(nl) * 64'd6 : 64'(layer_q) * 64'd6 + 64'(mx_q));
          ld_n_q    <= 32'd1;
          ret_q     <= StProjLoop;
          state_q   <= StLdCmd;
        end
        StProjLoop: begin
          lk_q    <= LkProj;
          lp_n_q  <= mx_cols;
          lp_c_q  <= '0;
          amax_q  <= '0;
          ret_q   <= StProjScale;
          state_q <= StLoop;
        end
        StProjScale: state_q <= StProjScaleWait;  // bs_valid_in is high here
        StProjScaleWait: begin
          if (bs_valid_out) begin
            scale_man_q <= bs_scale_man;
            scale_exp_q <= bs_scale_exp;
            cq_man_q    <= bs_c_man;
            cq_exp_q    <= (bs_c_man == '0) ? -ExpBits'(1) : bs_c_exp;  // amax 0: q = 0
            lk_q        <= LkQuant;
            lp_n_q      <= mx_cols;
            lp_c_q      <= '0;
            qbeat_q     <= '0;
            ret_q       <= StProjLogits;
            state_q     <= StLoop;
          end
        end
        StProjLogits: begin
          wr_logits_q <= (mx_q == MxHead) && write_logits;
          if (mx_q == MxHead && write_logits) begin
            wr_src_q  <= SrcLogits;
            wr_addr_q <= io_i + 64'd2 * io_t +
                         (flags_i[mmfree_reg_pkg::FlagsAllLogitsBit] ? 64'(tok_idx_q) * logit_stride : 64'd0);
            wr_n_q    <= nv;
            ret_q     <= StProjGrant;
            state_q   <= StWrCmd;
          end else begin
            state_q <= StProjGrant;
          end
        end
        StProjGrant: begin
          for (int unsigned p = 0; p < P; p++) begin
            budget_q[CountBits*p +: CountBits] <= port_share(mx_q,
                port_rows_d_i[CountBits*p +: CountBits], port_rows_gate_i[CountBits*p +: CountBits],
                port_rows_vocab_i[CountBits*p +: CountBits], mx_beats, mx_beats);
          end
          port_q  <= '0;
          row_q   <= '0;
          state_q <= StProjSums;
        end
        StProjSums: begin
          if (sums_take) begin
            if (mx_q == MxHead && (row_q == '0 || out_val > best_q)) begin
              best_q   <= out_val;
              argmax_q <= row_q;
            end
            if (row_q == mx_rows - 1) begin
              state_q <= (mx_q == MxHead && wr_logits_q) ? StProjLogitsWait : StProjNext;
            end else begin
              row_q  <= row_q + 1'b1;
              port_q <= (32'(port_q) == P - 1) ? '0 : port_q + 1'b1;
            end
          end
        end
        StProjLogitsWait: begin
          if (wr_done_seen_q) state_q <= StProjNext;
        end
        StProjNext: begin
          unique case (mx_q)
            MxI:    begin mx_q <= MxF; state_q <= StProjNorm; end
            MxF:    begin mx_q <= MxG; state_q <= StProjNorm; end
            MxG:    state_q <= StHRead;
            MxO:    state_q <= StMlpNorm;
            MxGate: state_q <= StGlu;
            MxDown: begin layer_q <= layer_q + 1'b1; state_q <= StLayer; end
            default: state_q <= StArgmax;
          endcase
        end

        // MLGRU: h[l] from the slot, LB[l], the update, h[l] back to the slot.
        StHRead: begin
          ld_dst_q  <= DstH;
          ld_addr_q <= slot_addr + 64'(layer_q) * 64'(d) * 64'd4;
          ld_n_q    <= d;
          ret_q     <= StLbRead;
          state_q   <= StLdCmd;
        end
        StLbRead: begin
          ld_dst_q  <= DstLb;
          ld_addr_q <= block_addr + 64'd8 * 64'(vsd) + 64'(vsi);
          ld_n_q    <= d;
          ret_q     <= StMlgru;
          state_q   <= StLdCmd;
        end
        StMlgru: begin
          lk_q    <= LkMlgru;
          lp_n_q  <= d;
          lp_c_q  <= '0;
          ret_q   <= StHWrite;
          state_q <= StLoop;
        end
        StHWrite: begin
          wr_src_q  <= SrcH;
          wr_addr_q <= slot_addr + 64'(layer_q) * 64'(d) * 64'd4;
          wr_n_q    <= d;
          ret_q     <= StGNorm;
          state_q   <= StWrCmd;
        end

        // Output gate input: p1 = g * g_norm * silu(h).
        StGNorm: begin
          ld_dst_q  <= DstN;
          ld_addr_q <= block_addr + 64'd4 * 64'(vsd);
          ld_n_q    <= d;
          ret_q     <= StOgate;
          state_q   <= StLdCmd;
        end
        StOgate: begin
          lk_q    <= LkOgate;
          lp_n_q  <= d;
          lp_c_q  <= '0;
          ssa_q   <= '0;
          ssb_q   <= '0;
          mx_q    <= MxO;
          ret_q   <= StProjNorm;
          state_q <= StLoop;
        end

        // Channel mixer: p1 = r * mlp_norm; the GLU.
        StMlpNorm: begin
          ld_dst_q  <= DstN;
          ld_addr_q <= block_addr + 64'd6 * 64'(vsd);
          ld_n_q    <= d;
          ret_q     <= StMlpLoop;
          state_q   <= StLdCmd;
        end
        StMlpLoop: begin
          head_src_x_q <= 1'b0;
          lk_q    <= LkNorm;
          lp_n_q  <= d;
          lp_c_q  <= '0;
          ssa_q   <= '0;
          ssb_q   <= '0;
          mx_q    <= MxGate;
          ret_q   <= StProjNorm;
          state_q <= StLoop;
        end
        StGlu: begin
          lk_q    <= LkGlu;
          lp_n_q  <= ni;
          lp_c_q  <= '0;
          ssa_q   <= '0;
          ssb_q   <= '0;
          mx_q    <= MxDown;
          ret_q   <= StProjNorm;
          state_q <= StLoop;
        end

        // Head: p1 = x * final_norm, then the lm_head.
        StHeadNorm: begin
          ld_dst_q  <= DstN;
          ld_addr_q <= params_i + final_off;
          ld_n_q    <= d;
          ret_q     <= StHeadLoop;
          state_q   <= StLdCmd;
        end
        StHeadLoop: begin
          head_src_x_q <= 1'b1;
          lk_q    <= LkNorm;
          lp_n_q  <= d;
          lp_c_q  <= '0;
          ssa_q   <= '0;
          ssb_q   <= '0;
          mx_q    <= MxHead;
          ret_q   <= StProjNorm;
          state_q <= StLoop;
        end
        StArgmax: begin
          wr_src_q  <= SrcArgmax;
          wr_addr_q <= io_i + io_t + 64'(tok_idx_q) * 64'd4;
          wr_n_q    <= 32'd1;
          ret_q     <= StTokDone;
          state_q   <= StWrCmd;
        end
        StTokDone: begin
          if (|ws_error_i) status_q[mmfree_reg_pkg::StatusAxiErrorBit] <= 1'b1;
          tok_idx_q <= tok_idx_q + 1'b1;
          state_q   <= (tok_idx_q + 1 == num_tokens_i || status_q[mmfree_reg_pkg::StatusAxiErrorBit] || (|ws_error_i))
                       ? StDone : StTokRead;
        end
        StDone: state_q <= StIdle;

        // ---- Sub-machine: read ld_n_q words at ld_addr_q into ld_dst_q ----
        StLdCmd: begin
          if (rd_cmd_ready_i) begin
            ld_k_q  <= '0;
            ld_w_q  <= ld_addr_q[5:2];
            state_q <= StLdRx;
          end
        end
        StLdRx: begin
          if (rd_take) begin
            ld_k_q <= ld_k_q + 1'b1;
            ld_w_q <= ld_w_q + 1'b1;
            if (ld_dst_q == DstTok) tok_q <= rd_conv;
            if (ld_dst_q == DstBeta) begin
              beta_man_q <= conv_sf_man;
              beta_exp_q <= conv_sf_exp;
            end
            if (ld_last) begin
              if (rd_error_i) status_q[mmfree_reg_pkg::StatusAxiErrorBit] <= 1'b1;
              state_q <= ret_q;
            end
          end
        end

        // ---- Sub-machine: write wr_n_q words from wr_src_q at wr_addr_q ----
        StWrCmd: begin
          if (wr_cmd_ready_i) begin
            wr_k_q         <= '0;
            wr_done_seen_q <= 1'b0;
            state_q        <= (wr_src_q == SrcLogits) ? ret_q : StWrData;
          end
        end
        StWrData: begin
          if (pk_push) begin
            wr_k_q <= wr_k_q + 1'b1;
            if (pk_last) state_q <= StWrWait;
          end
        end
        StWrWait: begin
          if (wr_done_seen_q) state_q <= ret_q;
        end

        // ---- Sub-machine: one element loop over lp_n_q elements ----
        StLoop: begin
          lp_c_q <= lp_c_q + 1'b1;
          unique case (lk_q)
            LkNorm, LkOgate: begin
              ssa_q <= ssa_q + SsBits'(sq_a);
              ssb_q <= ssb_q + SsBits'(sq_b);
            end
            LkGlu:  ssa_q <= ssa_q + SsBits'(sq_a);
            LkProj: if (abs_p > amax_q) amax_q <= abs_p;
            LkQuant: begin
              qbeat_q[8*lp_c_q[QByteBits-1:0] +: 8] <= q_val;
              if (lp_c_q[QByteBits-1:0] == QByteBits'(QBytes - 1)) qbeat_q <= '0;
            end
            default: ;
          endcase
          if (lp_last) state_q <= ret_q;
        end

        default: state_q <= StIdle;
      endcase
    end
  end

endmodule
