// Lanes residual additions x + out, saturated to format A (docs/numerics.md 5:
// r = sat32(x + out_o), x = sat32(r + out_d)). Latency 1; valid + stall.
module residual_add_unit #(
  parameter int unsigned Lanes = 16
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                stall_i,
  input  logic                valid_i,
  input  logic [32*Lanes-1:0] x_i,
  input  logic [32*Lanes-1:0] delta_i,
  output logic                valid_o,
  output logic [32*Lanes-1:0] sum_o
);

  logic [32*Lanes-1:0] sum_d;

  for (genvar k = 0; k < Lanes; k++) begin : g_lane
    logic signed [32:0] wide;
    assign wide = 33'($signed(x_i[32*k +: 32])) + 33'($signed(delta_i[32*k +: 32]));
    saturate_a #(.InBits(33)) u_sat (.value_i(wide), .value_o(sum_d[32*k +: 32]));
  end

  datapath_pipe_reg #(.Width(32 * Lanes)) u_out (
    .clk_i, .rst_ni, .stall_i, .valid_i, .data_i(sum_d), .valid_o, .data_o(sum_o)
  );

endmodule
