// The kernel core's gmem arbitration: the gmem read and write engines serve one client at a
// time, the sequencer (commands; the sum collector's beats) outside token mode, the token engine
// while token_active_i.
//
// Contract:
// - The selected client's commands (rd_cmd_*, wr_cmd_*), read-data ready and write beats
//   (wr_in_*) go to the engines unchanged, in the same cycle.
// - Command readies, and the write-beat ready to the token engine, go to the clients as the
//   engines give them; the write-beat ready to the sequencer's sum collector only outside token
//   mode (it holds its beats while the token engine writes).
// - The client not selected asserts no command valid (checked below), so a switch of
//   token_active_i loses or duplicates no handshake.
module mmfree_gmem_arbiter #(
  parameter int unsigned DataWidth = 512,
  parameter int unsigned CountBits = 32
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic                       token_active_i,

  // Client 0: the sequencer (and the sum collector's beats).
  input  logic                       seq_rd_cmd_valid_i,
  input  logic [63:0]                seq_rd_cmd_addr_i,
  input  logic [CountBits-1:0]       seq_rd_cmd_beats_i,
  input  logic                       seq_rd_ready_i,
  input  logic                       seq_wr_cmd_valid_i,
  input  logic [63:0]                seq_wr_cmd_addr_i,
  input  logic [CountBits-1:0]       seq_wr_cmd_beats_i,
  input  logic                       seq_wr_in_valid_i,
  output logic                       seq_wr_in_ready_o,
  input  logic [DataWidth-1:0]       seq_wr_in_data_i,
  input  logic [DataWidth/8-1:0]     seq_wr_in_strb_i,

  // Client 1: the token engine.
  input  logic                       tok_rd_cmd_valid_i,
  input  logic [63:0]                tok_rd_cmd_addr_i,
  input  logic [CountBits-1:0]       tok_rd_cmd_beats_i,
  input  logic                       tok_rd_ready_i,
  input  logic                       tok_wr_cmd_valid_i,
  input  logic [63:0]                tok_wr_cmd_addr_i,
  input  logic [CountBits-1:0]       tok_wr_cmd_beats_i,
  input  logic                       tok_wr_in_valid_i,
  output logic                       tok_wr_in_ready_o,
  input  logic [DataWidth-1:0]       tok_wr_in_data_i,
  input  logic [DataWidth/8-1:0]     tok_wr_in_strb_i,

  // The engines.
  output logic                       rd_cmd_valid_o,
  output logic [63:0]                rd_cmd_addr_o,
  output logic [CountBits-1:0]       rd_cmd_beats_o,
  output logic                       rd_ready_o,
  output logic                       wr_cmd_valid_o,
  output logic [63:0]                wr_cmd_addr_o,
  output logic [CountBits-1:0]       wr_cmd_beats_o,
  output logic                       wr_in_valid_o,
  input  logic                       wr_in_ready_i,
  output logic [DataWidth-1:0]       wr_in_data_o,
  output logic [DataWidth/8-1:0]     wr_in_strb_o
);

  assign rd_cmd_valid_o    = token_active_i ? tok_rd_cmd_valid_i : seq_rd_cmd_valid_i;
  assign rd_cmd_addr_o     = token_active_i ? tok_rd_cmd_addr_i  : seq_rd_cmd_addr_i;
  assign rd_cmd_beats_o    = token_active_i ? tok_rd_cmd_beats_i : seq_rd_cmd_beats_i;
  assign rd_ready_o        = token_active_i ? tok_rd_ready_i     : seq_rd_ready_i;
  assign wr_cmd_valid_o    = token_active_i ? tok_wr_cmd_valid_i : seq_wr_cmd_valid_i;
  assign wr_cmd_addr_o     = token_active_i ? tok_wr_cmd_addr_i  : seq_wr_cmd_addr_i;
  assign wr_cmd_beats_o    = token_active_i ? tok_wr_cmd_beats_i : seq_wr_cmd_beats_i;
  assign wr_in_valid_o     = token_active_i ? tok_wr_in_valid_i  : seq_wr_in_valid_i;
  assign wr_in_data_o      = token_active_i ? tok_wr_in_data_i   : seq_wr_in_data_i;
  assign wr_in_strb_o      = token_active_i ? tok_wr_in_strb_i   : seq_wr_in_strb_i;
  assign seq_wr_in_ready_o = wr_in_ready_i && !token_active_i;
  assign tok_wr_in_ready_o = wr_in_ready_i;

`ifndef SYNTHESIS
  // Checked out of reset (sva_on: the reset through a net of its own, as Verilator flags a
  // flop's asynchronous reset used synchronously in `disable iff`).
  logic sva_on;
  assign sva_on = rst_ni;
  a_select_known: assert property (@(posedge clk_i) disable iff (!sva_on) !$isunknown(token_active_i));
  a_seq_quiet: assert property (@(posedge clk_i) disable iff (!sva_on)
    token_active_i |-> !seq_rd_cmd_valid_i && !seq_wr_cmd_valid_i);
  a_tok_quiet: assert property (@(posedge clk_i) disable iff (!sva_on)
    !token_active_i |-> !tok_rd_cmd_valid_i && !tok_wr_cmd_valid_i && !tok_wr_in_valid_i);
`endif

endmodule
