// Lanes of the token mixer's output gate (docs/numerics.md 5):
//   p1 = mul_a(mul_a(g, g_norm), silu_a(h))
// the input of o_proj's quantizer chain, through the kernel's pipelined units (mul_a_pipe,
// silu_a_pipe; the element loop's arrangement). Latency 13; valid + stall.
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

  localparam int unsigned Latency = 13;

  for (genvar k = 0; k < Lanes; k++) begin : g_lane
    logic signed [31:0] gn, gn_d, sh;
    mul_a_pipe #(.InReg(1'b1)) u_norm (.clk_i, .en_i(!stall_i), .a_i(g_i[32*k +: 32]), .b_i(g_norm_i[32*k +: 32]),
      .product_o(gn));
    datapath_delay #(.Width(32), .Depth(4)) u_gn (.clk_i, .en_i(!stall_i), .d_i(gn), .q_o(gn_d));
    silu_a_pipe u_silu (.clk_i, .en_i(!stall_i), .z_i(h_i[32*k +: 32]), .silu_o(sh));
    mul_a_pipe #(.InReg(1'b0)) u_gate (.clk_i, .en_i(!stall_i), .a_i(gn_d), .b_i(sh), .product_o(p1_o[32*k +: 32]));
  end

  logic [Latency-1:0] valid_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else if (!stall_i) valid_q <= {valid_q[Latency-2:0], valid_i};
  end
  assign valid_o = valid_q[Latency-1];

endmodule
