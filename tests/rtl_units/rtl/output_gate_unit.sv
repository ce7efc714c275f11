// Lanes of the token mixer's output gate (docs/numerics.md 5):
//   p1 = mul_a(mul_a(g, g_norm), silu_a(h))
// the input of o_proj's quantizer chain. Latency 2; valid + stall.
module output_gate_unit #(
  parameter int unsigned Lanes = 16
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                stall_i,
  input  logic                valid_i,
  input  logic [32*Lanes-1:0] g_i,       // g_proj output, format A
  input  logic [32*Lanes-1:0] g_norm_i,  // attn.g_norm weight, format A
  input  logic [32*Lanes-1:0] h_i,       // the updated state, format A
  output logic                valid_o,
  output logic [32*Lanes-1:0] p1_o
);

  logic [32*Lanes-1:0] gn_d, sh_d, gn_q, sh_q, p1_d;
  logic                valid_q;

  for (genvar k = 0; k < Lanes; k++) begin : g_stage1
    mul_a  u_norm (.a_i(g_i[32*k +: 32]), .b_i(g_norm_i[32*k +: 32]), .product_o(gn_d[32*k +: 32]));
    silu_a u_silu (.z_i(h_i[32*k +: 32]), .silu_o(sh_d[32*k +: 32]));
  end

  datapath_pipe_reg #(.Width(64 * Lanes)) u_stage1 (
    .clk_i, .rst_ni, .stall_i, .valid_i,
    .data_i({gn_d, sh_d}), .valid_o(valid_q), .data_o({gn_q, sh_q})
  );

  for (genvar k = 0; k < Lanes; k++) begin : g_stage2
    mul_a u_gate (.a_i(gn_q[32*k +: 32]), .b_i(sh_q[32*k +: 32]), .product_o(p1_d[32*k +: 32]));
  end

  datapath_pipe_reg #(.Width(32 * Lanes)) u_stage2 (
    .clk_i, .rst_ni, .stall_i, .valid_i(valid_q), .data_i(p1_d), .valid_o, .data_o(p1_o)
  );

endmodule
