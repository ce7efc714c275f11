// 1 - f of the MLGRU forget gate in format G (docs/numerics.md 3.6,
// golden::forget_complement_g). With c = sigma(-fz): cf = c, or, for layers with a lower bound
// LB, cf = ((2^24 - LB) * c + 2^23) >> 24, since 1 - (LB + (1 - LB) sigma) = (1 - LB)(1 - sigma).
// LB above 2^24 is clamped to 2^24.
module forget_complement_g (
  input  logic signed [31:0] fz_i,      // the f_proj output, format A
  input  logic [31:0]        lb_i,      // lower bound, format G (values past 2^24 clamp)
  input  logic               bounded_i, // use_lower_bound and layer > 0
  output logic [24:0]        cf_o
);

  logic [23:0] tail;
  logic [24:0] complement;   // sigma(-fz)
  logic [24:0] keep;         // 2^24 - min(LB, 2^24)
  logic [49:0] product;
  logic [25:0] rounded;
  logic        unused_bits;

  sigmoid_tail_g u_tail (.z_i(fz_i), .tail_o(tail));

  // sigma(-fz) = tail(|fz|) for fz > 0 and 2^24 - tail(|fz|) for fz <= 0.
  assign complement = (fz_i > 0) ? {1'b0, tail} : 25'h1000000 - {1'b0, tail};
  assign keep       = (lb_i >= 32'h1000000) ? 25'd0 : 25'(32'h1000000 - lb_i);
  assign product    = keep * complement;
  assign rounded    = 26'(((product >> 23) + 50'd1) >> 1);
  assign unused_bits = ^{product[22:0], rounded[25]};

  assign cf_o = bounded_i ? rounded[24:0] : complement;

endmodule
