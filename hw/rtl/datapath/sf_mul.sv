// Product of two scale floats (docs/numerics.md 3.1, golden::sf_mul): value = m * 2^e with
// m = 0 or 2^16 <= m < 2^17. The 17 x 17-bit mantissa product (one DSP48E2) is rounded half
// up back to 17 bits; a zero operand gives (0, 0).
module sf_mul #(
  parameter int unsigned ExpBits = 10
) (
  input  logic [16:0]               a_man_i,
  input  logic signed [ExpBits-1:0] a_exp_i,
  input  logic [16:0]               b_man_i,
  input  logic signed [ExpBits-1:0] b_exp_i,
  output logic [16:0]               man_o,
  output logic signed [ExpBits-1:0] exp_o
);

  logic [33:0] product;   // in [2^32, 2^34) for normalised operands
  logic [17:0] rounded;   // in [2^16, 2^17]
  logic        wide;      // product >= 2^33: drop 17 bits instead of 16
  logic        unused_sticky_bits;  // below the round bit: round half up ignores them

  assign unused_sticky_bits = ^product[14:0];

  assign product = a_man_i * b_man_i;
  assign wide    = product[33];
  // (P + 2^(k-1)) >> k = (P >> k) + bit (k-1) of P.
  assign rounded = wide ? 18'(product[33:17]) + 18'(product[16]) : 18'(product[32:16]) + 18'(product[15]);

  always_comb begin
    if (a_man_i == '0 || b_man_i == '0) begin
      man_o = '0;
      exp_o = '0;
    end else if (rounded[17]) begin
      // sf_norm: the rounding carried into 2^17.
      man_o = 17'h10000;
      exp_o = a_exp_i + b_exp_i + (wide ? ExpBits'(18) : ExpBits'(17));
    end else begin
      man_o = rounded[16:0];
      exp_o = a_exp_i + b_exp_i + (wide ? ExpBits'(17) : ExpBits'(16));
    end
  end

endmodule
