// Lanes of the MLGRU token mixer's element-wise step (docs/numerics.md 3.5 - 3.7 and 5):
//   cf = forget_complement_g(f, LB, bounded),  c = silu_a(i),  h' = mlgru_update_a(h, c, cf)
// from the f_proj and i_proj outputs. Latency 2 (gate nonlinearities, then the update);
// valid + stall.
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

  // Stage 1: cf (25 bits, kept in 32-bit lanes), c and h.
  logic [32*Lanes-1:0] cf_d, c_d, cf_q, c_q, h_q;
  logic                valid_q;

  for (genvar k = 0; k < Lanes; k++) begin : g_gate
    forget_complement_g u_forget (
      .fz_i(f_i[32*k +: 32]), .lb_i(lb_i[32*k +: 32]), .bounded_i, .cf_o(cf_d[32*k +: 25])
    );
    assign cf_d[32*k+25 +: 7] = '0;
    silu_a u_silu (.z_i(i_i[32*k +: 32]), .silu_o(c_d[32*k +: 32]));
  end

  datapath_pipe_reg #(.Width(96 * Lanes)) u_stage1 (
    .clk_i, .rst_ni, .stall_i, .valid_i,
    .data_i ({cf_d, c_d, h_i}),
    .valid_o(valid_q),
    .data_o ({cf_q, c_q, h_q})
  );

  // Stage 2: the state update.
  logic [32*Lanes-1:0] h_d;
  logic                unused_cf_bits;

  for (genvar k = 0; k < Lanes; k++) begin : g_update
    mlgru_update_a u_update (
      .h_i(h_q[32*k +: 32]), .c_i(c_q[32*k +: 32]), .cf_i(cf_q[32*k +: 25]), .h_o(h_d[32*k +: 32])
    );
  end

  always_comb begin
    unused_cf_bits = 1'b0;
    for (int unsigned k = 0; k < Lanes; k++) begin
      unused_cf_bits = unused_cf_bits ^ (^cf_q[32*k+25 +: 7]);
    end
  end

  datapath_pipe_reg #(.Width(32 * Lanes)) u_stage2 (
    .clk_i, .rst_ni, .stall_i, .valid_i(valid_q), .data_i(h_d), .valid_o, .data_o(h_o)
  );

endmodule
