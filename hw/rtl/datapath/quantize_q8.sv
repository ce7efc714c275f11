// One activation to int8 (docs/numerics.md 3.8, golden::quantize_q8): with c = 127/amax as a
// scale float (exponent <= -1), q = sign(p) * min(127, (|p| * c.m + 2^(k-1)) >> k), k = -c.e:
// round half away from zero, clamped to +-127. A 32 x 17-bit product (two DSP48E2).
module quantize_q8 #(
  parameter int unsigned ExpBits = 10
) (
  input  logic signed [31:0]        p_i,
  input  logic [16:0]               c_man_i,
  input  logic signed [ExpBits-1:0] c_exp_i,  // must be <= -1 (it is <= -10 for 127/amax)
  output logic signed [7:0]         q_o
);

  logic [31:0]        magnitude;
  logic [48:0]        product;
  logic [ExpBits-1:0] k;            // -c.e >= 1
  logic [48:0]        shifted;      // product >> (k - 1)
  logic [48:0]        rounded;      // (shifted + 1) >> 1 = (product + 2^(k-1)) >> k
  logic [6:0]         level;

  assign magnitude = p_i[31] ? 32'(-p_i) : 32'(p_i);
  assign product   = magnitude * c_man_i;
  assign k         = ExpBits'(-c_exp_i);
  // Shift amounts past the product width give 0, as golden's rshr does for k >= 63.
  assign shifted   = product >> (k - ExpBits'(1));
  assign rounded   = (shifted + 49'd1) >> 1;
  assign level     = (rounded > 49'd127) ? 7'd127 : rounded[6:0];
  assign q_o       = p_i[31] ? -$signed({1'b0, level}) : $signed({1'b0, level});

endmodule
