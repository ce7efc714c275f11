// Gathers the row sums of the ternary arrays back into global row order (row r of each matrix
// comes from port r mod P, docs/device.md) and packs them, 32 bits each, into little-endian
// memory beats for the gmem write master; the final beat carries byte strobes for its words.
module mmfree_sum_collector #(
  parameter int unsigned NumPorts  = 1,
  parameter int unsigned DataWidth = 512,
  parameter int unsigned CountBits = 32,
  // Derived; not meant to be overridden.
  parameter int unsigned WordsPerBeat = DataWidth / 32,
  parameter int unsigned PortBits  = NumPorts > 1 ? $clog2(NumPorts) : 1
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,

  input  logic                     start_i,       // one cycle: begin collecting a pass
  input  logic [CountBits-1:0]     num_layers_i,  // L
  input  logic [CountBits-1:0]     rows_d_i,      // d
  input  logic [CountBits-1:0]     rows_gate_i,   // 2I
  input  logic [CountBits-1:0]     rows_vocab_i,  // V
  output logic                     busy_o,

  // The arrays' results, port p at [p] / [32p +: 32].
  input  logic [NumPorts-1:0]      sum_valid_i,
  output logic [NumPorts-1:0]      sum_ready_o,
  input  logic [32*NumPorts-1:0]   sum_i,

  // Packed beats to the write master.
  output logic                     out_valid_o,
  input  logic                     out_ready_i,
  output logic [DataWidth-1:0]     out_data_o,
  output logic [DataWidth/8-1:0]   out_strb_o
);

  localparam int unsigned WordBits = $clog2(WordsPerBeat);

  logic                 busy_q;        // still rows to take
  logic [2:0]           proj_q;        // 0..5 as in the feeder, 6 = lm_head
  logic [CountBits-1:0] layer_q, row_q;
  logic [PortBits-1:0]  port_q;
  logic [CountBits-1:0] rows;

  always_comb begin
    unique case (proj_q)
      3'd4:    rows = rows_gate_i;
      3'd6:    rows = rows_vocab_i;
      default: rows = rows_d_i;
    endcase
  end

  // Beat being packed.
  logic [DataWidth-1:0] beat_q;
  logic [WordBits-1:0]  word_q;
  logic                 out_valid_q;
  logic [DataWidth-1:0] out_data_q;
  logic [WordsPerBeat-1:0] out_words_q;

  logic take, last_row;
  assign take     = busy_q && sum_valid_i[port_q] && (!out_valid_q || out_ready_i);
  assign last_row = (proj_q == 3'd6) && (row_q == rows - 1'b1);

  always_comb begin
    sum_ready_o = '0;
    sum_ready_o[port_q] = busy_q && (!out_valid_q || out_ready_i);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q      <= 1'b0;
      proj_q      <= '0;
      layer_q     <= '0;
      row_q       <= '0;
      port_q      <= '0;
      beat_q      <= '0;
      word_q      <= '0;
      out_valid_q <= 1'b0;
      out_data_q  <= '0;
      out_words_q <= '0;
    end else begin
      if (out_valid_q && out_ready_i) out_valid_q <= 1'b0;
      if (start_i) begin
        busy_q  <= 1'b1;
        proj_q  <= '0;
        layer_q <= '0;
        row_q   <= '0;
        port_q  <= '0;
        word_q  <= '0;
      end else if (take) begin
        beat_q[32*word_q +: 32] <= sum_i[32*port_q +: 32];
        word_q <= word_q + 1'b1;
        if (word_q == WordBits'(WordsPerBeat - 1) || last_row) begin
          out_valid_q <= 1'b1;
          out_data_q  <= beat_q;
          out_data_q[32*word_q +: 32] <= sum_i[32*port_q +: 32];
          for (int unsigned w = 0; w < WordsPerBeat; w++) out_words_q[w] <= (w <= 32'(word_q));
          word_q <= '0;
        end
        // Next row: round robin over the ports, restarting at port 0 with each matrix.
        if (row_q == rows - 1'b1) begin
          row_q  <= '0;
          port_q <= '0;
          if (proj_q == 3'd6) begin
            busy_q <= 1'b0;
          end else if (proj_q == 3'd5) begin
            if (layer_q == num_layers_i - 1'b1) proj_q <= 3'd6;
            else begin
              proj_q  <= '0;
              layer_q <= layer_q + 1'b1;
            end
          end else begin
            proj_q <= proj_q + 3'd1;
          end
        end else begin
          row_q  <= row_q + 1'b1;
          port_q <= (32'(port_q) == NumPorts - 1) ? '0 : port_q + 1'b1;
        end
      end
    end
  end

  always_comb begin
    for (int unsigned b = 0; b < DataWidth / 8; b++) out_strb_o[b] = out_words_q[b / 4];
  end

  assign busy_o      = busy_q || out_valid_q;
  assign out_valid_o = out_valid_q;
  assign out_data_o  = out_data_q;

  // -------------------------------------------------------------------------------------------
  // Assertions: simulation only (Yosys defines SYNTHESIS; Vivado skips translate_off).
`ifndef SYNTHESIS
  // pragma translate_off
  // A new pass only once every row of the previous one has been taken.
  StartWhenIdle_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      start_i |-> !busy_q)
    else $error("mmfree_sum_collector: start_i while rows of the previous pass are outstanding");
  // The packed beats are valid/ready: held, unchanged, until the write master takes them.
  OutValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o)
    else $error("mmfree_sum_collector: out_valid_o dropped before out_ready_i");
  OutStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> $stable({out_data_o, out_strb_o}))
    else $error("mmfree_sum_collector: out_data_o/out_strb_o changed while stalled");
  // Only the port whose row is due is ever offered a ready.
  OneReady_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      $onehot0(sum_ready_o))
    else $error("mmfree_sum_collector: sum_ready_o to more than one port");
  HandshakeKnown_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !$isunknown({out_valid_o, sum_ready_o, busy_o}))
    else $error("mmfree_sum_collector: X on a valid, ready or busy after reset");
  // pragma translate_on
`endif

endmodule
