// SiLU in format A: z * sigma(z) (docs/numerics.md 3.5, golden::silu_a):
// sat32((z * sigmoid_g(z) + 2^23) >> 24), a 32 x 25-bit product.
module silu_a (
  input  logic signed [31:0] z_i,
  output logic signed [31:0] silu_o
);

  logic [24:0]        gate;
  logic signed [57:0] product;
  logic signed [34:0] rounded;
  logic               unused_low_bits;

  sigmoid_g u_sigmoid (.z_i, .g_o(gate));

  assign product = z_i * $signed({1'b0, gate});
  assign rounded = 35'((product >>> 23) + 58'sd1) >>> 1;
  assign unused_low_bits = ^product[22:0];

  saturate_a #(.InBits(35)) u_sat (.value_i(rounded), .value_o(silu_o));

endmodule
