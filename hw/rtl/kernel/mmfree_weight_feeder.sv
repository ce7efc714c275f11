// Walks one weight port's share of a token's matrices (docs/device.md, stream order: per layer
// I, F, G, O, Gate, Down, then lm_head; this port holds rows r with r mod P == p) and hands each
// beat of packed codes to the port's ternary accumulate array with first/last row flags, and
// names which activation entry (q_sel_o: 0 = the d-long input, 1 = the I-long input of Down;
// q_index_o: the beat within the row) the array must see with it. With trit5 weights the beats
// come from the port's segment gearbox, which needs to know how many 64-column segments the
// beat the feeder waits for holds (want_o: 4, or the rest of the row in its last beat).
module mmfree_weight_feeder #(
  parameter int unsigned BeatBits = 512,
  parameter int unsigned CountBits = 32
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  input  logic                 start_i,          // one cycle: begin a pass over every matrix
  input  logic [CountBits-1:0] num_layers_i,     // L
  input  logic [CountBits-1:0] rows_d_i,         // this port's rows of a d-row matrix (>= 1)
  input  logic [CountBits-1:0] rows_gate_i,      // ... of the 2I-row Gate matrix
  input  logic [CountBits-1:0] rows_vocab_i,     // ... of the V-row lm_head
  input  logic [CountBits-1:0] beats_d_i,        // beats per row of a d-column matrix
  input  logic [CountBits-1:0] beats_i_i,        // beats per row of the I-column Down matrix
  input  logic [2:0]           last_segs_d_i,    // segments in the last beat of a d-column row (1..4)
  input  logic [2:0]           last_segs_i_i,    // ... of an I-column row
  output logic                 busy_o,
  output logic [2:0]           want_o,           // segments of the beat the feeder waits for

  // From the port's burst engine.
  input  logic                 stream_valid_i,
  output logic                 stream_ready_o,
  input  logic [BeatBits-1:0]  stream_data_i,

  // To the port's ternary accumulate array (acts come from the activation buffers).
  output logic                 array_valid_o,
  input  logic                 array_ready_i,
  output logic                 array_first_o,
  output logic                 array_last_o,
  output logic [BeatBits-1:0]  array_codes_o,
  output logic                 q_sel_o,
  output logic [CountBits-1:0] q_index_o,

  output logic                 stall_o  // the array could take a beat the stream does not have
);

  // Projection order within a layer (model.hpp's Projection), then the lm_head.
  typedef enum logic [2:0] {PrjI, PrjF, PrjG, PrjO, PrjGate, PrjDown, PrjHead} proj_e;

  logic                 busy_q;
  proj_e                proj_q;
  logic [CountBits-1:0] layer_q, row_q, beat_q;
  logic [CountBits-1:0] rows, beats;

  always_comb begin
    unique case (proj_q)
      PrjGate: rows = rows_gate_i;
      PrjHead: rows = rows_vocab_i;
      default: rows = rows_d_i;
    endcase
    beats = (proj_q == PrjDown) ? beats_i_i : beats_d_i;
  end

  logic fire, row_end, matrix_end;
  assign fire       = array_valid_o && array_ready_i;
  assign row_end    = (beat_q == beats - 1'b1);
  assign matrix_end = row_end && (row_q == rows - 1'b1);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      proj_q  <= PrjI;
      layer_q <= '0;
      row_q   <= '0;
      beat_q  <= '0;
    end else if (start_i) begin
      busy_q  <= 1'b1;
      proj_q  <= PrjI;
      layer_q <= '0;
      row_q   <= '0;
      beat_q  <= '0;
    end else if (fire) begin
      beat_q <= row_end ? '0 : beat_q + 1'b1;
      if (row_end) row_q <= (row_q == rows - 1'b1) ? '0 : row_q + 1'b1;
      if (matrix_end) begin
        unique case (proj_q)
          PrjHead: busy_q <= 1'b0;
          PrjDown: begin
            if (layer_q == num_layers_i - 1'b1) begin
              proj_q <= PrjHead;
            end else begin
              proj_q  <= PrjI;
              layer_q <= layer_q + 1'b1;
            end
          end
          PrjI:    proj_q <= PrjF;
          PrjF:    proj_q <= PrjG;
          PrjG:    proj_q <= PrjO;
          PrjO:    proj_q <= PrjGate;
          default: proj_q <= PrjDown;  // from PrjGate
        endcase
      end
    end
  end

  assign busy_o         = busy_q;
  assign array_valid_o  = busy_q && stream_valid_i;
  assign stream_ready_o = busy_q && array_ready_i;
  assign array_first_o  = (beat_q == '0);
  assign array_last_o   = row_end;
  assign array_codes_o  = stream_data_i;
  assign q_sel_o        = (proj_q == PrjDown);
  assign q_index_o      = beat_q;
  assign want_o         = !row_end ? 3'd4 : (proj_q == PrjDown) ? last_segs_i_i : last_segs_d_i;
  assign stall_o        = busy_q && array_ready_i && !stream_valid_i;

  // -------------------------------------------------------------------------------------------
  // Assertions: simulation only (Yosys defines SYNTHESIS; Vivado skips translate_off).
`ifndef SYNTHESIS
  // pragma translate_off
  // A new pass only once the previous one has handed out its last beat: a start while busy
  // would drop the rest of the pass.
  StartWhenIdle_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      start_i |-> !busy_q)
    else $error("mmfree_weight_feeder: start_i while a pass is still being fed");
  // The beat to the array is valid/ready: held, with its framing and activation index, until taken.
  ArrayValidHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      array_valid_o && !array_ready_i |=> array_valid_o)
    else $error("mmfree_weight_feeder: array_valid_o dropped before array_ready_i");
  ArrayBeatStable_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      array_valid_o && !array_ready_i |=>
        $stable({array_codes_o, array_first_o, array_last_o, q_sel_o, q_index_o}))
    else $error("mmfree_weight_feeder: array beat changed while stalled");
  HandshakeKnown_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !$isunknown({array_valid_o, stream_ready_o, busy_o}))
    else $error("mmfree_weight_feeder: X on a valid, ready or busy after reset");
  // pragma translate_on
`endif

endmodule
