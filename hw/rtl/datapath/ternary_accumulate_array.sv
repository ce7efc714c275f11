// Ternary matrix-vector row accumulator: consumes one memory beat of packed ternary weights per
// cycle together with the matching int8 activations and produces the exact signed integer
// sum_k T_jk * q_k of each output row j. A row longer than one beat is streamed as several
// beats delimited by first_i / last_i and accumulated in AccBits.
//
// Flow control. The adder tree and accumulator never stall. The input is admitted only while
// there is a guaranteed slot in the result FIFO for every row already admitted (a credit
// counter), so ready_o depends on registered state only: no combinational path runs from
// ready_i to ready_o, and the wide tree needs no clock enable. With FifoDepth >= Latency + 2
// one-beat rows stream at one per cycle while ready_i is held high.
//
// Weight codes: 0b00 = 0, 0b01 = +1, 0b11 = -1 (0b10 is unused and counts as 0).
module ternary_accumulate_array #(
  parameter int unsigned BeatBits       = 512,  // bits of packed weight codes per beat
  parameter int unsigned ActBits        = 8,
  parameter int unsigned AccBits        = 32,
  parameter int unsigned LevelsPerStage = 2,
  parameter int unsigned FifoDepth      = 16,   // power of two
  // Derived; not meant to be overridden.
  parameter int unsigned Lanes          = BeatBits / 2
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,

  // One beat of one row.
  input  logic                     valid_i,
  output logic                     ready_o,
  input  logic                     first_i,  // first beat of a row: restart the sum
  input  logic                     last_i,   // last beat of a row: emit the sum
  input  logic [BeatBits-1:0]      codes_i,  // weight k at bits [2k+1:2k]
  input  logic [ActBits*Lanes-1:0] acts_i,   // activation k at bits [ActBits*k +: ActBits]

  // One finished row.
  output logic                     valid_o,
  input  logic                     ready_i,
  output logic [AccBits-1:0]       sum_o
);

  localparam int unsigned Levels    = $clog2(Lanes);
  localparam int unsigned BeatSumBits = ActBits + 1 + Levels;
  localparam int unsigned CountBits = $clog2(FifoDepth + 1);

  // ---------------------------------------------------------------------------------------
  // Credits: rows admitted whose result has not left the FIFO yet.
  logic                 accept, pop;
  logic [CountBits-1:0] rows_outstanding_q;

  assign ready_o = (rows_outstanding_q < CountBits'(FifoDepth));
  assign accept  = valid_i && ready_o;
  assign pop     = valid_o && ready_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rows_outstanding_q <= '0;
    end else begin
      rows_outstanding_q <= rows_outstanding_q + CountBits'(accept && last_i) - CountBits'(pop);
    end
  end

  // ---------------------------------------------------------------------------------------
  // Per-beat sums.
  logic                   beat_valid;
  logic [BeatSumBits-1:0] beat_sum;
  logic                   beat_first, beat_last;

  ternary_adder_tree #(
    .Lanes         (Lanes),
    .ActBits       (ActBits),
    .TagBits       (2),
    .LevelsPerStage(LevelsPerStage)
  ) u_tree (
    .clk_i,
    .rst_ni,
    .valid_i(accept),
    .codes_i,
    .acts_i,
    .tag_i  ({first_i, last_i}),
    .valid_o(beat_valid),
    .sum_o  (beat_sum),
    .tag_o  ({beat_first, beat_last})
  );

  // ---------------------------------------------------------------------------------------
  // Row accumulation.
  logic [AccBits-1:0] acc_q, acc_d, beat_sum_ext;

  assign beat_sum_ext = {{(AccBits - BeatSumBits){beat_sum[BeatSumBits-1]}}, beat_sum};
  assign acc_d        = beat_first ? beat_sum_ext : acc_q + beat_sum_ext;

  always_ff @(posedge clk_i) begin
    if (beat_valid) begin
      acc_q <= acc_d;
    end
  end

  row_result_fifo #(
    .Width(AccBits),
    .Depth(FifoDepth)
  ) u_results (
    .clk_i,
    .rst_ni,
    .push_i (beat_valid && beat_last),
    .data_i (acc_d),
    .valid_o,
    .pop_i  (ready_i),
    .data_o (sum_o)
  );

  // -------------------------------------------------------------------------------------------
  // Assertions: simulation only (Yosys defines SYNTHESIS; Vivado skips translate_off). The
  // output handshake is the result FIFO's (row_result_fifo asserts its head waits for ready_i).
`ifndef SYNTHESIS
  // pragma translate_off
  // Rows are framed by the caller: the first beat after a row's last beat (or after reset)
  // restarts the sum, and no other beat does; otherwise rows would merge or lose beats.
  logic sva_in_row_q;  // a row has begun and its last beat has not been accepted yet
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)     sva_in_row_q <= 1'b0;
    else if (accept) sva_in_row_q <= !last_i;
  end
  RowFraming_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      accept |-> first_i == !sva_in_row_q)
    else $error("ternary_accumulate_array: first_i does not follow the row framing (first after last)");
  CreditsInRange_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rows_outstanding_q <= CountBits'(FifoDepth))
    else $error("ternary_accumulate_array: more rows admitted than the result FIFO holds");
  HandshakeKnown_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !$isunknown({ready_o, valid_o}))
    else $error("ternary_accumulate_array: X on ready_o or valid_o after reset");
  // pragma translate_on
`endif

endmodule
