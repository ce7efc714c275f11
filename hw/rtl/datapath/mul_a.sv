// Product of two format-A (Q16.16) values, rounded half up and saturated back to A
// (docs/numerics.md 1, golden::mul_a): sat32((a * b + 2^15) >> 16).
module mul_a (
  input  logic signed [31:0] a_i,
  input  logic signed [31:0] b_i,
  output logic signed [31:0] product_o
);

  logic signed [63:0] product;
  logic signed [48:0] rounded;   // (a*b + 2^15) >> 16 of a 63-bit magnitude fits 48 bits + sign
  logic               unused_low_bits;

  assign product = a_i * b_i;
  // (P + 2^15) >> 16 = ((P >> 15) + 1) >> 1 with arithmetic shifts.
  assign rounded = 49'((product >>> 15) + 64'sd1) >>> 1;
  assign unused_low_bits = ^product[14:0];

  saturate_a #(.InBits(49)) u_sat (.value_i(rounded), .value_o(product_o));

endmodule
