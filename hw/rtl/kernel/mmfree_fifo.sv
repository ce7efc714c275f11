// Synchronous first-word-fall-through FIFO with valid/ready on both sides. The storage is a
// plain array written on push and read at the head pointer, so synthesis may place it in
// distributed or block RAM; the output register keeps the read path off the consumer's logic.
// Storage of UltraRamMinBits or more is marked for UltraRAM: a URAM288 holds 4096 x 72 bits,
// so a 512-bit weight FIFO of 2048 or 4096 beats takes 8 of them (Yosys 0.23, synth_xilinx
// -family xcup) where block RAM would take 29 or 57 BRAM36.
module mmfree_fifo #(
  parameter int unsigned Width = 32,
  parameter int unsigned Depth = 16,  // power of two, >= 2
  parameter int unsigned UltraRamMinBits = 1048576,
  // Derived; not meant to be overridden.
  parameter int unsigned CountBits = $clog2(Depth + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  input  logic                 in_valid_i,
  output logic                 in_ready_o,
  input  logic [Width-1:0]     in_data_i,

  output logic                 out_valid_o,
  input  logic                 out_ready_i,
  output logic [Width-1:0]     out_data_o,

  output logic [CountBits-1:0] count_o  // entries held, including the output register
);

  localparam int unsigned PtrBits = $clog2(Depth);

  // Storage holds Depth - 1 entries; the output register is the Depth-th.
  logic [PtrBits-1:0] wr_ptr_q, rd_ptr_q;
  logic [CountBits-1:0] mem_count_q;
  logic               out_valid_q;
  logic [Width-1:0]   out_data_q;

  logic push, pop_out, refill, mem_empty;

  assign mem_empty   = (mem_count_q == '0);
  assign in_ready_o  = (mem_count_q < CountBits'(Depth - 1));
  assign push        = in_valid_i && in_ready_o;
  assign pop_out     = out_valid_q && out_ready_i;
  // The output register takes the next entry when it is empty or being emptied.
  assign refill      = (!out_valid_q || pop_out) && !mem_empty;

  // The entry at the head pointer, read in the cycle the output register takes it.
  logic [Width-1:0] head_data;
  if (Width * Depth >= UltraRamMinBits) begin : g_ultra
    (* ram_style = "ultra" *) logic [Width-1:0] mem_q [Depth];
    always_ff @(posedge clk_i) begin
      if (push) mem_q[wr_ptr_q] <= in_data_i;
    end
    assign head_data = mem_q[rd_ptr_q];
  end else begin : g_plain
    logic [Width-1:0] mem_q [Depth];
    always_ff @(posedge clk_i) begin
      if (push) mem_q[wr_ptr_q] <= in_data_i;
    end
    assign head_data = mem_q[rd_ptr_q];
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_ptr_q    <= '0;
      rd_ptr_q    <= '0;
      mem_count_q <= '0;
      out_valid_q <= 1'b0;
    end else begin
      if (push) wr_ptr_q <= wr_ptr_q + 1'b1;
      if (refill) rd_ptr_q <= rd_ptr_q + 1'b1;
      mem_count_q <= mem_count_q + CountBits'(push) - CountBits'(refill);
      if (refill)       out_valid_q <= 1'b1;
      else if (pop_out) out_valid_q <= 1'b0;
    end
  end

  // The output register has no reset (pure datapath, looked at only while out_valid_o): so it
  // can be the block RAM's / UltraRAM's own output register (docs/timing.md, reset style).
  always_ff @(posedge clk_i) begin
    if (refill) out_data_q <= head_data;
  end

  assign out_valid_o = out_valid_q;
  assign out_data_o  = out_data_q;
  assign count_o     = mem_count_q + CountBits'(out_valid_q);

  // -------------------------------------------------------------------------------------------
  // Assertions: simulation only (Yosys defines SYNTHESIS; Vivado skips translate_off).
  // Pushing while in_ready_o is low is an ordinary stall here, not an error: callers that may
  // never stall (the read streamer's R channel) assert that at their end.
`ifndef SYNTHESIS
  // pragma translate_off
  // The output is valid/ready: a presented entry stays, unchanged, until it is taken.
  OutValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o)
    else $error("mmfree_fifo: out_valid_o dropped before out_ready_i");
  OutDataStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> $stable(out_data_o))
    else $error("mmfree_fifo: out_data_o changed while stalled");
  // The storage count never wraps: at most Depth - 1 entries besides the output register.
  StorageCountInRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      mem_count_q <= CountBits'(Depth - 1))
    else $error("mmfree_fifo: storage count out of range (written when full or read when empty)");
  HandshakeKnown_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !$isunknown({out_valid_o, in_ready_o}))
    else $error("mmfree_fifo: X on out_valid_o or in_ready_o after reset");
  // pragma translate_on
`endif

endmodule
