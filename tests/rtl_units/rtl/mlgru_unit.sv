// Lanes of the MLGRU token mixer's element-wise step (docs/numerics.md 3.5 - 3.7 and 5):
//   cf = forget_complement_g(f, LB, bounded),  c = silu_a(i),  h' = mlgru_update_a(h, c, cf)
// from the f_proj and i_proj outputs, through the kernel's pipelined units
// (forget_complement_pipe, silu_a_pipe, mlgru_update_pipe). Latency 14; valid + stall.
module mlgru_unit #(
  parameter int unsigned Lanes = 16
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                stall_i,
  input  logic                valid_i,
  input  logic                bounded_i,   // use_lower_bound and layer > 0
  input  logic [32*Lanes-1:0] f_i,         // f_proj output, format A
  input  logic [32*Lanes-1:0] i_i,         // i_proj output, format A
  input  logic [32*Lanes-1:0] h_i,         // state, format A
  input  logic [32*Lanes-1:0] lb_i,        // lower bound, format G in 32-bit lanes
  output logic                valid_o,
  output logic [32*Lanes-1:0] h_o
);

  localparam int unsigned Latency = 14;

  for (genvar k = 0; k < Lanes; k++) begin : g_lane
    logic [24:0]        cf;
    logic signed [31:0] c, h_d;
    forget_complement_pipe u_forget (.clk_i, .en_i(!stall_i), .fz_i(f_i[32*k +: 32]), .lb_i(lb_i[32*k +: 32]),
      .bounded_i, .cf_o(cf));
    silu_a_pipe u_silu (.clk_i, .en_i(!stall_i), .z_i(i_i[32*k +: 32]), .silu_o(c));
    datapath_delay #(.Width(32), .Depth(9)) u_h (.clk_i, .en_i(!stall_i), .d_i(h_i[32*k +: 32]), .q_o(h_d));
    mlgru_update_pipe u_update (.clk_i, .en_i(!stall_i), .h_i(h_d), .c_i(c), .cf_i(cf), .h_o(h_o[32*k +: 32]));
  end

  logic [Latency-1:0] valid_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) valid_q <= '0;
    else if (!stall_i) valid_q <= {valid_q[Latency-2:0], valid_i};
  end
  assign valid_o = valid_q[Latency-1];

endmodule
