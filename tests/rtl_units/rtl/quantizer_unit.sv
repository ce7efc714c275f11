// Lanes activations p (format A) to int8 with the per-vector scalar c = 127/amax
// (docs/numerics.md 3.8, quantize_q8), through the kernel's pipelined quantize_q8_pipe. c comes
// from bitlinear_scale_unit once amax is known; c = (0, 0) (all-zero vector) gives q = 0.
// Latency 6; valid + stall.
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

  localparam int unsigned Latency = 6;

  for (genvar k = 0; k < Lanes; k++) begin : g_lane
    quantize_q8_pipe #(.ExpBits(ExpBits)) u_quantize (
      .clk_i, .en_i(!stall_i), .p_i(p_i[32*k +: 32]), .c_man_i, .c_exp_i, .q_o(q_o[8*k +: 8])
    );
  end

  logic [Latency-1:0] valid_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else if (!stall_i) valid_q <= {valid_q[Latency-2:0], valid_i};
  end
  assign valid_o = valid_q[Latency-1];

endmodule
