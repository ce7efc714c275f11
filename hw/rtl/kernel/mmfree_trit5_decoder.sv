// A trit5 weight beat (docs/mmf-format.md, "Weight encodings") to its five 64-column segments
// in the ternary array's 2-bit codes: byte j of the beat holds column j of segments 0..4 (digit
// s = segment s), so the beat is Bytes independent byte decoders and segment s is their digit
// s side by side, with no shuffling. Combinational, LUTs only (no DSP, no multiplier).
// invalid_o: some byte is 243..255 (never written by an encoder; its five trits read as zero).
module mmfree_trit5_decoder #(
  parameter int unsigned Bytes   = 64,   // bytes a beat: one segment has Bytes columns
  // Derived; not meant to be overridden.
  parameter int unsigned SegBits = 2 * Bytes
) (
  input  logic [8*Bytes-1:0]   beat_i,
  output logic [5*SegBits-1:0] segments_o,  // segment s at [SegBits*s +: SegBits], column j at [2j +: 2]
  output logic                 invalid_o
);

  logic [Bytes-1:0] invalid;

  for (genvar j = 0; j < Bytes; j++) begin : gen_byte
    logic [9:0] codes;
    mmfree_trit5_byte_decoder u_byte (
      .byte_i   (beat_i[8*j +: 8]),
      .codes_o  (codes),
      .invalid_o(invalid[j])
    );
    for (genvar s = 0; s < 5; s++) begin : gen_digit
      assign segments_o[SegBits*s + 2*j +: 2] = codes[2*s +: 2];
    end
  end

  assign invalid_o = |invalid;

endmodule
