// Lanes of the GLU channel mixer (docs/numerics.md 5): z = mul_a(silu_a(y_gate), y_up) with
// y_gate = y[k] and y_up = y[I + k] of the gate_proj output. Latency 2; valid + stall.
module glu_unit #(
  parameter int unsigned Lanes = 16
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                stall_i,
  input  logic                valid_i,
  input  logic [32*Lanes-1:0] gate_i,  // format A
  input  logic [32*Lanes-1:0] up_i,    // format A
  output logic                valid_o,
  output logic [32*Lanes-1:0] z_o
);

  logic [32*Lanes-1:0] silu_d, silu_q, up_q, z_d;
  logic                valid_q;

  for (genvar k = 0; k < Lanes; k++) begin : g_stage1
    silu_a u_silu (.z_i(gate_i[32*k +: 32]), .silu_o(silu_d[32*k +: 32]));
  end

  datapath_pipe_reg #(.Width(64 * Lanes)) u_stage1 (
    .clk_i, .rst_ni, .stall_i, .valid_i,
    .data_i({silu_d, up_i}), .valid_o(valid_q), .data_o({silu_q, up_q})
  );

  for (genvar k = 0; k < Lanes; k++) begin : g_stage2
    mul_a u_mul (.a_i(silu_q[32*k +: 32]), .b_i(up_q[32*k +: 32]), .product_o(z_d[32*k +: 32]));
  end

  datapath_pipe_reg #(.Width(32 * Lanes)) u_stage2 (
    .clk_i, .rst_ni, .stall_i, .valid_i(valid_q), .data_i(z_d), .valid_o, .data_o(z_o)
  );

endmodule
