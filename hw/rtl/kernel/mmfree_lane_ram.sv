// A vector buffer of the token engine as Lanes banks: element c lives in bank c mod Lanes at
// address c / Lanes. Every bank has its own write address and enable (the row-sum intake writes
// a few banks per cycle), and all banks are read at one address (element loops take a whole
// word of Lanes elements per cycle). Each bank is an mmfree_ram_1r1w, so the read is registered
// and synthesis maps the banks to block RAM.
module mmfree_lane_ram #(
  parameter int unsigned Lanes = 16,
  parameter int unsigned Depth = 160,   // words of Lanes elements
  // Derived; not meant to be overridden.
  parameter int unsigned AddrBits = Depth > 1 ? $clog2(Depth) : 1
) (
  input  logic                      clk_i,
  input  logic [Lanes-1:0]          we_i,
  input  logic [AddrBits*Lanes-1:0] waddr_i,
  input  logic [32*Lanes-1:0]       wdata_i,
  input  logic                      re_i,
  input  logic [AddrBits-1:0]       raddr_i,
  output logic [32*Lanes-1:0]       rdata_o
);

  for (genvar b = 0; b < Lanes; b++) begin : g_bank
    mmfree_ram_1r1w #(.Width(32), .Depth(Depth)) u_bank (
      .clk_i,
      .we_i   (we_i[b]),
      .waddr_i(waddr_i[AddrBits*b +: AddrBits]),
      .wdata_i(wdata_i[32*b +: 32]),
      .re_i,
      .raddr_i,
      .rdata_o(rdata_o[32*b +: 32])
    );
  end

endmodule
