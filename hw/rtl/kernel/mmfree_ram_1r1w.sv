// A simple dual-port RAM: one write port, one read port with a REGISTERED read (the output
// register holds while read_i is low), the template Yosys and Vivado infer as block RAM
// (BRAM36 / URAM). Read-during-write at the same address returns the old word.
module mmfree_ram_1r1w #(
  parameter int unsigned Width = 32,
  parameter int unsigned Depth = 160,
  // Derived; not meant to be overridden.
  parameter int unsigned AddrBits = Depth > 1 ? $clog2(Depth) : 1
) (
  input  logic                clk_i,
  input  logic                we_i,
  input  logic [AddrBits-1:0] waddr_i,
  input  logic [Width-1:0]    wdata_i,
  input  logic                re_i,
  input  logic [AddrBits-1:0] raddr_i,
  output logic [Width-1:0]    rdata_o
);

  logic [Width-1:0] mem_q [Depth];
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (we_i) mem_q[waddr_i] <= wdata_i;
  end

  always_ff @(posedge clk_i) begin
    if (re_i) rdata_q <= mem_q[raddr_i];
  end

  assign rdata_o = rdata_q;

endmodule
