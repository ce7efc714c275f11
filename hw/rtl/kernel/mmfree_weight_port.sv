// One weight port of the kernel core: its AXI4 burst engine (mmfree_axi_read_streamer), for trit5
// weights a trit decoder (mmfree_trit5_decoder) and segment gearbox (mmfree_segment_gearbox) that
// turn five-trits-a-byte beats back into row-aligned beats of 2-bit codes, the
// weight feeder that walks the rows of every matrix of a pass, one register stage, this port's
// copy of the activation buffers (qd and qi, GmemBeatsPerEntry banks of gmem-beat words with a
// registered read, so that they map to block RAM and no port reads through another's
// multiplexers) and the ternary accumulate array that turns each row's beats into a row sum.
//
// Contract: a stream command (cmd_*) per pass; pass_start_i starts the feeder over the pass's
// matrices (sizes rows_*_i, beats_*_i); a beat reaches the array only while gate_pass_i (token
// mode: its matrix's activations are written), and fire_o marks each beat taken; the activation
// buffers are written one word at a time (act_wr_*: entry act_wr_addr_i, word act_wr_bank_i of
// the entry); the row sums leave on sum_* (valid/ready). busy_o: the feeder or the stage still
// holds a beat of the pass; stall_o: the feeder waits for a weight beat memory has not yet
// delivered; beat_o: a weight beat arrived from memory; error_o: an AXI error response.
// trit5_i (steady through a pass) selects the encoding of the pass's beats; with trit5 the pass
// is total_segs_i segments and bad_beat_o marks a beat holding a byte value above 242.
module mmfree_weight_port #(
  parameter int unsigned W                 = 512,   // weight beat (bits)
  parameter int unsigned GmemDataWidth     = 512,
  parameter int unsigned CountBits         = 32,
  parameter int unsigned WeightFifoDepth   = 256,
  parameter int unsigned WeightOutstanding = 4,
  parameter int unsigned QdEntries         = 40,    // entries of qd; qi's follow them
  parameter int unsigned ActEntries        = 148,   // entries of qd and qi
  parameter int unsigned BatchLanes        = 1,     // B: activation vectors per beat
  parameter bit          Trit5             = 1'b1,  // build the trit5 decoder and gearbox
  // Derived; not meant to be overridden.
  parameter int unsigned BeatBytes         = W / 8,
  parameter int unsigned Lanes             = W / 2,  // ternary weights per beat
  parameter int unsigned GmemBeatsPerEntry = Lanes / (GmemDataWidth / 8),
  parameter int unsigned ActAddrBits       = $clog2(ActEntries),
  parameter int unsigned WordBits          = GmemBeatsPerEntry > 1 ? $clog2(GmemBeatsPerEntry) : 1,
  parameter int unsigned LaneIdxBits       = BatchLanes > 1 ? $clog2(BatchLanes) : 1
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,

  input  logic                     cmd_valid_i,
  output logic                     cmd_ready_o,
  input  logic [63:0]              cmd_addr_i,
  input  logic [CountBits-1:0]     cmd_beats_i,
  output logic                     error_o,
  output logic                     beat_o,

  output logic                     arvalid_o,
  input  logic                     arready_i,
  output logic [63:0]              araddr_o,
  output logic [7:0]               arlen_o,
  output logic [2:0]               arsize_o,
  output logic [1:0]               arburst_o,
  output logic [3:0]               arcache_o,
  output logic [2:0]               arprot_o,
  input  logic                     rvalid_i,
  output logic                     rready_o,
  input  logic [W-1:0]             rdata_i,
  input  logic [1:0]               rresp_i,
  input  logic                     rlast_i,

  input  logic                     pass_start_i,
  input  logic [CountBits-1:0]     num_layers_i,
  input  logic [CountBits-1:0]     rows_d_i,
  input  logic [CountBits-1:0]     rows_gate_i,
  input  logic [CountBits-1:0]     rows_vocab_i,
  input  logic [CountBits-1:0]     beats_d_i,
  input  logic [CountBits-1:0]     beats_i_i,
  input  logic                     trit5_i,
  input  logic [CountBits-1:0]     total_segs_i,
  input  logic [2:0]               last_segs_d_i,
  input  logic [2:0]               last_segs_i_i,
  output logic                     bad_beat_o,
  input  logic                     gate_pass_i,
  output logic                     fire_o,
  output logic                     busy_o,
  output logic                     stall_o,

  input  logic                     act_wr_i,
  input  logic [ActAddrBits-1:0]   act_wr_addr_i,
  input  logic [WordBits-1:0]      act_wr_bank_i,
  input  logic [LaneIdxBits-1:0]   act_wr_lane_i,
  input  logic [GmemDataWidth-1:0] act_wr_data_i,

  output logic [BatchLanes-1:0]    sum_valid_o,
  input  logic [BatchLanes-1:0]    sum_ready_i,
  output logic [32*BatchLanes-1:0] sum_o
);

  logic                 s_valid, s_ready, s_last;
  logic [W-1:0]         s_data;
  logic                 a_valid, a_ready, a_first, a_last, q_sel, b_ready;
  logic [W-1:0]         a_codes;
  logic [CountBits-1:0] q_index;
  logic [8*Lanes*BatchLanes-1:0] acts;   // lane k's activations at [8*Lanes*k +: 8*Lanes]
  logic [BatchLanes-1:0] lane_ready;
  logic                 feeder_busy;
  // What the feeder takes: the burst engine's beats (2bit) or the gearbox's chunks (trit5).
  logic                 f_valid, f_ready;
  logic [W-1:0]         f_data;
  logic [2:0]           want;

  mmfree_axi_read_streamer #(
    .DataWidth     (W),
    .MaxBurstBeats (4096 / BeatBytes),
    .MaxOutstanding(WeightOutstanding),
    .FifoDepth     (WeightFifoDepth),
    .BeatCountBits (CountBits)
  ) u_stream (
    .clk_i,
    .rst_ni,
    .cmd_valid_i    (cmd_valid_i),
    .cmd_ready_o    (cmd_ready_o),
    .cmd_addr_i     (cmd_addr_i),
    .cmd_beats_i    (cmd_beats_i),
    .data_valid_o   (s_valid),
    .data_ready_i   (s_ready),
    .data_o         (s_data),
    .data_last_o    (s_last),
    .error_o        (error_o),
    .beat_received_o(beat_o),
    .arvalid_o      (arvalid_o),
    .arready_i      (arready_i),
    .araddr_o       (araddr_o),
    .arlen_o        (arlen_o),
    .arsize_o       (arsize_o),
    .arburst_o      (arburst_o),
    .arcache_o      (arcache_o),
    .arprot_o       (arprot_o),
    .rvalid_i       (rvalid_i),
    .rready_o       (rready_o),
    .rdata_i        (rdata_i),
    .rresp_i        (rresp_i),
    .rlast_i        (rlast_i)
  );

  mmfree_weight_feeder #(
    .BeatBits (W),
    .CountBits(CountBits)
  ) u_feeder (
    .clk_i,
    .rst_ni,
    .start_i       (pass_start_i),
    .num_layers_i  (num_layers_i),
    .rows_d_i      (rows_d_i),
    .rows_gate_i   (rows_gate_i),
    .rows_vocab_i  (rows_vocab_i),
    .beats_d_i     (beats_d_i),
    .beats_i_i     (beats_i_i),
    .last_segs_d_i (last_segs_d_i),
    .last_segs_i_i (last_segs_i_i),
    .busy_o        (feeder_busy),
    .want_o        (want),
    .stream_valid_i(f_valid),
    .stream_ready_o(f_ready),
    .stream_data_i (f_data),
    .array_valid_o (a_valid),
    .array_ready_i (b_ready && gate_pass_i),
    .array_first_o (a_first),
    .array_last_o  (a_last),
    .array_codes_o (a_codes),
    .q_sel_o       (q_sel),
    .q_index_o     (q_index),
    .stall_o       (stall_o)
  );

  // trit5: burst engine -> decoder -> gearbox -> feeder. The gearbox takes exactly the pass's
  // segments, so a beat of the next pass stays in the FIFO until its pass starts.
  if (Trit5) begin : gen_trit5
    localparam int unsigned SegBits = W / 4;  // 64 codes of 2 bits: a fifth of a trit5 beat's weights
    logic [5*SegBits-1:0] segments;
    logic                 invalid, g_in_ready, g_valid, g_busy;
    logic [W-1:0]         g_chunk;
    mmfree_trit5_decoder #(
      .Bytes(W / 8)
    ) u_decoder (
      .beat_i    (s_data),
      .segments_o(segments),
      .invalid_o (invalid)
    );
    mmfree_segment_gearbox #(
      .SegBits  (SegBits),
      .CountBits(CountBits)
    ) u_gearbox (
      .clk_i,
      .rst_ni,
      .start_i      (pass_start_i && trit5_i),
      .total_i      (total_segs_i),
      .in_valid_i   (s_valid && trit5_i),
      .in_ready_o   (g_in_ready),
      .in_segments_i(segments),
      .want_i       (want),
      .out_valid_o  (g_valid),
      .out_ready_i  (f_ready && trit5_i),
      .out_chunk_o  (g_chunk),
      .busy_o       (g_busy)
    );
    assign s_ready    = trit5_i ? g_in_ready : f_ready;
    assign f_valid    = trit5_i ? g_valid : s_valid;
    assign f_data     = trit5_i ? g_chunk : s_data;
    assign bad_beat_o = trit5_i && s_valid && g_in_ready && invalid;
    logic unused_g_busy;
    assign unused_g_busy = g_busy;
  end else begin : gen_two_bit
    assign s_ready    = f_ready;
    assign f_valid    = s_valid;
    assign f_data     = s_data;
    assign bad_beat_o = 1'b0;
    logic unused_trit5;
    assign unused_trit5 = ^{trit5_i, total_segs_i, want};
  end

  // One register stage between feeder and array: a beat is taken from the feeder (the port's
  // share in token mode is counted here, array_fire) while this port's activation RAM reads
  // the beat's entry, and the array sees beat and activations together one cycle later. The
  // entry is thus read in the cycle the beat is taken, as the asynchronous buffers were.
  logic                   take, b_valid_q, b_first_q, b_last_q;
  logic [W-1:0]           b_codes_q;
  logic [ActAddrBits-1:0] act_rd_addr;
  assign a_ready       = &lane_ready;
  assign b_ready       = !b_valid_q || a_ready;  // a_ready depends on registered state only
  assign take          = a_valid && b_ready && gate_pass_i;
  assign fire_o = take;
  assign act_rd_addr   = q_sel ? ActAddrBits'(QdEntries) + ActAddrBits'(q_index)
                               : ActAddrBits'(q_index);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)      b_valid_q <= 1'b0;
    else if (b_ready) b_valid_q <= take;
  end

  always_ff @(posedge clk_i) begin
    if (take) begin
      b_first_q <= a_first;
      b_last_q  <= a_last;
      b_codes_q <= a_codes;
    end
  end

  for (genvar l = 0; l < BatchLanes; l++) begin : gen_lane_act
    for (genvar k = 0; k < GmemBeatsPerEntry; k++) begin : gen_act_bank
      mmfree_ram_1r1w #(
        .Width(GmemDataWidth),
        .Depth(ActEntries)
      ) u_act_ram (
        .clk_i,
        .we_i   (act_wr_i && act_wr_bank_i == WordBits'(k) &&
                 (BatchLanes == 1 || act_wr_lane_i == LaneIdxBits'(l))),
        .waddr_i(act_wr_addr_i),
        .wdata_i(act_wr_data_i),
        .re_i   (take),
        .raddr_i(act_rd_addr),
        .rdata_o(acts[8*Lanes*l + GmemDataWidth*k +: GmemDataWidth])
      );
    end
  end

  // A beat still in the stage keeps the port busy: a new pass starts behind it.
  assign busy_o = feeder_busy || b_valid_q;

  // q_index is below the matrix's beats per row, hence below QdEntries / QiEntries whenever
  // d <= MaxHidden, I <= MaxIntermediate (the sequencer refuses larger models): it is used
  // at the RAM's address width.
  logic unused_q_index;
  assign unused_q_index = ^q_index;

  for (genvar l = 0; l < BatchLanes; l++) begin : gen_lane_array
    ternary_accumulate_array #(
      .BeatBits(W)
    ) u_array (
      .clk_i,
      .rst_ni,
      .valid_i(b_valid_q && a_ready),
      .ready_o(lane_ready[l]),
      .first_i(b_first_q),
      .last_i (b_last_q),
      .codes_i(b_codes_q),
      .acts_i (acts[8*Lanes*l +: 8*Lanes]),
      .valid_o(sum_valid_o[l]),
      .ready_i(sum_ready_i[l]),
      .sum_o  (sum_o[32*l +: 32])
    );
  end

  // The feeder knows the row structure; the stream's own last flag is redundant here.
  logic unused_s_last;
  assign unused_s_last = s_last;

endmodule
