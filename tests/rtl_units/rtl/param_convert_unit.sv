// Lanes float32 parameters (embedding rows, norm weights, lower bounds) converted to fixed point
// as they are read from the image (docs/numerics.md 2). Latency 1; valid + stall.
module param_convert_unit #(
  parameter int unsigned Lanes       = 16,   // 16 float32 = one 512-bit beat
  parameter int unsigned FracBits    = 16,   // 16: format A; 24 with ClampToGate: format G
  parameter bit          ClampToGate = 1'b0
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                stall_i,
  input  logic                valid_i,
  input  logic [32*Lanes-1:0] float_i,
  output logic                valid_o,
  output logic [32*Lanes-1:0] fixed_o
);

  logic [32*Lanes-1:0] fixed_d;

  for (genvar k = 0; k < Lanes; k++) begin : g_lane
    float_to_fixed #(.FracBits(FracBits), .ClampToGate(ClampToGate)) u_convert (
      .float_i(float_i[32*k +: 32]),
      .fixed_o(fixed_d[32*k +: 32])
    );
  end

  datapath_pipe_reg #(.Width(32 * Lanes)) u_out (
    .clk_i, .rst_ni, .stall_i, .valid_i, .data_i(fixed_d), .valid_o, .data_o(fixed_o)
  );

endmodule
