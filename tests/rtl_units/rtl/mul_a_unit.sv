// Lanes format-A products a * b (docs/numerics.md 1, mul_a): the norm-weight products
// p1 = x * norm and p = p1 * W.norm that feed the quantizers, through the kernel's pipelined
// mul_a_pipe (with its input registers). Latency 5; valid + stall.
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

  localparam int unsigned Latency = 5;

  for (genvar k = 0; k < Lanes; k++) begin : g_lane
    mul_a_pipe #(.InReg(1'b1)) u_mul (.clk_i, .en_i(!stall_i), .a_i(a_i[32*k +: 32]), .b_i(b_i[32*k +: 32]),
      .product_o(product_o[32*k +: 32]));
  end

  logic [Latency-1:0] valid_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else if (!stall_i) valid_q <= {valid_q[Latency-2:0], valid_i};
  end
  assign valid_o = valid_q[Latency-1];

endmodule
