// Lanes activations p (format A) to int8 with the per-vector scalar c = 127/amax
// (docs/numerics.md 3.8, quantize_q8). c comes from bitlinear_scale_unit once amax is known;
// c = (0, 0) (all-zero vector) gives q = 0. Latency 1; valid + stall.
module quantizer_unit #(
  parameter int unsigned Lanes   = 16,
  parameter int unsigned ExpBits = 10
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      stall_i,
  input  logic                      valid_i,
  input  logic [32*Lanes-1:0]       p_i,
  input  logic [16:0]               c_man_i,
  input  logic signed [ExpBits-1:0] c_exp_i,
  output logic                      valid_o,
  output logic [8*Lanes-1:0]        q_o
);

  logic [8*Lanes-1:0] q_d;

  for (genvar k = 0; k < Lanes; k++) begin : g_lane
    quantize_q8 #(.ExpBits(ExpBits)) u_quantize (
      .p_i(p_i[32*k +: 32]), .c_man_i, .c_exp_i, .q_o(q_d[8*k +: 8])
    );
  end

  datapath_pipe_reg #(.Width(8 * Lanes)) u_out (
    .clk_i, .rst_ni, .stall_i, .valid_i, .data_i(q_d), .valid_o, .data_o(q_o)
  );

endmodule
