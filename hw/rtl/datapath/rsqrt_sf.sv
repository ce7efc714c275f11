// T^(-1/2) of a sum of squares as a scale float (docs/numerics.md 3.2, golden::rsqrt_sf).
//
// T is normalised by an EVEN shift so its leading bit lands at 24 or 25 (the exponent then
// halves exactly); the top 10 bits of the 26-bit window index a 769-entry table of
// 2^17/sqrt(1 + j/256) and the low 16 bits interpolate linearly between neighbours. T = 0 is
// treated as 1.
module rsqrt_sf #(
  parameter int unsigned TBits   = 128,
  parameter int unsigned ExpBits = 10
) (
  input  logic [TBits-1:0]          t_i,
  output logic [16:0]               man_o,
  output logic signed [ExpBits-1:0] exp_o
);

  localparam int unsigned IndexBits = $clog2(TBits);

  logic [TBits-1:0]     t;
  logic [IndexBits-1:0] top, top_even;
  logic [TBits+23:0]    window;     // (t << 24) >> top_even: the leading bit at 24 or 25
  logic [9:0]           segment;    // in [0, 767]
  logic [15:0]          fraction;
  logic [17:0]          lo, hi;
  logic signed [18:0]   diff;       // hi - lo <= 0
  logic signed [35:0]   step_scaled;
  logic signed [18:0]   y;          // in [2^16, 2^17]
  logic                 unused_bits;  // top[0]: the shift is even; y[18]: y is never negative

  assign t        = (t_i == '0) ? TBits'(1) : t_i;
  assign top_even = {top[IndexBits-1:1], 1'b0};
  assign window   = {t, 24'd0} >> top_even;
  assign segment  = window[25:16] - 10'd256;
  assign fraction = window[15:0];
  assign unused_bits = ^{window[TBits+23:26], top[0], y[18]};

  msb_index #(.Width(TBits)) u_msb (.value_i(t), .index_o(top));

  rsqrt_table u_table (.segment_i(segment), .lo_o(lo), .hi_o(hi));

  // lo + ((hi - lo) * fr + 2^15) >> 16, the shift arithmetic.
  assign diff        = $signed({1'b0, hi}) - $signed({1'b0, lo});
  assign step_scaled = diff * $signed({1'b0, fraction}) + 36'sd32768;
  assign y           = $signed({1'b0, lo}) + 19'(step_scaled >>> 16);

  always_comb begin
    if (y[17]) begin  // sf_norm: y = 2^17 (only at the exact table end)
      man_o = 17'h10000;
      exp_o = ExpBits'(-16) - ExpBits'(top[IndexBits-1:1]);
    end else begin
      man_o = y[16:0];
      exp_o = ExpBits'(-17) - ExpBits'(top[IndexBits-1:1]);
    end
  end

endmodule
