// The tail 1 - sigma(|z|) = 1/(1 + e^|z|) in format G (Q0.24) for z in format A
// (docs/numerics.md 3.4): a 1025-entry table over |z| in [0, 16) in steps of 1/64, linear
// interpolation on the 10 bits below, and the last entry held for |z| >= 16. Both sigma(z)
// and sigma(-z) follow from it exactly, so the sigmoid and the forget-gate complement share it.
module sigmoid_tail_g (
  input  logic signed [31:0] z_i,
  output logic [23:0]        tail_o
);

  logic [31:0]        magnitude;   // |z|; -2^31 (never produced in format A) gives 2^31
  logic               saturated;   // |z| >= 2^20, i.e. x >= 16
  logic [9:0]         segment;
  logic [9:0]         fraction;
  logic [23:0]        entry_lo, entry_hi, lo, hi;
  logic signed [24:0] diff;
  logic signed [35:0] step_scaled;
  logic signed [24:0] tail;
  logic               unused_high_bit;  // the tail never exceeds 2^23

  assign magnitude = z_i[31] ? 32'(-z_i) : 32'(z_i);
  assign saturated = magnitude[31:20] != '0;
  assign segment   = saturated ? 10'd1023 : magnitude[19:10];
  assign fraction  = saturated ? 10'd0 : magnitude[9:0];

  sigmoid_tail_table u_table (.segment_i(segment), .lo_o(entry_lo), .hi_o(entry_hi));

  // Saturated inputs hold the last entry, SIGTAIL[1024] (the top of segment 1023), with a zero
  // fraction.
  assign lo = saturated ? entry_hi : entry_lo;
  assign hi = entry_hi;

  assign diff        = $signed({1'b0, hi}) - $signed({1'b0, lo});
  assign step_scaled = diff * $signed({1'b0, fraction}) + 36'sd512;
  assign tail            = $signed({1'b0, lo}) + 25'(step_scaled >>> 10);
  assign tail_o          = tail[23:0];
  assign unused_high_bit = tail[24];

endmodule
