// The start-command sequencer of mmfree_kernel (docs/device.md, "One start command"): reads and
// checks the .mmf header and device descriptor over gmem, works out each weight port's share of
// the stream, and runs the command.
//
// Weight-path self-test mode (flags.matvec_selftest): the int8 vectors qd [d] and qi [I] are
// loaded from io into the activation buffers, every weight port streams its whole share once
// through its ternary array, and every row sum of every matrix is written back to io in stream
// order. Token mode: after the checks the command is handed to mmfree_token_engine (token_*
// ports), which owns the memory engines until it reports done.
//
// Weight encodings (the descriptor's weight_encoding, docs/mmf-format.md): 0 = 2-bit codes,
// row_stride bytes a row; 1 = trit5, 64-column segments five to a beat. Bit e of WeightEncodings
// says this build decodes encoding e; any other is status.bad_descriptor. A port's share is
// its rows' bytes (2bit) or ceil(segments / 5) beats (trit5), and a beat with a byte value above
// 242 (weight_bad_i) ends the command's status with bad_descriptor.
module mmfree_sequencer #(
  parameter int unsigned NumWeightPorts  = 1,
  parameter int unsigned MaxHidden       = mmfree_contract_pkg::MaxHidden,
  parameter int unsigned MaxIntermediate = mmfree_contract_pkg::MaxIntermediate,
  parameter int unsigned BatchLanes      = mmfree_contract_pkg::BatchLanes,
  parameter int unsigned DataWidth       = mmfree_contract_pkg::GmemDataWidth,  // gmem beats
  parameter int unsigned CountBits       = 32,
  parameter int unsigned WeightEncodings = 32'b11,  // bit e: decodes weight_encoding e
  // Derived; not meant to be overridden.
  parameter int unsigned BeatBytes       = DataWidth / 8
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,

  // Control slave.
  input  logic                            start_i,
  output logic                            done_o,
  output logic [31:0]                     status_o,
  input  logic [63:0]                     params_i,
  input  logic [63:0]                     io_i,
  input  logic [31:0]                     flags_i,
  input  logic [31:0]                     num_tokens_i,   // token mode's arguments, checked at accept
  input  logic [31:0]                     num_lanes_i,
  input  logic [31:0]                     num_slots_i,
  input  logic [31:0]                     lane_reset_i,
  input  logic [32*BatchLanes-1:0]        lane_slots_i,
  input  logic [64*NumWeightPorts-1:0]    weight_base_i,

  // gmem reads.
  output logic                            rd_cmd_valid_o,
  input  logic                            rd_cmd_ready_i,
  output logic [63:0]                     rd_cmd_addr_o,
  output logic [CountBits-1:0]            rd_cmd_beats_o,
  input  logic                            rd_valid_i,
  output logic                            rd_ready_o,
  input  logic [DataWidth-1:0]            rd_data_i,
  input  logic                            rd_error_i,

  // gmem writes (the data comes from the sum collector).
  output logic                            wr_cmd_valid_o,
  input  logic                            wr_cmd_ready_i,
  output logic [63:0]                     wr_cmd_addr_o,
  output logic [CountBits-1:0]            wr_cmd_beats_o,
  input  logic                            wr_done_i,
  input  logic                            wr_error_i,

  // Weight-port burst engines.
  output logic [NumWeightPorts-1:0]       ws_cmd_valid_o,
  input  logic [NumWeightPorts-1:0]       ws_cmd_ready_i,
  output logic [64*NumWeightPorts-1:0]    ws_cmd_addr_o,
  output logic [CountBits*NumWeightPorts-1:0] ws_cmd_beats_o,
  input  logic [NumWeightPorts-1:0]       ws_error_i,

  // Activation buffers: gmem beat `q_wr_index_o` of qd (sel 0) or qi (sel 1).
  output logic                            q_wr_o,
  output logic                            q_wr_sel_o,
  output logic [CountBits-1:0]            q_wr_index_o,
  output logic [DataWidth-1:0]            q_wr_data_o,

  // Feeders (one per port) and the sum collector.
  output logic                            pass_start_o,
  output logic [CountBits-1:0]            num_layers_o,
  output logic [CountBits-1:0]            hidden_o,        // d
  output logic [CountBits-1:0]            gate_rows_o,     // 2I
  output logic [CountBits-1:0]            vocab_o,         // V
  output logic [CountBits-1:0]            beats_d_o,       // beats per row, d columns
  output logic [CountBits-1:0]            beats_i_o,       // beats per row, I columns
  output logic [CountBits*NumWeightPorts-1:0] port_rows_d_o,
  output logic [CountBits*NumWeightPorts-1:0] port_rows_gate_o,
  output logic [CountBits*NumWeightPorts-1:0] port_rows_vocab_o,
  output logic                            trit5_o,         // the image's weights are trit5
  output logic [CountBits*NumWeightPorts-1:0] port_segments_o,  // trit5: segments of each port's share
  output logic [2:0]                      last_segs_d_o,   // segments in a d-column row's last beat (1..4)
  output logic [2:0]                      last_segs_i_o,   // ... an I-column row's
  input  logic                            weight_bad_i,    // a weight port saw an invalid trit5 byte
  input  logic                            feeders_busy_i,
  input  logic                            collector_busy_i,

  // Performance counters.
  output logic                            counters_clear_o,
  output logic                            gmem_stall_o,

  // Token mode: the device descriptor (image bytes 128 .. 255) and the hand-over to the token engine.
  output mmfree_contract_pkg::desc_t      desc_o,
  output logic                            token_start_o,
  output logic                            token_active_o,
  input  logic                            token_done_i,
  input  logic [31:0]                     token_status_i
);

  localparam int unsigned PortBits = NumWeightPorts > 1 ? $clog2(NumWeightPorts) : 1;
  // The file header (beats 0, 1) and the device descriptor after it, in 512-bit beats.
  localparam int unsigned DescriptorFirstBeat = mmfree_contract_pkg::DescriptorImageOffset / 64;
  localparam int unsigned DescriptorBeats     = DescriptorFirstBeat + mmfree_contract_pkg::DescriptorBytes / 64;

  typedef enum logic [3:0] {
    StIdle, StDescReq, StDescRx, StCheck, StPorts, StQReq, StQRx, StRun, StFinish,
    StTokenStart, StToken
  } state_e;

  state_e state_q, state_d;

  // Latched arguments.
  logic [63:0]                  params_q, io_q;
  logic [31:0]                  flags_q;
  logic [64*NumWeightPorts-1:0] weight_base_q;

  // The file header's identification, and the device descriptor as received (its bytes, 0 in
  // bits 7:0), read through the contract's desc_t.
  logic [63:0]          magic_q;
  logic [31:0]          version_q;
  logic [8*mmfree_contract_pkg::DescriptorBytes-1:0] desc_q;
  mmfree_contract_pkg::desc_t desc;
  assign desc = desc_q;

  // The descriptor fields the checks and the weight pass use.
  logic [CountBits-1:0] hidden_size, num_layers, intermediate_size, vocab_size, row_stride_d, row_stride_i;
  assign hidden_size       = CountBits'(desc.hidden_size);
  assign num_layers        = CountBits'(desc.num_layers);
  assign intermediate_size = CountBits'(desc.intermediate_size);
  assign vocab_size        = CountBits'(desc.vocab_size);
  assign row_stride_d      = CountBits'(desc.row_stride_d);
  assign row_stride_i      = CountBits'(desc.row_stride_i);

  logic [CountBits-1:0] beat_q;   // beats received in the current read
  logic [31:0]          status_q;
  logic [PortBits-1:0]  port_q;   // StPorts: port being worked out
  logic [NumWeightPorts-1:0] ws_pending_q;
  logic                 wr_cmd_pending_q, wr_done_q;

  logic [CountBits*NumWeightPorts-1:0] rows_d_q, rows_gate_q, rows_vocab_q, port_beats_q, port_segs_q;

  // ---------------------------------------------------------------------------------------------
  // Sizes derived from the descriptor.
  // trit5: 64-column segments a row (sd, si); a row's last array beat holds the last 1..4.
  logic                 trit5, encoding_bad;
  logic [CountBits-1:0] sd, si;
  assign trit5        = (desc.weight_encoding == 32'd1);
  assign encoding_bad = (desc.weight_encoding > 32'd31) || !WeightEncodings[desc.weight_encoding[4:0]];
  assign sd           = (hidden_size + CountBits'(63)) >> 6;
  assign si           = (intermediate_size + CountBits'(63)) >> 6;

  logic [CountBits-1:0] sbd, sbi, qd_beats, qi_beats, total_rows, sum_beats;
  // Beats of 256 weights a row as the arrays take it: 2bit, the row's stride; trit5, four
  // 64-column segments a beat (the strides are not read: they follow from d and I).
  assign sbd        = trit5 ? (sd + CountBits'(3)) >> 2 : row_stride_d >> $clog2(BeatBytes);
  assign sbi        = trit5 ? (si + CountBits'(3)) >> 2 : row_stride_i >> $clog2(BeatBytes);
  assign qd_beats   = (hidden_size + CountBits'(BeatBytes - 1)) >> $clog2(BeatBytes);
  assign qi_beats   = (intermediate_size + CountBits'(BeatBytes - 1)) >> $clog2(BeatBytes);
  // Every row of every matrix: L * (4d + 2I + d) + V.
  assign total_rows = num_layers * (5 * hidden_size + 2 * intermediate_size) + vocab_size;
  assign sum_beats  = (total_rows + CountBits'(BeatBytes / 4 - 1)) >> $clog2(BeatBytes / 4);

  // Rows of an n-row matrix that port p holds: those r < n with r mod P == p.
  // (With one port the comparison is constant false, which is right.)
  /* verilator lint_off UNSIGNED */
  function automatic logic [CountBits-1:0] port_rows(input logic [CountBits-1:0] n, input logic [PortBits-1:0] p);
    port_rows = n / CountBits'(NumWeightPorts) +
           CountBits'(CountBits'(p) < n % CountBits'(NumWeightPorts));
  endfunction
  /* verilator lint_on UNSIGNED */

  logic [CountBits-1:0] cur_rows_d, cur_rows_gate, cur_rows_vocab, cur_beats;
  assign cur_rows_d     = port_rows(hidden_size, port_q);
  assign cur_rows_gate  = port_rows(2 * intermediate_size, port_q);
  assign cur_rows_vocab = port_rows(vocab_size, port_q);
  logic [CountBits-1:0] cur_segs, cur_segs_beats;
  logic [63:0]          fifth;
  assign cur_segs       = num_layers * (cur_rows_d * (4 * sd + si) + cur_rows_gate * sd) + cur_rows_vocab * sd;
  // ceil(segments / 5) without a divider: (x + 4) * ceil(2^34 / 5) >> 34, exact for x + 4 < 2^32.
  assign fifth          = (64'(cur_segs) + 64'd4) * 64'hCCCCCCCD;
  assign cur_segs_beats = CountBits'(fifth >> 34);
  assign cur_beats      = trit5 ? cur_segs_beats
                                : num_layers * (cur_rows_d * (4 * sbd + sbi) + cur_rows_gate * sbd) +
                                  cur_rows_vocab * sbd;

  logic descriptor_bad, too_large;
  assign descriptor_bad = (magic_q != mmfree_contract_pkg::ImageMagic) ||
                          (version_q != mmfree_contract_pkg::ImageFormatVersion) ||
                          (hidden_size == '0) || (num_layers == '0) ||
                          (intermediate_size == '0) || (vocab_size == '0) ||
                          (row_stride_d == '0) || (row_stride_i == '0) ||
                          (row_stride_d[$clog2(BeatBytes)-1:0] != '0) ||
                          (row_stride_i[$clog2(BeatBytes)-1:0] != '0) ||
                          (hidden_size < CountBits'(NumWeightPorts)) || encoding_bad;
  assign too_large      = (hidden_size > CountBits'(MaxHidden)) ||
                          (intermediate_size > CountBits'(MaxIntermediate));

  // ---------------------------------------------------------------------------------------------
  // Token mode's arguments, checked when the start is accepted (before any memory is read or
  // written; the self-test does not use them), as docs/device.md orders them: no passes, no
  // lanes or more than this build has (bad_arguments, nothing else checked); else, over the K
  // lanes, a slot beyond num_slots or a slot named again by a lane not adjacent to its chain
  // (bad_slot) and a lane_reset bit on a lane that continues a chain (bad_arguments), both
  // reported when both apply.
  logic count_bad, chain_reset_bad, slot_bad, args_bad;
  always_comb begin
    count_bad       = (num_tokens_i == '0) || (num_lanes_i == '0) || (num_lanes_i > 32'(BatchLanes));
    chain_reset_bad = 1'b0;
    slot_bad        = 1'b0;
    for (int unsigned k = 0; k < BatchLanes; k++) begin
      if (32'(k) < num_lanes_i) begin
        if (lane_slots_i[32*k +: 32] >= num_slots_i) slot_bad = 1'b1;
        if (k > 0) begin
          if (lane_slots_i[32*k +: 32] == lane_slots_i[32*(k-1) +: 32]) begin
            if (lane_reset_i[k]) chain_reset_bad = 1'b1;
          end else begin
            for (int unsigned j = 0; j + 1 < k; j++) begin
              if (lane_slots_i[32*j +: 32] == lane_slots_i[32*k +: 32]) slot_bad = 1'b1;
            end
          end
        end
      end
    end
    args_bad = count_bad || chain_reset_bad;
  end
  logic token_mode_bad;
  assign token_mode_bad = !flags_i[mmfree_reg_pkg::FlagsMatvecSelftestBit] && (args_bad || slot_bad);

  // ---------------------------------------------------------------------------------------------
  logic rd_fire;
  assign rd_fire = rd_valid_i && rd_ready_o;

  always_comb begin
    state_d = state_q;
    unique case (state_q)
      StIdle:    if (start_i) state_d = token_mode_bad ? StFinish : StDescReq;
      StDescReq: if (rd_cmd_ready_i) state_d = StDescRx;
      StDescRx:  if (rd_fire && beat_q == CountBits'(DescriptorBeats - 1)) state_d = StCheck;
      StCheck: begin
        if (rd_error_i || descriptor_bad || too_large) state_d = StFinish;
        else state_d = StPorts;
      end
      StPorts: begin
        if (32'(port_q) == NumWeightPorts - 1) begin
          state_d = flags_q[mmfree_reg_pkg::FlagsMatvecSelftestBit] ? StQReq : StTokenStart;
        end
      end
      StTokenStart: state_d = StToken;
      StToken:   if (token_done_i) state_d = StFinish;
      StQReq:    if (rd_cmd_ready_i) state_d = StQRx;
      StQRx:     if (rd_fire && beat_q == qd_beats + qi_beats - 1'b1) state_d = StRun;
      StRun: begin
        if (ws_pending_q == '0 && !wr_cmd_pending_q && wr_done_q &&
            !feeders_busy_i && !collector_busy_i) begin
          state_d = StFinish;
        end
      end
      StFinish:  state_d = StIdle;
      default:   state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q          <= StIdle;
      params_q         <= '0;
      io_q             <= '0;
      flags_q          <= '0;
      weight_base_q    <= '0;
      magic_q          <= '0;
      version_q        <= '0;
      beat_q           <= '0;
      desc_q           <= '0;
      status_q         <= '0;
      port_q           <= '0;
      ws_pending_q     <= '0;
      wr_cmd_pending_q <= 1'b0;
      wr_done_q        <= 1'b0;
      rows_d_q         <= '0;
      rows_gate_q      <= '0;
      rows_vocab_q     <= '0;
      port_beats_q     <= '0;
      port_segs_q      <= '0;
    end else begin
      state_q <= state_d;
      unique case (state_q)
        StIdle: begin
          if (start_i) begin
            params_q      <= params_i;
            io_q          <= io_i;
            flags_q       <= flags_i;
            weight_base_q <= weight_base_i;
            status_q      <= '0;
            if (!flags_i[mmfree_reg_pkg::FlagsMatvecSelftestBit]) begin
              status_q[mmfree_reg_pkg::StatusBadArgumentsBit] <= count_bad || chain_reset_bad;
              status_q[mmfree_reg_pkg::StatusBadSlotBit]      <= !count_bad && slot_bad;
            end
            beat_q        <= '0;
          end
        end
        StDescRx: begin
          if (rd_fire) begin
            beat_q <= beat_q + 1'b1;
            if (beat_q == CountBits'(0)) begin
              magic_q   <= rd_data_i[63:0];
              version_q <= rd_data_i[95:64];
            end
            for (int unsigned b = DescriptorFirstBeat; b < DescriptorBeats; b++) begin
              if (beat_q == CountBits'(b)) desc_q[512*(b-DescriptorFirstBeat) +: 512] <= rd_data_i[511:0];
            end
          end
        end
        StCheck: begin
          status_q[mmfree_reg_pkg::StatusAxiErrorBit]       <= rd_error_i;
          status_q[mmfree_reg_pkg::StatusBadDescriptorBit]  <= !rd_error_i && descriptor_bad;
          status_q[mmfree_reg_pkg::StatusTooLargeBit]       <= !rd_error_i && !descriptor_bad && too_large;
          port_q <= '0;
        end
        StPorts: begin
          rows_d_q[CountBits*port_q +: CountBits]     <= cur_rows_d;
          rows_gate_q[CountBits*port_q +: CountBits]  <= cur_rows_gate;
          rows_vocab_q[CountBits*port_q +: CountBits] <= cur_rows_vocab;
          port_beats_q[CountBits*port_q +: CountBits] <= cur_beats;
          port_segs_q[CountBits*port_q +: CountBits]  <= cur_segs;
          port_q <= port_q + 1'b1;
          beat_q <= '0;
        end
        StQRx: begin
          if (rd_fire) beat_q <= beat_q + 1'b1;
          if (state_d == StRun) begin
            // Everything for the pass is known: hand out the commands.
            ws_pending_q     <= '1;
            wr_cmd_pending_q <= 1'b1;
            wr_done_q        <= 1'b0;
          end
        end
        StRun: begin
          ws_pending_q <= ws_pending_q & ~ws_cmd_ready_i;
          if (wr_cmd_ready_i) wr_cmd_pending_q <= 1'b0;
          if (wr_done_i) begin
            wr_done_q <= 1'b1;
            if (wr_error_i) status_q[mmfree_reg_pkg::StatusAxiErrorBit] <= 1'b1;
          end
          if (rd_error_i) status_q[mmfree_reg_pkg::StatusAxiErrorBit] <= 1'b1;
          if (state_d == StFinish && (|ws_error_i)) status_q[mmfree_reg_pkg::StatusAxiErrorBit] <= 1'b1;
          if (weight_bad_i) status_q[mmfree_reg_pkg::StatusBadDescriptorBit] <= 1'b1;
        end
        StToken: begin
          if (token_done_i) status_q <= status_q | token_status_i;
          if (weight_bad_i) status_q[mmfree_reg_pkg::StatusBadDescriptorBit] <= 1'b1;
        end
        default: ;
      endcase
    end
  end

  // ---------------------------------------------------------------------------------------------
  // gmem read commands: the 256 header bytes, then qd and qi (contiguous at the start of io).
  always_comb begin
    rd_cmd_valid_o = 1'b0;
    rd_cmd_addr_o  = params_q;
    rd_cmd_beats_o = CountBits'(DescriptorBeats);
    if (state_q == StDescReq) rd_cmd_valid_o = 1'b1;
    if (state_q == StQReq) begin
      rd_cmd_valid_o = 1'b1;
      rd_cmd_addr_o  = io_q;
      rd_cmd_beats_o = qd_beats + qi_beats;
    end
  end
  assign rd_ready_o = (state_q == StDescRx) || (state_q == StQRx);

  assign q_wr_o       = (state_q == StQRx) && rd_fire;
  assign q_wr_sel_o   = (beat_q >= qd_beats);
  assign q_wr_index_o = (beat_q >= qd_beats) ? beat_q - qd_beats : beat_q;
  assign q_wr_data_o  = rd_data_i;

  // The sums follow qd and qi in io.
  assign wr_cmd_valid_o = (state_q == StRun) && wr_cmd_pending_q;
  assign wr_cmd_addr_o  = io_q + (64'(qd_beats) + 64'(qi_beats)) * 64'(BeatBytes);
  assign wr_cmd_beats_o = sum_beats;

  always_comb begin
    for (int unsigned p = 0; p < NumWeightPorts; p++) begin
      ws_cmd_valid_o[p]                    = (state_q == StRun) && ws_pending_q[p];
      ws_cmd_addr_o[64*p +: 64]            = weight_base_q[64*p +: 64];
      ws_cmd_beats_o[CountBits*p +: CountBits] = port_beats_q[CountBits*p +: CountBits];
    end
  end

  assign pass_start_o      = (state_q == StQRx) && (state_d == StRun);
  assign num_layers_o      = num_layers;
  assign hidden_o          = hidden_size;
  assign gate_rows_o       = 2 * intermediate_size;
  assign vocab_o           = vocab_size;
  assign beats_d_o         = sbd;
  assign beats_i_o         = sbi;
  assign port_rows_d_o     = rows_d_q;
  assign port_rows_gate_o  = rows_gate_q;
  assign port_rows_vocab_o = rows_vocab_q;
  assign trit5_o           = trit5;
  assign port_segments_o   = port_segs_q;
  assign last_segs_d_o     = 3'(((sd - 1'b1) & CountBits'(3)) + 1'b1);
  assign last_segs_i_o     = 3'(((si - 1'b1) & CountBits'(3)) + 1'b1);

  assign done_o           = (state_q == StFinish);
  assign status_o         = status_q;
  assign counters_clear_o = (state_q == StIdle) && start_i;
  assign gmem_stall_o     = ((state_q == StDescRx) || (state_q == StQRx)) && !rd_valid_i;

  assign desc_o         = desc;
  assign token_start_o  = (state_q == StTokenStart);
  assign token_active_o = (state_q == StTokenStart) || (state_q == StToken);

  // -------------------------------------------------------------------------------------------
  // Assertions: simulation only (Yosys defines SYNTHESIS; Vivado skips translate_off).
`ifndef SYNTHESIS
  // pragma translate_off
  // Commands to the memory engines are valid/ready: held, unchanged, until accepted.
  RdCmdHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rd_cmd_valid_o && !rd_cmd_ready_i |=> rd_cmd_valid_o && $stable({rd_cmd_addr_o, rd_cmd_beats_o}))
    else $error("mmfree_sequencer: gmem read command withdrawn or changed before accepted");
  WrCmdHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wr_cmd_valid_o && !wr_cmd_ready_i |=> wr_cmd_valid_o && $stable({wr_cmd_addr_o, wr_cmd_beats_o}))
    else $error("mmfree_sequencer: gmem write command withdrawn or changed before accepted");
  for (genvar p = 0; p < NumWeightPorts; p++) begin : gen_sva_port
    WsCmdHeld_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
        ws_cmd_valid_o[p] && !ws_cmd_ready_i[p] |=> ws_cmd_valid_o[p] &&
          $stable({ws_cmd_addr_o[64*p +: 64], ws_cmd_beats_o[CountBits*p +: CountBits]}))
      else $error("mmfree_sequencer: weight command of port %0d withdrawn or changed before accepted", p);
  end
  // done_o is the one-cycle completion pulse the control slave expects.
  DonePulse_A: assert property (@(posedge clk_i) disable iff (!rst_ni) done_o |=> !done_o)
    else $error("mmfree_sequencer: done_o high for more than one cycle");
  HandshakeKnown_A: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !$isunknown({rd_cmd_valid_o, rd_ready_o, wr_cmd_valid_o, ws_cmd_valid_o, done_o, token_start_o}))
    else $error("mmfree_sequencer: X on a valid, ready, done or start after reset");
  // pragma translate_on
`endif

endmodule
