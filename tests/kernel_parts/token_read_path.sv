// Testbench top: the token engine's read path, wired as mmfree_token_engine wires it: the
// prefetcher issuing into the vector reader, the reader's beats back into the prefetcher. The
// layout (each item's address and length) and the sequence's side come from the test.
module token_read_path #(
  parameter int unsigned DataWidth = 512,
  parameter int unsigned ExpBits   = 10
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,

  input  logic                        start_i,
  input  logic [31:0]                 nl_i,
  input  logic [4:0]                  num_lanes_i,
  output logic                        item_emb_o,
  output logic [31:0]                 item_layer_o,
  output logic [4:0]                  item_index_o,
  output logic [3:0]                  item_lane_o,
  input  logic [63:0]                 item_addr_i,
  input  logic [31:0]                 item_n_i,

  output logic                        rd_cmd_valid_o,
  input  logic                        rd_cmd_ready_i,
  output logic [63:0]                 rd_cmd_addr_o,
  output logic [31:0]                 rd_cmd_beats_o,
  input  logic                        rd_valid_i,
  output logic                        rd_ready_o,
  input  logic [DataWidth-1:0]        rd_data_i,

  // The reader's vector words, as the buffers see them.
  output logic                        we_o,
  output logic [31:0]                 waddr_o,
  output logic [DataWidth-1:0]        word_o,
  output logic [2:0]                  dst_o,
  output logic [1:0]                  slot_o,
  output logic [3:0]                  lane_o,
  output logic                        done_o,

  input  logic [1:0]                  n_consume_i,
  input  logic                        beta_pop_i,
  input  logic                        h_lb_take_i,
  input  logic                        h_free_i,
  input  logic                        lb_free_i,
  output logic                        n_avail_o,
  output logic                        n_avail2_o,
  output logic [1:0]                  n_cons_o,
  output logic                        beta_avail_o,
  output logic [16:0]                 beta_man_o,
  output logic signed [ExpBits-1:0]   beta_exp_o,
  output logic                        h_lb_ready_o,
  output logic                        x_ready_o
);

  logic                      issue, idle, can_queue, beta_busy, rx, error;
  mmfree_token_pkg::rd_cmd_t cmd;
  logic [31:0]               rx_beat, first_word;
  logic [DataWidth-1:0]      rx_data, as_a, as_g;
  mmfree_token_pkg::dst_e    dst;
  logic [63:0]               addr;

  mmfree_token_vector_reader #(.DataWidth(DataWidth)) u_reader (
    .clk_i, .rst_ni,
    .issue_i(issue), .cmd_i(cmd), .idle_o(idle), .can_queue_o(can_queue), .beta_busy_o(beta_busy),
    .rd_cmd_valid_o, .rd_cmd_ready_i, .rd_cmd_addr_o, .rd_cmd_beats_o,
    .rd_valid_i, .rd_ready_o, .rd_data_i, .rd_error_i(1'b0),
    .we_o, .waddr_o, .word_o, .as_a_o(as_a), .as_g_o(as_g), .dst_o(dst), .slot_o, .lane_o, .addr_o(addr),
    .rx_o(rx), .rx_beat_o(rx_beat), .rx_data_o(rx_data), .rx_first_word_o(first_word),
    .done_o, .error_o(error)
  );
  assign dst_o = dst;

  mmfree_token_prefetcher #(.DataWidth(DataWidth), .ExpBits(ExpBits)) u_prefetcher (
    .clk_i, .rst_ni,
    .start_i, .nl_i, .num_lanes_i, .item_emb_o, .item_layer_o, .item_index_o, .item_lane_o, .item_addr_i,
    .item_n_i,
    .issue_o(issue), .cmd_o(cmd), .rd_idle_i(idle), .rd_can_queue_i(can_queue),
    .rd_beta_busy_i(beta_busy), .rd_rx_i(rx), .rd_rx_beat_i(rx_beat), .rd_rx_data_i(rx_data),
    .rd_first_word_i(first_word), .rd_dst_i(dst), .rd_addr_i(addr), .rd_done_i(done_o),
    .n_consume_i, .beta_pop_i, .h_lb_take_i, .h_free_i, .lb_free_i,
    .n_avail_o, .n_avail2_o, .n_cons_o, .beta_avail_o, .beta_man_o, .beta_exp_o, .h_lb_ready_o,
    .x_ready_o
  );

  logic unused;
  assign unused = ^{as_a, as_g, error};

endmodule
