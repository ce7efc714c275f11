// 1/a as a scale float for an integer 1 <= a < 2^32 (docs/numerics.md 3.3,
// golden::reciprocal_sf): a is normalised so its leading bit is bit 31, 9 bits below it index a
// 513-entry table of 2^17/(1 + j/512) and the remaining 22 bits interpolate. a = 0 gives (0, 0).
module reciprocal_sf #(
  parameter int unsigned ExpBits = 10
) (
  input  logic [31:0]               a_i,
  output logic [16:0]               man_o,
  output logic signed [ExpBits-1:0] exp_o
);

  logic [4:0]         top;
  logic [31:0]        aligned;    // a << (31 - top): in [2^31, 2^32)
  logic [8:0]         segment;
  logic [21:0]        fraction;
  logic [17:0]        lo, hi;
  logic signed [18:0] diff;
  logic signed [41:0] step_scaled;
  logic signed [18:0] y;
  logic               unused_bits;  // aligned[31] is always 1; y is never negative

  assign unused_bits = ^{aligned[31], y[18]};

  msb_index #(.Width(32)) u_msb (.value_i(a_i), .index_o(top));

  assign aligned  = a_i << (5'd31 - top);
  assign segment  = aligned[30:22];
  assign fraction = aligned[21:0];

  reciprocal_table u_table (.segment_i(segment), .lo_o(lo), .hi_o(hi));

  assign diff        = $signed({1'b0, hi}) - $signed({1'b0, lo});
  assign step_scaled = diff * $signed({1'b0, fraction}) + 42'sd2097152;
  assign y           = $signed({1'b0, lo}) + 19'(step_scaled >>> 22);

  always_comb begin
    if (a_i == '0) begin
      man_o = '0;
      exp_o = '0;
    end else if (y[17]) begin
      man_o = 17'h10000;
      exp_o = ExpBits'(-16) - ExpBits'(top);
    end else begin
      man_o = y[16:0];
      exp_o = ExpBits'(-17) - ExpBits'(top);
    end
  end

endmodule
