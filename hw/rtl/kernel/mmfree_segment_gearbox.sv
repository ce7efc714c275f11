// Re-forms row-aligned chunks for the ternary array out of a trit5 weight stream (docs/mmf-format.md,
// "Weight encodings"): each input beat brings five decoded 64-column segments (2-bit codes), rows
// start at any segment of a beat, and the array takes a row as chunks of four segments (one
// 512-bit beat of 2-bit codes, 256 weights), the last chunk of a row holding the rest (1..4
// segments) with zero codes after them. The consumer says how many segments the chunk it wants
// next holds (want_i, 1..4, steady while it waits); the gearbox hands out the oldest want_i
// segments once it holds them.
//
// A pass (start_i) takes exactly total_i segments: of the beat that holds the last of them, the
// padding segments after it are dropped, and no beat is taken after it until the next start, so
// the next pass's beats wait in the FIFO. Buffer: Slots segments, slot 0 the oldest; the slots
// at and above count_q are kept zero so that a beat is merged in with an OR. With 8 slots and a
// beat taken in the same cycle a chunk leaves, the gearbox takes a beat a cycle and gives a
// chunk a cycle whenever its two sides allow.
module mmfree_segment_gearbox #(
  parameter int unsigned SegBits   = 128,  // one segment: 64 2-bit codes
  parameter int unsigned CountBits = 32,
  // Derived; not meant to be overridden.
  parameter int unsigned Slots     = 8
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  input  logic                   start_i,    // one cycle: a pass of total_i segments begins
  input  logic [CountBits-1:0]   total_i,

  input  logic                   in_valid_i,  // five decoded segments, segment 0 first
  output logic                   in_ready_o,
  input  logic [5*SegBits-1:0]   in_segments_i,

  input  logic [2:0]             want_i,      // segments of the next chunk, 1..4
  output logic                   out_valid_o,
  input  logic                   out_ready_i,
  output logic [4*SegBits-1:0]   out_chunk_o, // segments 0..want_i-1, zero after them

  output logic                   busy_o       // segments of the pass still to take or to hand out
);

  localparam int unsigned SlotBits = $clog2(Slots + 1);

  logic [Slots*SegBits-1:0] buf_q, buf_d;
  logic [SlotBits-1:0]      count_q, count_d;
  logic [CountBits-1:0]     remaining_q;  // segments of the pass not yet taken in

  logic                out_fire, in_fire;
  logic [SlotBits-1:0] kept;        // segments left after this cycle's chunk leaves
  logic [2:0]          taken_in;    // segments of this beat that belong to the pass (1..5)

  assign out_valid_o = (count_q >= SlotBits'(want_i));
  assign out_fire    = out_valid_o && out_ready_i;
  assign kept        = out_fire ? count_q - SlotBits'(want_i) : count_q;
  assign taken_in    = (remaining_q >= CountBits'(5)) ? 3'd5 : 3'(remaining_q);
  assign in_ready_o  = (remaining_q != '0) && (kept <= SlotBits'(Slots - 5));
  assign in_fire     = in_valid_i && in_ready_o;

  // The chunk: the oldest want_i segments, the slots after them zeroed.
  always_comb begin
    for (int unsigned s = 0; s < 4; s++) begin
      out_chunk_o[SegBits*s +: SegBits] = (3'(s) < want_i) ? buf_q[SegBits*s +: SegBits] : '0;
    end
  end

  // Next buffer: shifted down by the chunk that leaves (zeros in from the top), then this beat's
  // segments of the pass ORed in at the first free slot (kept <= 3 whenever a beat comes in).
  logic [Slots*SegBits-1:0] shifted, incoming;
  logic [5*SegBits-1:0]     masked;
  always_comb begin
    shifted = out_fire ? buf_q >> (SegBits * want_i) : buf_q;
    for (int unsigned s = 0; s < 5; s++) begin
      masked[SegBits*s +: SegBits] = (3'(s) < taken_in) ? in_segments_i[SegBits*s +: SegBits] : '0;
    end
    incoming = in_fire ? {{(Slots-5)*SegBits{1'b0}}, masked} << (SegBits * kept) : '0;
    buf_d    = shifted | incoming;
    count_d  = kept + (in_fire ? SlotBits'(taken_in) : '0);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      buf_q       <= '0;
      count_q     <= '0;
      remaining_q <= '0;
    end else if (start_i) begin
      buf_q       <= '0;
      count_q     <= '0;
      remaining_q <= total_i;
    end else begin
      buf_q   <= buf_d;
      count_q <= count_d;
      if (in_fire) remaining_q <= remaining_q - CountBits'(taken_in);
    end
  end

  assign busy_o = (remaining_q != '0) || (count_q != '0);

  // -------------------------------------------------------------------------------------------
  // Assertions: simulation only (Yosys defines SYNTHESIS; Vivado skips translate_off).
`ifndef SYNTHESIS
  // pragma translate_off
  // Checked out of reset through a net of its own (Verilator flags a flop's asynchronous reset
  // used synchronously in `disable iff`).
  logic sva_on;
  assign sva_on = rst_ni;
  WantInRange_A: assert property (@(posedge clk_i) disable iff (!sva_on)
      out_valid_o |-> (want_i >= 3'd1 && want_i <= 3'd4))
    else $error("mmfree_segment_gearbox: want_i %0d outside 1..4", want_i);
  OutValidHeld_A: assert property (@(posedge clk_i) disable iff (!sva_on)
      out_valid_o && !out_ready_i && !start_i && $stable(want_i) |=> out_valid_o)
    else $error("mmfree_segment_gearbox: out_valid_o dropped before out_ready_i");
  OutChunkStable_A: assert property (@(posedge clk_i) disable iff (!sva_on)
      out_valid_o && !out_ready_i && !start_i && $stable(want_i) |=> $stable(out_chunk_o))
    else $error("mmfree_segment_gearbox: chunk changed while stalled");
  NeverOverfull_A: assert property (@(posedge clk_i) disable iff (!sva_on)
      count_q <= SlotBits'(Slots))
    else $error("mmfree_segment_gearbox: %0d segments held in %0d slots", count_q, Slots);
  StartWhenIdle_A: assert property (@(posedge clk_i) disable iff (!sva_on)
      start_i |-> !busy_o)
    else $error("mmfree_segment_gearbox: a pass started while %0d segments of the last remain", remaining_q + 32'(count_q));
  HandshakeKnown_A: assert property (@(posedge clk_i) disable iff (!sva_on)
      !$isunknown({in_ready_o, out_valid_o, busy_o}))
    else $error("mmfree_segment_gearbox: X on a valid, ready or busy after reset");
  // pragma translate_on
`endif

endmodule
