// One pipeline register of the element-wise units: data moves with its valid bit and both
// hold while stall_i is high (the "valid + stall" handshake: the consumer stalls the whole
// pipeline when it cannot take a result).
module datapath_pipe_reg #(
  parameter int unsigned Width = 32
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             stall_i,
  input  logic             valid_i,
  input  logic [Width-1:0] data_i,
  output logic             valid_o,
  output logic [Width-1:0] data_o
);

  logic             valid_q;
  logic [Width-1:0] data_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else if (!stall_i) begin
      valid_q <= valid_i;
    end
  end

  // No reset on data: it is only looked at while valid.
  always_ff @(posedge clk_i) begin
    if (!stall_i && valid_i) begin
      data_q <= data_i;
    end
  end

  assign valid_o = valid_q;
  assign data_o  = data_q;

endmodule
