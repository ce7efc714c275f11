// float32 parameter -> int32 fixed point with FracBits fractional bits (docs/numerics.md 2,
// golden::to_fixed): a shifter on the float's bits. The exact value mag * 2^(x + FracBits) is
// rounded half away from zero and saturated to +-(2^31 - 1); +-Inf saturates; NaN (rejected
// when the model is loaded) gives 0. With ClampToGate the result is further clamped to
// [0, 2^24], the format-G range of the forget-gate lower bound.
module float_to_fixed #(
  parameter int unsigned FracBits    = 16,
  parameter bit          ClampToGate = 1'b0
) (
  input  logic [31:0]        float_i,
  output logic signed [31:0] fixed_o
);

  localparam logic [31:0] Max = 32'h7fffffff;

  logic        negative;
  logic [7:0]  biased_exp;
  logic [23:0] mantissa;
  logic signed [9:0] shift;      // exponent + FracBits, exponent in [-149, 104]
  logic [8:0]  right;            // -shift for shift < 0
  logic [23:0] halved;           // mantissa >> (right - 1)
  logic [23:0] rounded;          // (halved + 1) >> 1 = (mantissa + 2^(right-1)) >> right
  logic [30:0] widened;          // mantissa << shift for 0 <= shift < 8
  logic [31:0] magnitude;
  logic signed [31:0] value;

  assign negative   = float_i[31];
  assign biased_exp = float_i[30:23];
  assign mantissa   = (biased_exp == 8'd0) ? {1'b0, float_i[22:0]} : {1'b1, float_i[22:0]};
  assign shift      = ((biased_exp == 8'd0) ? -10'sd149 : $signed({2'b00, biased_exp}) - 10'sd150)
                      + 10'(FracBits);
  assign right      = 9'(-shift);
  assign halved     = mantissa >> (right - 9'd1);
  assign rounded    = (halved + 24'd1) >> 1;
  assign widened    = 31'(mantissa) << shift[2:0];

  always_comb begin
    if (biased_exp == 8'hff) begin
      magnitude = (float_i[22:0] == '0) ? Max : '0;  // Inf saturates; NaN never arrives
    end else if (shift >= 10'sd8) begin
      magnitude = (mantissa == '0) ? '0 : Max;        // mantissa < 2^24: past the A range
    end else if (shift >= 10'sd0) begin
      magnitude = {1'b0, widened};                    // < 2^31: cannot exceed Max
    end else begin
      magnitude = {8'd0, rounded};
    end
  end

  assign value = negative ? -$signed(magnitude) : $signed(magnitude);

  if (ClampToGate) begin : g_clamp
    assign fixed_o = (value < 0) ? '0 : (value > 32'sh1000000 ? 32'sh1000000 : value);
  end else begin : g_no_clamp
    assign fixed_o = value;
  end

endmodule
