// Exact sum of squares of a format-A vector streamed Lanes values per beat (docs/numerics.md
// 3.10, golden::sum_squares): first_i / last_i delimit the vector, which the kernel pads with
// zeros to whole beats. Each square is < 2^63 and the accumulator has 76 bits, enough for
// 2^13 values at the largest magnitude; the order of the exact sum is free. The result appears
// with valid_o for one (unstalled) cycle two cycles after the last beat; valid + stall.
module sum_squares_unit #(
  parameter int unsigned Lanes   = 16,
  parameter int unsigned SumBits = 76
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                stall_i,
  input  logic                valid_i,
  input  logic                first_i,
  input  logic                last_i,
  input  logic [32*Lanes-1:0] a_i,
  output logic                valid_o,
  output logic [SumBits-1:0]  sum_o
);

  // Stage 1: the beat's squares, summed.
  logic [SumBits-1:0] beat_d, beat_q;
  logic               first_q, last_q, beat_valid;

  always_comb begin
    beat_d = '0;
    for (int unsigned k = 0; k < Lanes; k++) begin
      logic signed [31:0] a;
      logic signed [63:0] square;
      a      = a_i[32*k +: 32];
      square = a * a;
      beat_d = beat_d + SumBits'(unsigned'(square));
    end
  end

  datapath_pipe_reg #(.Width(SumBits + 2)) u_beat (
    .clk_i, .rst_ni, .stall_i, .valid_i,
    .data_i({beat_d, first_i, last_i}), .valid_o(beat_valid), .data_o({beat_q, first_q, last_q})
  );

  // Stage 2: accumulate across beats; register the total on the last beat.
  logic [SumBits-1:0] acc_q, acc_d;

  assign acc_d = first_q ? beat_q : acc_q + beat_q;

  always_ff @(posedge clk_i) begin
    if (!stall_i && beat_valid) begin
      acc_q <= acc_d;
    end
  end

  datapath_pipe_reg #(.Width(SumBits)) u_out (
    .clk_i, .rst_ni, .stall_i, .valid_i(beat_valid && last_q), .data_i(acc_d),
    .valid_o, .data_o(sum_o)
  );

endmodule
