// quantize_q8 (docs/numerics.md 3.8, golden::quantize_q8) as a six-stage pipeline: |p| and the
// shift k - 1, the product |p| * c.m (mul_pipe, 2), the shift, rounding and the clamp to 127,
// the sign. p_i must come from a register; c_man_i / c_exp_i are registered with each element.
// Nothing is reset. Bit-exact with quantize_q8 (tests/rtl_units: quantizer_unit).
module quantize_q8_pipe #(
  parameter int unsigned ExpBits = 10
) (
  input  logic                      clk_i,
  input  logic                      en_i,
  input  logic signed [31:0]        p_i,
  input  logic [16:0]               c_man_i,
  input  logic signed [ExpBits-1:0] c_exp_i,  // must be <= -1 (it is <= -10 for 127/amax)
  output logic signed [7:0]         q_o       // six cycles later
);

  // Stage 1.
  logic [31:0]        magnitude_q;
  logic [16:0]        c_man_q;
  logic [ExpBits-1:0] shift_q1;      // k - 1 = -c.e - 1
  logic               negative_q1;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      magnitude_q <= p_i[31] ? 32'(-p_i) : 32'(p_i);
      c_man_q     <= c_man_i;
      shift_q1    <= ExpBits'(-c_exp_i) - ExpBits'(1);
      negative_q1 <= p_i[31];
    end
  end

  // Stages 2-3.
  logic signed [50:0] product;
  mul_pipe #(.AW(33), .BW(18)) u_mul (.clk_i, .en_i, .a_i($signed({1'b0, magnitude_q})),
    .b_i($signed({1'b0, c_man_q})), .p_o(product));
  logic [ExpBits-1:0] shift_d;
  logic               negative_d;
  datapath_delay #(.Width(ExpBits + 1), .Depth(2)) u_side (.clk_i, .en_i, .d_i({shift_q1, negative_q1}),
    .q_o({shift_d, negative_d}));

  // Stage 4: product >> (k - 1); amounts past the product width give 0, as golden's rshr does.
  logic [48:0] shifted_q;
  logic        negative_q4;
  logic        unused_product_bits;
  assign unused_product_bits = ^product[50:49];
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      shifted_q   <= product[48:0] >> shift_d;
      negative_q4 <= negative_d;
    end
  end

  // Stage 5: rounded = (shifted + 1) >> 1 = (product + 2^(k-1)) >> k, clamped to 127:
  // rounded > 127 exactly when shifted >= 255, and below that only shifted's low byte counts.
  logic       big;
  logic [8:0] low_rounded;
  logic [6:0] level_q;
  logic       negative_q5;
  logic       unused_low_bit;
  assign big         = (shifted_q[48:8] != '0) || (shifted_q[7:0] == 8'hff);
  assign low_rounded = 9'(shifted_q[7:0]) + 9'd1;
  assign unused_low_bit = ^{low_rounded[8], low_rounded[0]};
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      level_q     <= big ? 7'd127 : low_rounded[7:1];
      negative_q5 <= negative_q4;
    end
  end

  // Stage 6.
  logic signed [7:0] q_q;
  always_ff @(posedge clk_i) begin
    if (en_i) q_q <= negative_q5 ? -$signed({1'b0, level_q}) : $signed({1'b0, level_q});
  end
  assign q_o = q_q;

endmodule
