// A fixed delay of Depth cycles (Depth >= 1) for data that travels beside a pipelined unit.
// No reset (pure datapath); en_i holds it. The last stage is a plain register outside the
// shift chain, so a delayed operand can feed a DSP48E2 input register (docs/timing.md).
module datapath_delay #(
  parameter int unsigned Width = 32,
  parameter int unsigned Depth = 1
) (
  input  logic             clk_i,
  input  logic             en_i,
  input  logic [Width-1:0] d_i,
  output logic [Width-1:0] q_o
);

  logic [Width-1:0] last_q;

  if (Depth == 1) begin : g_one
    always_ff @(posedge clk_i) begin
      if (en_i) last_q <= d_i;
    end
  end else begin : g_chain
    logic [Width*(Depth-1)-1:0] chain_q;
    always_ff @(posedge clk_i) begin
      if (en_i) begin
        chain_q[Width-1:0] <= d_i;
        for (int unsigned s = 1; s < Depth - 1; s++) chain_q[Width*s +: Width] <= chain_q[Width*(s-1) +: Width];
      end
    end
    // keep: Yosys would fold this register into the SRL chain (Vivado keeps it out by default).
    logic [Width-1:0] out_q;
    (* keep *) always_ff @(posedge clk_i) begin
      if (en_i) out_q <= chain_q[Width*(Depth-2) +: Width];
    end
    assign last_q = out_q;
  end

  assign q_o = last_q;

endmodule
