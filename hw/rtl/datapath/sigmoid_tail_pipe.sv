// sigmoid_tail_g (docs/numerics.md 3.4) as a six-stage pipeline, with the final complement of
// its users folded into the last stage: out = flip ? 2^24 - tail(|z|) : tail(|z|).
//   1: |z|    2: segment, fraction and the half-ROM indices    3: the half ROMs
//   4: both ends of the segment: hi - lo, and the base lo or 2^24 - lo    5: (hi - lo) * fraction (one DSP48E2)
//   6: base +- ((step + 2^9) >> 10)
// sigmoid_g is flip = (z >= 0); forget_complement_g's sigma(-fz) is flip = (fz <= 0).
// z_i must come from a register; nothing is reset. Bit-exact with sigmoid_tail_g / sigmoid_g
// (tests/rtl_units through the wrappers of silu_a_pipe and forget_complement_pipe).
module sigmoid_tail_pipe (
  input  logic               clk_i,
  input  logic               en_i,
  input  logic signed [31:0] z_i,
  input  logic               flip_i,
  output logic [24:0]        out_o    // 0 .. 2^24, six cycles later
);

  // Stage 1: |z|; -2^31 (never produced in format A) gives 2^31.
  logic [31:0] magnitude_q;
  logic        flip_q1;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      magnitude_q <= z_i[31] ? 32'(-z_i) : 32'(z_i);
      flip_q1     <= flip_i;
    end
  end

  // Stage 2: |z| >= 2^20 (x >= 16) saturates to the last segment with a zero fraction. Entry
  // 2m is the even half ROM's word m, entry 2m+1 the odd one's (sigmoid_tail_table).
  logic       saturated;
  logic [9:0] segment;
  logic [9:0] even_index_q, odd_index_q, fraction_q2;
  logic       odd_segment_q2, saturated_q2, flip_q2;
  assign saturated = magnitude_q[31:20] != '0;
  assign segment   = saturated ? 10'd1023 : magnitude_q[19:10];
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      even_index_q   <= 10'(({1'b0, segment} + 11'd1) >> 1);
      odd_index_q    <= 10'(segment >> 1);
      odd_segment_q2 <= segment[0];
      fraction_q2    <= saturated ? 10'd0 : magnitude_q[9:0];
      saturated_q2   <= saturated;
      flip_q2        <= flip_q1;
    end
  end

  // Stage 3: the two half ROMs.
  logic [23:0] even_value, odd_value, even_q, odd_q;
  logic [9:0]  fraction_q3;
  logic        odd_segment_q3, saturated_q3, flip_q3;
  sigmoid_tail_table_halves u_table (.even_index_i(even_index_q), .odd_index_i(odd_index_q),
    .even_o(even_value), .odd_o(odd_value));
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      even_q         <= even_value;
      odd_q          <= odd_value;
      fraction_q3    <= fraction_q2;
      odd_segment_q3 <= odd_segment_q2;
      saturated_q3   <= saturated_q2;
      flip_q3        <= flip_q2;
    end
  end

  // Stage 4: the segment's ends; saturated inputs hold the last entry, SIGTAIL[1024] (the top
  // of segment 1023).
  logic [23:0]        entry_lo, entry_hi, lo;
  assign entry_lo = odd_segment_q3 ? odd_q : even_q;
  assign entry_hi = odd_segment_q3 ? even_q : odd_q;
  logic signed [24:0] diff_q;
  logic [24:0]        base_q4;
  logic [10:0]        fraction_q4;
  logic               flip_q4;
  assign lo = saturated_q3 ? entry_hi : entry_lo;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      diff_q      <= $signed({1'b0, entry_hi}) - $signed({1'b0, lo});
      base_q4     <= flip_q3 ? 25'h1000000 - {1'b0, lo} : {1'b0, lo};
      fraction_q4 <= {1'b0, fraction_q3};
      flip_q4     <= flip_q3;
    end
  end

  // Stage 5: the interpolation step (diff and fraction straight from registers: one DSP).
  logic signed [35:0] step_q;
  logic [24:0]        base_q5;
  logic               flip_q5;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      step_q  <= diff_q * $signed(fraction_q4);
      base_q5 <= base_q4;
      flip_q5 <= flip_q4;
    end
  end

  // Stage 6: tail = lo + s, and 2^24 - tail = (2^24 - lo) - s, where
  // s = (step + 2^9) >> 10 = (step >> 10) + step[9]: one adder with a carry in,
  // base - s = base + ~(step >> 10) + !step[9].
  logic [24:0] step_high, operand, out_q;
  logic        carry;
  logic        unused_step_bits;
  assign step_high = 25'(step_q >>> 10);
  assign operand   = flip_q5 ? ~step_high : step_high;
  assign carry     = flip_q5 ^ step_q[9];
  assign unused_step_bits = ^step_q[8:0];
  always_ff @(posedge clk_i) begin
    if (en_i) out_q <= base_q5 + operand + 25'(carry);
  end
  assign out_o = out_q;

endmodule
