// Small synchronous FIFO for finished row sums (first word fall-through).
//
// Storage is a plain register array read asynchronously, which maps to distributed RAM
// (LUTRAM) on AMD/Xilinx parts. Pushing into a full FIFO is the caller's error: the
// ternary_accumulate_array admits a row only when it holds a credit for its result.
module row_result_fifo #(
  parameter int unsigned Width = 32,
  parameter int unsigned Depth = 16,  // power of two
  parameter int unsigned PtrBits = $clog2(Depth)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             push_i,
  input  logic [Width-1:0] data_i,
  output logic             valid_o,  // not empty
  input  logic             pop_i,    // honoured only while valid_o
  output logic [Width-1:0] data_o
);

  logic [Width-1:0] mem_q [Depth];
  logic [PtrBits-1:0] wr_ptr_q, rd_ptr_q;
  logic [PtrBits:0]   count_q;   // one extra bit to tell full from empty
  logic               do_pop;

  assign valid_o = (count_q != '0);
  assign data_o  = mem_q[rd_ptr_q];
  assign do_pop  = pop_i && valid_o;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_ptr_q <= '0;
      rd_ptr_q <= '0;
      count_q  <= '0;
    end else begin
      if (push_i) begin
        wr_ptr_q <= wr_ptr_q + 1'b1;
      end
      if (do_pop) begin
        rd_ptr_q <= rd_ptr_q + 1'b1;
      end
      count_q <= count_q + {{PtrBits{1'b0}}, push_i} - {{PtrBits{1'b0}}, do_pop};
    end
  end

  always_ff @(posedge clk_i) begin
    if (push_i) begin
      mem_q[wr_ptr_q] <= data_i;
    end
  end

  // -------------------------------------------------------------------------------------------
  // Assertions: simulation only (Yosys defines SYNTHESIS; Vivado skips translate_off).
  // pop_i while empty is allowed (it is the consumer's ready and is ignored then).
`ifndef SYNTHESIS
  // pragma translate_off
  NoPushWhenFull_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      push_i |-> count_q < (PtrBits + 1)'(Depth))
    else $error("row_result_fifo: push into a full FIFO (a row was admitted without a credit)");
  // The head entry stays put until it is popped.
  HeadStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      valid_o && !pop_i |=> valid_o && $stable(data_o))
    else $error("row_result_fifo: head entry changed or vanished before it was popped");
  ValidKnown_A: assert property (@(posedge clk_i) disable iff (!rst_ni) !$isunknown(valid_o))
    else $error("row_result_fifo: X on valid_o after reset");
  // pragma translate_on
`endif

endmodule
