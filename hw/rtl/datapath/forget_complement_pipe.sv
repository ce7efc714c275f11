// forget_complement_g (docs/numerics.md 3.6, golden::forget_complement_g) as a nine-stage
// pipeline: sigma(-fz) (sigmoid_tail_pipe, 6), (2^24 - min(LB, 2^24)) * sigma(-fz) (mul_pipe,
// 2), rounding and the choice of bounded_i (1). fz_i and lb_i must come from registers; nothing
// is reset. Bit-exact with forget_complement_g (tests/rtl_units: mlgru_unit).
module forget_complement_pipe (
  input  logic               clk_i,
  input  logic               en_i,
  input  logic signed [31:0] fz_i,      // the f_proj output, format A
  input  logic [31:0]        lb_i,      // lower bound, format G (values past 2^24 clamp)
  input  logic               bounded_i, // use_lower_bound and layer > 0
  output logic [24:0]        cf_o       // nine cycles later
);

  // sigma(-fz) = tail(|fz|) for fz > 0 and 2^24 - tail(|fz|) for fz <= 0.
  logic [24:0] complement;
  sigmoid_tail_pipe u_tail (.clk_i, .en_i, .z_i(fz_i), .flip_i(!(fz_i > 0)), .out_o(complement));

  // keep = 2^24 - min(LB, 2^24), registered beside the tail's last stage.
  logic [31:0] lb_d;
  logic [24:0] keep_q;
  datapath_delay #(.Width(32), .Depth(5)) u_lb (.clk_i, .en_i, .d_i(lb_i), .q_o(lb_d));
  always_ff @(posedge clk_i) begin
    if (en_i) keep_q <= (lb_d >= 32'h1000000) ? 25'd0 : 25'(32'h1000000 - lb_d);
  end

  logic signed [51:0] product;
  mul_pipe #(.AW(26), .BW(26), .BiasBit(23)) u_mul (.clk_i, .en_i, .a_i($signed({1'b0, keep_q})),
    .b_i($signed({1'b0, complement})), .p_o(product));

  logic [24:0] complement_d;
  logic        bounded_d;
  datapath_delay #(.Width(25), .Depth(2)) u_complement (.clk_i, .en_i, .d_i(complement), .q_o(complement_d));
  datapath_delay #(.Width(1), .Depth(8)) u_bounded (.clk_i, .en_i, .d_i(bounded_i), .q_o(bounded_d));

  logic [25:0] rounded;
  logic [24:0] cf_q;
  logic        unused_bits;
  assign rounded     = 26'(product[49:0] >> 24);   // (P + 2^23) >> 24 = ((P >> 23) + 1) >> 1
  assign unused_bits = ^{product[51:50], product[23:0], rounded[25]};
  always_ff @(posedge clk_i) begin
    if (en_i) cf_q <= bounded_d ? rounded[24:0] : complement_d;
  end
  assign cf_o = cf_q;

endmodule
