// An unsigned integer as a scale float (docs/numerics.md 3.1, golden::sf_from_uint): the value
// is normalised so its highest set bit becomes mantissa bit 16, rounding the dropped bits half
// up. Zero gives (0, 0).
module sf_from_uint #(
  parameter int unsigned Width   = 32,  // >= 17
  parameter int unsigned ExpBits = 10
) (
  input  logic [Width-1:0]          value_i,
  output logic [16:0]               man_o,
  output logic signed [ExpBits-1:0] exp_o
);

  localparam int unsigned IndexBits = $clog2(Width);

  logic [IndexBits-1:0] top;
  logic [Width-1:0]     aligned;   // value_i << (Width - 1 - top): highest bit at Width-1
  logic [17:0]          rounded;

  msb_index #(.Width(Width)) u_msb (.value_i, .index_o(top));

  assign aligned = value_i << (IndexBits'(Width - 1) - top);
  // Values with top <= 16 are shifted left and exact (the round bit is a zero shifted in);
  // longer ones round half up on the first dropped bit.
  assign rounded = 18'(aligned[Width-1 -: 17]) + 18'(aligned[Width-18]);

  always_comb begin
    if (value_i == '0) begin
      man_o = '0;
      exp_o = '0;
    end else if (rounded[17]) begin
      man_o = 17'h10000;
      exp_o = ExpBits'(top) - ExpBits'(15);
    end else begin
      man_o = rounded[16:0];
      exp_o = ExpBits'(top) - ExpBits'(16);
    end
  end

endmodule
