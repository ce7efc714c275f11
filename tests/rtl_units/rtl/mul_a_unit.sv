// Lanes format-A products a * b (docs/numerics.md 1, mul_a): the norm-weight products
// p1 = x * norm and p = p1 * W.norm that feed the quantizers. Latency 1; valid + stall.
module mul_a_unit #(
  parameter int unsigned Lanes = 16
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                stall_i,
  input  logic                valid_i,
  input  logic [32*Lanes-1:0] a_i,
  input  logic [32*Lanes-1:0] b_i,
  output logic                valid_o,
  output logic [32*Lanes-1:0] product_o
);

  logic [32*Lanes-1:0] product_d;

  for (genvar k = 0; k < Lanes; k++) begin : g_lane
    mul_a u_mul (.a_i(a_i[32*k +: 32]), .b_i(b_i[32*k +: 32]), .product_o(product_d[32*k +: 32]));
  end

  datapath_pipe_reg #(.Width(32 * Lanes)) u_out (
    .clk_i, .rst_ni, .stall_i, .valid_i, .data_i(product_d), .valid_o, .data_o(product_o)
  );

endmodule
