// max_k |a_k| of a format-A vector streamed Lanes values per beat (golden::abs_max): the
// quantizer's amax. first_i / last_i delimit the vector (zero padding is harmless). The result
// appears with valid_o for one (unstalled) cycle two cycles after the last beat; valid + stall.
module abs_max_unit #(
  parameter int unsigned Lanes = 16
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                stall_i,
  input  logic                valid_i,
  input  logic                first_i,
  input  logic                last_i,
  input  logic [32*Lanes-1:0] a_i,
  output logic                valid_o,
  output logic [31:0]         amax_o
);

  // Stage 1: the beat's largest magnitude (|-2^31| = 2^31 still fits 32 unsigned bits).
  logic [31:0] beat_d, beat_q;
  logic        first_q, last_q, beat_valid;

  always_comb begin
    beat_d = '0;
    for (int unsigned k = 0; k < Lanes; k++) begin
      logic [31:0] magnitude;
      magnitude = a_i[32*k+31] ? 32'(-a_i[32*k +: 32]) : a_i[32*k +: 32];
      if (magnitude > beat_d) begin
        beat_d = magnitude;
      end
    end
  end

  datapath_pipe_reg #(.Width(34)) u_beat (
    .clk_i, .rst_ni, .stall_i, .valid_i,
    .data_i({beat_d, first_i, last_i}), .valid_o(beat_valid), .data_o({beat_q, first_q, last_q})
  );

  // Stage 2: the running maximum; register it on the last beat.
  logic [31:0] max_q, max_d;

  assign max_d = (first_q || beat_q > max_q) ? beat_q : max_q;

  always_ff @(posedge clk_i) begin
    if (!stall_i && beat_valid) begin
      max_q <= max_d;
    end
  end

  datapath_pipe_reg #(.Width(32)) u_out (
    .clk_i, .rst_ni, .stall_i, .valid_i(beat_valid && last_q), .data_i(max_d),
    .valid_o, .data_o(amax_o)
  );

endmodule
