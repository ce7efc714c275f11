// The per-vector scalars of one BitLinear (docs/numerics.md 4): from the sums of squares and the
// absolute maximum of its input chain it forms
//   T     = ss_primary + ((ss_input * E40 + 2^39) >> 40) + NE      (double norm: NE = NE2)
//   T     = ss_primary + NE                                          (single norm: NE = NE1)
//   scale = sf_mul(sf_mul(K, sf_from_uint(amax)), rsqrt_sf(T))       (golden::bitlinear_scale)
//   c     = sf_mul(reciprocal_sf(amax), 127)                         (golden::quantizer_scale)
// with K = to_sf(beta) * C(n) per matrix. amax = 0 gives scale = c = (0, 0), so the quantizer
// emits zeros and the output is zero. Latency 3; valid + stall.
module bitlinear_scale_unit #(
  parameter int unsigned SumBits = 76,
  parameter int unsigned TBits   = 80,
  parameter int unsigned ExpBits = 10
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      stall_i,
  input  logic                      valid_i,
  input  logic                      double_norm_i,
  input  logic [SumBits-1:0]        ss_primary_i,  // sum p1^2 (double norm) or sum x^2 (single)
  input  logic [SumBits-1:0]        ss_input_i,    // sum x^2 of the first norm's input (double)
  input  logic [31:0]               e40_i,         // round(eps * 2^40)
  input  logic [63:0]               ne_i,          // NE2(n) (double norm) or NE1(n) (single)
  input  logic [16:0]               k_man_i,       // K = to_sf(beta) * C(n)
  input  logic signed [ExpBits-1:0] k_exp_i,
  input  logic [31:0]               amax_i,
  output logic                      valid_o,
  output logic [16:0]               scale_man_o,
  output logic signed [ExpBits-1:0] scale_exp_o,
  output logic [16:0]               c_man_o,
  output logic signed [ExpBits-1:0] c_exp_o
);

  localparam int unsigned SfBits = 17 + ExpBits;
  localparam logic [16:0]               Man127 = 17'd130048;  // 127 = 130048 * 2^-10
  localparam logic signed [ExpBits-1:0] Exp127 = -ExpBits'(10);

  // ---- Stage 1: T, amax as a scale float, 1/amax --------------------------------------
  logic [SumBits+31:0] eps_product;
  logic [SumBits-9:0]  eps_term;     // the product has 40 fewer bits after the shift
  logic [TBits-1:0]    t_d;
  logic [SfBits-1:0]   amax_sf_d, recip_d;
  logic                unused_low_bits;

  assign eps_product = ss_input_i * e40_i;
  assign eps_term    = (SumBits-8)'(((eps_product >> 39) + 1'b1) >> 1);  // (P + 2^39) >> 40
  assign t_d         = TBits'(ss_primary_i) + TBits'(ne_i)
                       + (double_norm_i ? TBits'(eps_term) : '0);
  assign unused_low_bits = ^eps_product[38:0];

  sf_from_uint #(.Width(32), .ExpBits(ExpBits)) u_amax_sf (
    .value_i(amax_i), .man_o(amax_sf_d[SfBits-1 -: 17]), .exp_o(amax_sf_d[ExpBits-1:0])
  );
  reciprocal_sf #(.ExpBits(ExpBits)) u_recip (
    .a_i(amax_i), .man_o(recip_d[SfBits-1 -: 17]), .exp_o(recip_d[ExpBits-1:0])
  );

  logic              valid1;
  logic [TBits-1:0]  t_q;
  logic [SfBits-1:0] amax_sf_q, recip_q, k_q;

  datapath_pipe_reg #(.Width(TBits + 3 * SfBits)) u_stage1 (
    .clk_i, .rst_ni, .stall_i, .valid_i,
    .data_i ({t_d, amax_sf_d, recip_d, k_man_i, k_exp_i}),
    .valid_o(valid1),
    .data_o ({t_q, amax_sf_q, recip_q, k_q})
  );

  // ---- Stage 2: T^(-1/2), K * amax, c ------------------------------------------------------
  logic [SfBits-1:0] rsqrt_d, k_amax_d, c_d;

  rsqrt_sf #(.TBits(TBits), .ExpBits(ExpBits)) u_rsqrt (
    .t_i(t_q), .man_o(rsqrt_d[SfBits-1 -: 17]), .exp_o(rsqrt_d[ExpBits-1:0])
  );
  sf_mul #(.ExpBits(ExpBits)) u_k_amax (
    .a_man_i(k_q[SfBits-1 -: 17]), .a_exp_i(k_q[ExpBits-1:0]),
    .b_man_i(amax_sf_q[SfBits-1 -: 17]), .b_exp_i(amax_sf_q[ExpBits-1:0]),
    .man_o(k_amax_d[SfBits-1 -: 17]), .exp_o(k_amax_d[ExpBits-1:0])
  );
  sf_mul #(.ExpBits(ExpBits)) u_c (
    .a_man_i(recip_q[SfBits-1 -: 17]), .a_exp_i(recip_q[ExpBits-1:0]),
    .b_man_i(Man127), .b_exp_i(Exp127),
    .man_o(c_d[SfBits-1 -: 17]), .exp_o(c_d[ExpBits-1:0])
  );

  logic              valid2;
  logic [SfBits-1:0] rsqrt_q, k_amax_q, c_q;

  datapath_pipe_reg #(.Width(3 * SfBits)) u_stage2 (
    .clk_i, .rst_ni, .stall_i, .valid_i(valid1),
    .data_i ({rsqrt_d, k_amax_d, c_d}),
    .valid_o(valid2),
    .data_o ({rsqrt_q, k_amax_q, c_q})
  );

  // ---- Stage 3: the output scale ----------------------------------------------------------
  logic [SfBits-1:0] scale_d, scale_q, c_out_q;

  sf_mul #(.ExpBits(ExpBits)) u_scale (
    .a_man_i(k_amax_q[SfBits-1 -: 17]), .a_exp_i(k_amax_q[ExpBits-1:0]),
    .b_man_i(rsqrt_q[SfBits-1 -: 17]), .b_exp_i(rsqrt_q[ExpBits-1:0]),
    .man_o(scale_d[SfBits-1 -: 17]), .exp_o(scale_d[ExpBits-1:0])
  );

  datapath_pipe_reg #(.Width(2 * SfBits)) u_stage3 (
    .clk_i, .rst_ni, .stall_i, .valid_i(valid2),
    .data_i ({scale_d, c_q}),
    .valid_o,
    .data_o ({scale_q, c_out_q})
  );

  assign scale_man_o = scale_q[SfBits-1 -: 17];
  assign scale_exp_o = scale_q[ExpBits-1:0];
  assign c_man_o     = c_out_q[SfBits-1 -: 17];
  assign c_exp_o     = c_out_q[ExpBits-1:0];

endmodule
