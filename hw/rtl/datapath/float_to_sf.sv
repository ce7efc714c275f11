// A positive normal float32 (a matrix's beta) as a scale float (docs/numerics.md 2,
// golden::to_sf): the 24-bit significand rounded half up to 17 bits, exponent E - 143.
// Anything else (<= 0, denormal, Inf, NaN; rejected at load) gives (0, 0).
module float_to_sf #(
  parameter int unsigned ExpBits = 10
) (
  input  logic [31:0]               float_i,
  output logic [16:0]               man_o,
  output logic signed [ExpBits-1:0] exp_o
);

  logic [7:0]  biased_exp;
  logic [17:0] rounded;   // ({1, fraction} + 2^6) >> 7
  logic        unused_low_bits;

  assign biased_exp = float_i[30:23];
  assign rounded    = 18'({1'b1, float_i[22:7]}) + 18'(float_i[6]);
  assign unused_low_bits = ^float_i[5:0];

  always_comb begin
    if (float_i[31] || biased_exp == 8'd0 || biased_exp == 8'hff) begin
      man_o = '0;
      exp_o = '0;
    end else if (rounded[17]) begin
      man_o = 17'h10000;
      exp_o = ExpBits'($signed({2'b00, biased_exp}) - 10'sd142);
    end else begin
      man_o = rounded[16:0];
      exp_o = ExpBits'($signed({2'b00, biased_exp}) - 10'sd143);
    end
  end

endmodule
