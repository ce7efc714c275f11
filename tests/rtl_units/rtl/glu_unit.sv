// Lanes of the GLU channel mixer (docs/numerics.md 5): z = mul_a(silu_a(y_gate), y_up) with
// y_gate = y[k] and y_up = y[I + k] of the gate_proj output, through the kernel's pipelined
// units (silu_a_pipe, mul_a_pipe). Latency 13; valid + stall.
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

  localparam int unsigned Latency = 13;

  for (genvar k = 0; k < Lanes; k++) begin : g_lane
    logic signed [31:0] silu, up_d;
    silu_a_pipe u_silu (.clk_i, .en_i(!stall_i), .z_i(gate_i[32*k +: 32]), .silu_o(silu));
    datapath_delay #(.Width(32), .Depth(9)) u_up (.clk_i, .en_i(!stall_i), .d_i(up_i[32*k +: 32]), .q_o(up_d));
    mul_a_pipe #(.InReg(1'b0)) u_mul (.clk_i, .en_i(!stall_i), .a_i(silu), .b_i(up_d), .product_o(z_o[32*k +: 32]));
  end

  logic [Latency-1:0] valid_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else if (!stall_i) valid_q <= {valid_q[Latency-2:0], valid_i};
  end
  assign valid_o = valid_q[Latency-1];

endmodule
