// BitLinear output scaling (docs/numerics.md 3.9, golden::apply_scale_a): an exact ternary sum
// S times a per-vector scale float s = m * 2^e, to format A: sat32((S*m + 2^(-e-1)) >> -e) for
// e < 0 (round half up), sat32(S*m << e) otherwise. One 32 x 17-bit product.
module apply_scale_a #(
  parameter int unsigned ExpBits = 10
) (
  input  logic signed [31:0]        sum_i,
  input  logic [16:0]               scale_man_i,
  input  logic signed [ExpBits-1:0] scale_exp_i,
  output logic signed [31:0]        out_o
);

  logic signed [49:0]  product;   // |S| < 2^31, m < 2^17
  logic [ExpBits-1:0]  k;         // -e for e < 0
  logic signed [49:0]  shifted;   // product >>> (k - 1)
  logic signed [49:0]  rounded;   // (shifted + 1) >>> 1 = (product + 2^(k-1)) >>> k
  logic signed [74:0]  widened;   // product << e for 0 <= e < 25
  logic signed [74:0]  scaled;
  logic signed [31:0]  saturated;

  assign product = sum_i * $signed({1'b0, scale_man_i});
  assign k       = ExpBits'(-scale_exp_i);
  assign shifted = product >>> (k - ExpBits'(1));
  assign rounded = (shifted + 50'sd1) >>> 1;
  assign widened = 75'(product) <<< scale_exp_i[4:0];

  always_comb begin
    if (scale_exp_i < 0) begin
      scaled = 75'(rounded);
    end else if (scale_exp_i >= ExpBits'(25)) begin
      // Any non-zero product this far up saturates (golden: by the product's sign).
      scaled = (product == '0) ? '0 : (product < 0 ? -75'sh7fffffff_ff : 75'sh7fffffff_ff);
    end else begin
      scaled = widened;
    end
  end

  saturate_a #(.InBits(75)) u_sat (.value_i(scaled), .value_o(saturated));

  assign out_o = (scale_man_i == '0) ? '0 : saturated;

endmodule
