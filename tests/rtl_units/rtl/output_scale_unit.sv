// Lanes BitLinear outputs: exact ternary row sums S times the per-vector scale, to format A
// (docs/numerics.md 3.9, apply_scale_a). Latency 1; valid + stall.
module output_scale_unit #(
  parameter int unsigned Lanes   = 16,
  parameter int unsigned ExpBits = 10
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      stall_i,
  input  logic                      valid_i,
  input  logic [32*Lanes-1:0]       sum_i,
  input  logic [16:0]               scale_man_i,
  input  logic signed [ExpBits-1:0] scale_exp_i,
  output logic                      valid_o,
  output logic [32*Lanes-1:0]       out_o
);

  logic [32*Lanes-1:0] out_d;

  for (genvar k = 0; k < Lanes; k++) begin : g_lane
    apply_scale_a #(.ExpBits(ExpBits)) u_scale (
      .sum_i(sum_i[32*k +: 32]), .scale_man_i, .scale_exp_i, .out_o(out_d[32*k +: 32])
    );
  end

  datapath_pipe_reg #(.Width(32 * Lanes)) u_out (
    .clk_i, .rst_ni, .stall_i, .valid_i, .data_i(out_d), .valid_o, .data_o(out_o)
  );

endmodule
