// The MLGRU state update h' = f*h + (1 - f)*c with a single rounding (docs/numerics.md 3.7,
// golden::mlgru_update_a): h' = sat32(h + ((cf * (c - h) + 2^23) >> 24)), where c - h is exact
// (33 bits) and cf = 1 - f is in format G. One 25 x 33-bit multiplier.
module mlgru_update_a (
  input  logic signed [31:0] h_i,    // previous state, format A
  input  logic signed [31:0] c_i,    // candidate silu(i_proj output), format A
  input  logic [24:0]        cf_i,   // 1 - f, format G
  output logic signed [31:0] h_o
);

  logic signed [32:0] delta;
  logic signed [58:0] product;
  logic signed [35:0] rounded;
  logic signed [36:0] sum;
  logic               unused_low_bits;

  assign delta   = 33'(c_i) - 33'(h_i);
  assign product = delta * $signed({1'b0, cf_i});
  assign rounded = 36'((product >>> 23) + 59'sd1) >>> 1;
  assign sum     = 37'(h_i) + 37'(rounded);
  assign unused_low_bits = ^product[22:0];

  saturate_a #(.InBits(37)) u_sat (.value_i(sum), .value_o(h_o));

endmodule
