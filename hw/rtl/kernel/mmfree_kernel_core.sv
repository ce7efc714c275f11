// Everything of mmfree_kernel behind its Vitis port names: the control slave, the sequencer,
// the gmem read/write engines, one burst engine + feeder + ternary accumulate array per weight
// port, the activation buffers, the sum collector and the performance counters. The weight
// ports arrive here as packed vectors (port p at [p], [64p +: 64], [DataWidth*p +: DataWidth]);
// the generated top mmfree_kernel gives each its m_axi_wNN_* name.
module mmfree_kernel_core #(
  parameter int unsigned NumWeightPorts    = mmfree_contract_pkg::NumWeightPorts,
  parameter int unsigned WeightDataWidth   = mmfree_contract_pkg::WeightDataWidth,
  parameter int unsigned GmemDataWidth     = mmfree_contract_pkg::GmemDataWidth,
  parameter int unsigned MaxHidden         = mmfree_contract_pkg::MaxHidden,
  parameter int unsigned MaxIntermediate   = mmfree_contract_pkg::MaxIntermediate,
  parameter int unsigned WeightFifoDepth   = mmfree_contract_pkg::WeightFifoDepth,    // beats, power of two
  parameter int unsigned WeightOutstanding = mmfree_contract_pkg::WeightOutstanding,  // bursts in flight per port
  parameter int unsigned BatchLanes        = mmfree_contract_pkg::BatchLanes,         // B: lanes per weight beat
  parameter int unsigned WeightEncodings   = 32'b11,  // bit e: decodes weight_encoding e (0 2bit, 1 trit5)
  // Derived; not meant to be overridden.
  parameter int unsigned P  = NumWeightPorts,
  parameter int unsigned W  = WeightDataWidth,
  parameter int unsigned AW = mmfree_reg_pkg::RegAddrWidth
) (
  input  logic              clk_i,
  input  logic              rst_ni,

  // AXI4-Lite control slave.
  input  logic              ctl_awvalid_i,
  output logic              ctl_awready_o,
  input  logic [AW-1:0]     ctl_awaddr_i,
  input  logic              ctl_wvalid_i,
  output logic              ctl_wready_o,
  input  logic [31:0]       ctl_wdata_i,
  input  logic [3:0]        ctl_wstrb_i,
  output logic              ctl_bvalid_o,
  input  logic              ctl_bready_i,
  output logic [1:0]        ctl_bresp_o,
  input  logic              ctl_arvalid_i,
  output logic              ctl_arready_o,
  input  logic [AW-1:0]     ctl_araddr_i,
  output logic              ctl_rvalid_o,
  input  logic              ctl_rready_i,
  output logic [31:0]       ctl_rdata_o,
  output logic [1:0]        ctl_rresp_o,
  output logic              interrupt_o,

  // gmem: AXI4 master, read and write.
  output logic              gm_awvalid_o,
  input  logic              gm_awready_i,
  output logic [63:0]       gm_awaddr_o,
  output logic [7:0]        gm_awlen_o,
  output logic [2:0]        gm_awsize_o,
  output logic [1:0]        gm_awburst_o,
  output logic [3:0]        gm_awcache_o,
  output logic [2:0]        gm_awprot_o,
  output logic              gm_wvalid_o,
  input  logic              gm_wready_i,
  output logic [GmemDataWidth-1:0]   gm_wdata_o,
  output logic [GmemDataWidth/8-1:0] gm_wstrb_o,
  output logic              gm_wlast_o,
  input  logic              gm_bvalid_i,
  output logic              gm_bready_o,
  input  logic [1:0]        gm_bresp_i,
  output logic              gm_arvalid_o,
  input  logic              gm_arready_i,
  output logic [63:0]       gm_araddr_o,
  output logic [7:0]        gm_arlen_o,
  output logic [2:0]        gm_arsize_o,
  output logic [1:0]        gm_arburst_o,
  output logic [3:0]        gm_arcache_o,
  output logic [2:0]        gm_arprot_o,
  input  logic              gm_rvalid_i,
  output logic              gm_rready_o,
  input  logic [GmemDataWidth-1:0] gm_rdata_i,
  input  logic [1:0]        gm_rresp_i,
  input  logic              gm_rlast_i,

  // Weight ports: AXI4 masters, read only, packed.
  output logic [P-1:0]      wt_arvalid_o,
  input  logic [P-1:0]      wt_arready_i,
  output logic [64*P-1:0]   wt_araddr_o,
  output logic [8*P-1:0]    wt_arlen_o,
  output logic [3*P-1:0]    wt_arsize_o,
  output logic [2*P-1:0]    wt_arburst_o,
  output logic [4*P-1:0]    wt_arcache_o,
  output logic [3*P-1:0]    wt_arprot_o,
  input  logic [P-1:0]      wt_rvalid_i,
  output logic [P-1:0]      wt_rready_o,
  input  logic [W*P-1:0]    wt_rdata_i,
  input  logic [2*P-1:0]    wt_rresp_i,
  input  logic [P-1:0]      wt_rlast_i
);

  localparam int unsigned CountBits   = 32;
  localparam int unsigned BeatBytes   = W / 8;
  localparam int unsigned Lanes       = W / 2;              // ternary weights per beat
  localparam int unsigned GmemBeatsPerEntry = Lanes / (GmemDataWidth / 8);  // int8 acts
  localparam int unsigned QdBeats     = (MaxHidden + GmemDataWidth / 8 - 1) / (GmemDataWidth / 8);
  localparam int unsigned QiBeats     = (MaxIntermediate + GmemDataWidth / 8 - 1) / (GmemDataWidth / 8);
  localparam int unsigned QdEntries   = (QdBeats + GmemBeatsPerEntry - 1) / GmemBeatsPerEntry;
  localparam int unsigned QiEntries   = (QiBeats + GmemBeatsPerEntry - 1) / GmemBeatsPerEntry;
  localparam int unsigned IncBits     = 24;   // ternary_ops: up to 32 ports x 256 weights x 16 lanes a cycle
  localparam int unsigned LaneIdxBits = BatchLanes > 1 ? $clog2(BatchLanes) : 1;

  // The shell streams weights and gmem in the same beat size; other widths are not built yet.
  if (W != 512 || GmemDataWidth != 512) begin : gen_width_check
    $error("mmfree_kernel_core: WeightDataWidth and GmemDataWidth must be 512 in this version");
  end

  // ---------------------------------------------------------------------------------------------
  // Control slave.
  logic        start, done;
  logic [31:0] status;
  logic [63:0] arg_params, arg_state, arg_io;
  logic [31:0] arg_num_tokens, arg_num_lanes, arg_flags, arg_num_slots, arg_lane_reset;
  logic [32*BatchLanes-1:0] arg_lane_slots;
  logic [64*P-1:0] arg_weight_base;
  logic [64*mmfree_reg_pkg::NumCounters-1:0] counters;
  logic [64*P-1:0]           port_bytes;

  mmfree_control_slave #(
    .NumWeightPorts(P), .WeightDataWidth(W), .MaxHidden(MaxHidden),
    .MaxIntermediate(MaxIntermediate), .BatchLanes(BatchLanes)
  ) u_control (
    .clk_i, .rst_ni, .awvalid_i(ctl_awvalid_i), .awready_o(ctl_awready_o), .awaddr_i(ctl_awaddr_i),
    .wvalid_i(ctl_wvalid_i), .wready_o(ctl_wready_o), .wdata_i(ctl_wdata_i), .wstrb_i(ctl_wstrb_i),
    .bvalid_o(ctl_bvalid_o), .bready_i(ctl_bready_i), .bresp_o(ctl_bresp_o),
    .arvalid_i(ctl_arvalid_i), .arready_o(ctl_arready_o), .araddr_i(ctl_araddr_i),
    .rvalid_o(ctl_rvalid_o), .rready_i(ctl_rready_i), .rdata_o(ctl_rdata_o), .rresp_o(ctl_rresp_o),
    .interrupt_o, .start_o(start), .done_i(done), .status_i(status), .params_o(arg_params),
    .state_o(arg_state), .io_o(arg_io), .num_tokens_o(arg_num_tokens),
    .num_lanes_o(arg_num_lanes), .flags_o(arg_flags), .num_slots_o(arg_num_slots),
    .lane_reset_o(arg_lane_reset), .lane_slots_o(arg_lane_slots), .weight_base_o(arg_weight_base),
    .counters_i(counters), .port_bytes_i(port_bytes)
  );

  // Token mode reads these arguments; like the others they are taken once, at the start (the
  // sequencer checks them in that cycle: num_slots is not needed after it).
  logic [63:0] state_q;
  logic [31:0] num_tokens_q, num_lanes_q, lane_reset_q;
  logic [32*BatchLanes-1:0] lane_slots_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q      <= '0;
      num_tokens_q <= '0;
      num_lanes_q  <= '0;
      lane_reset_q <= '0;
      lane_slots_q <= '0;
      arg_params_q <= '0;
      arg_io_q     <= '0;
      arg_flags_q  <= '0;
    end else if (start && !running_q) begin
      arg_params_q <= arg_params;
      arg_io_q     <= arg_io;
      arg_flags_q  <= arg_flags;
      state_q      <= arg_state;
      num_tokens_q <= arg_num_tokens;
      num_lanes_q  <= arg_num_lanes;
      lane_reset_q <= arg_lane_reset;
      lane_slots_q <= arg_lane_slots;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // gmem engines.
  logic                 running_q;  // accept .. done (the cycles counter)
  logic                 rd_cmd_valid, rd_cmd_ready, rd_valid, rd_ready, rd_error, rd_beat;
  logic [63:0]          rd_cmd_addr;
  logic [CountBits-1:0] rd_cmd_beats;
  logic [GmemDataWidth-1:0] rd_data;
  logic                 rd_last;

  mmfree_axi_read_streamer #(
    .DataWidth(GmemDataWidth), .MaxBurstBeats(64), .MaxOutstanding(2),
    .FifoDepth     (128),  // two 64-beat vectors: the next read is requested while one arrives
    .BeatCountBits(CountBits)
  ) u_gmem_read (
    .clk_i, .rst_ni, .cmd_valid_i(rd_cmd_valid), .cmd_ready_o(rd_cmd_ready),
    .cmd_addr_i(rd_cmd_addr), .cmd_beats_i(rd_cmd_beats), .data_valid_o(rd_valid),
    .data_ready_i(rd_ready), .data_o(rd_data), .data_last_o(rd_last), .error_o(rd_error),
    .beat_received_o(rd_beat), .arvalid_o(gm_arvalid_o), .arready_i(gm_arready_i),
    .araddr_o(gm_araddr_o), .arlen_o(gm_arlen_o), .arsize_o(gm_arsize_o), .arburst_o(gm_arburst_o),
    .arcache_o(gm_arcache_o), .arprot_o(gm_arprot_o), .rvalid_i(gm_rvalid_i),
    .rready_o(gm_rready_o), .rdata_i(gm_rdata_i), .rresp_i(gm_rresp_i), .rlast_i(gm_rlast_i)
  );

  logic                 wr_cmd_valid, wr_cmd_ready, wr_done, wr_error;
  logic [63:0]          wr_cmd_addr;
  logic [CountBits-1:0] wr_cmd_beats;
  logic                 wr_in_valid, wr_in_ready;
  logic [GmemDataWidth-1:0]   wr_in_data;
  logic [GmemDataWidth/8-1:0] wr_in_strb;

  mmfree_axi_write_master #(
    .DataWidth(GmemDataWidth), .MaxBurstBeats(64), .BeatCountBits(CountBits)
  ) u_gmem_write (
    .clk_i, .rst_ni, .cmd_valid_i(wr_cmd_valid), .cmd_ready_o(wr_cmd_ready),
    .cmd_addr_i(wr_cmd_addr), .cmd_beats_i(wr_cmd_beats), .in_valid_i(wr_in_valid),
    .in_ready_o(wr_in_ready), .in_data_i(wr_in_data), .in_strb_i(wr_in_strb), .done_o(wr_done),
    .error_o(wr_error), .awvalid_o(gm_awvalid_o), .awready_i(gm_awready_i), .awaddr_o(gm_awaddr_o),
    .awlen_o(gm_awlen_o), .awsize_o(gm_awsize_o), .awburst_o(gm_awburst_o),
    .awcache_o(gm_awcache_o), .awprot_o(gm_awprot_o), .wvalid_o(gm_wvalid_o),
    .wready_i(gm_wready_i), .wdata_o(gm_wdata_o), .wstrb_o(gm_wstrb_o), .wlast_o(gm_wlast_o),
    .bvalid_i(gm_bvalid_i), .bready_o(gm_bready_o), .bresp_i(gm_bresp_i)
  );

  // ---------------------------------------------------------------------------------------------
  // Sequencer.
  logic [P-1:0]             ws_cmd_valid, ws_cmd_ready, ws_error;
  logic [64*P-1:0]          ws_cmd_addr;
  logic [CountBits*P-1:0]   ws_cmd_beats;
  logic                     q_wr, q_wr_sel;
  logic [CountBits-1:0]     q_wr_index;
  logic [GmemDataWidth-1:0] q_wr_data;
  logic                     pass_start, feeders_busy, collector_busy, counters_clear, gmem_stall;
  logic                     seq_rd_cmd_valid, seq_rd_ready, seq_wr_cmd_valid, seq_q_wr, seq_q_wr_sel, seq_pass_start;
  logic [63:0]              seq_rd_cmd_addr, seq_wr_cmd_addr;
  logic [CountBits-1:0]     seq_rd_cmd_beats, seq_wr_cmd_beats, seq_q_wr_index;
  logic [GmemDataWidth-1:0] seq_q_wr_data;
  logic [P-1:0]             seq_ws_cmd_valid;
  mmfree_contract_pkg::desc_t descriptor;
  logic                     token_start, token_active, token_done, token_completed;
  logic [31:0]              token_status;
  logic                     tok_rd_cmd_valid, tok_rd_ready, tok_wr_cmd_valid, tok_wr_in_valid, tok_wr_in_ready;
  logic                     tok_q_wr, tok_q_wr_sel, tok_pass_start;
  logic [63:0]              tok_rd_cmd_addr, tok_wr_cmd_addr;
  logic [CountBits-1:0]     tok_rd_cmd_beats, tok_wr_cmd_beats, tok_q_wr_index;
  logic [GmemDataWidth-1:0] tok_q_wr_data, tok_wr_in_data;
  logic [GmemDataWidth/8-1:0] tok_wr_in_strb;
  logic [P-1:0]             tok_ws_cmd_valid, gate_open;
  logic [P*BatchLanes-1:0]  tok_sum_ready;   // lane k, port p at [k*P + p] (as lane_sum_*)
  logic [LaneIdxBits-1:0]   tok_q_wr_lane;
  logic [63:0]              arg_params_q, arg_io_q;
  logic [31:0]              arg_flags_q;
  logic [CountBits-1:0]     num_layers, hidden, gate_rows, vocab, beats_d, beats_i;
  logic [CountBits*P-1:0]   port_rows_d, port_rows_gate, port_rows_vocab;
  // Weight encoding of the command (mmfree_sequencer): trit5 segments of each port's share.
  logic                     trit5, weight_bad;
  logic [CountBits*P-1:0]   port_segments;
  logic [2:0]               last_segs_d, last_segs_i;
  logic [P-1:0]             port_bad_beat;
  assign weight_bad = |port_bad_beat;

  mmfree_sequencer #(
    .NumWeightPorts(P), .MaxHidden(MaxHidden), .MaxIntermediate(MaxIntermediate),
    .BatchLanes(BatchLanes), .DataWidth(GmemDataWidth), .CountBits(CountBits),
    .WeightEncodings(WeightEncodings)
  ) u_sequencer (
    .clk_i, .rst_ni, .start_i(start), .done_o(done), .status_o(status), .params_i(arg_params),
    .io_i(arg_io), .flags_i(arg_flags), .num_tokens_i(arg_num_tokens), .num_lanes_i(arg_num_lanes),
    .num_slots_i(arg_num_slots), .lane_reset_i(arg_lane_reset), .lane_slots_i(arg_lane_slots),
    .weight_base_i(arg_weight_base),
    .rd_cmd_valid_o(seq_rd_cmd_valid), .rd_cmd_ready_i(rd_cmd_ready),
    .rd_cmd_addr_o(seq_rd_cmd_addr), .rd_cmd_beats_o(seq_rd_cmd_beats), .rd_valid_i(rd_valid),
    .rd_ready_o(seq_rd_ready), .rd_data_i(rd_data), .rd_error_i(rd_error),
    .wr_cmd_valid_o(seq_wr_cmd_valid), .wr_cmd_ready_i(wr_cmd_ready),
    .wr_cmd_addr_o(seq_wr_cmd_addr), .wr_cmd_beats_o(seq_wr_cmd_beats), .wr_done_i(wr_done),
    .wr_error_i(wr_error), .ws_cmd_valid_o(seq_ws_cmd_valid), .ws_cmd_ready_i(ws_cmd_ready),
    .ws_cmd_addr_o(ws_cmd_addr), .ws_cmd_beats_o(ws_cmd_beats), .ws_error_i(ws_error),
    .q_wr_o(seq_q_wr), .q_wr_sel_o(seq_q_wr_sel), .q_wr_index_o(seq_q_wr_index),
    .q_wr_data_o(seq_q_wr_data), .pass_start_o(seq_pass_start), .num_layers_o(num_layers),
    .hidden_o(hidden), .gate_rows_o(gate_rows), .vocab_o(vocab), .beats_d_o(beats_d),
    .beats_i_o(beats_i), .port_rows_d_o(port_rows_d), .port_rows_gate_o(port_rows_gate),
    .port_rows_vocab_o(port_rows_vocab), .trit5_o(trit5), .port_segments_o(port_segments),
    .last_segs_d_o(last_segs_d), .last_segs_i_o(last_segs_i), .weight_bad_i(weight_bad),
    .feeders_busy_i(feeders_busy),
    .collector_busy_i(collector_busy), .counters_clear_o(counters_clear), .gmem_stall_o(gmem_stall),
    .desc_o(descriptor), .token_start_o(token_start), .token_active_o(token_active),
    .token_done_i(token_done), .token_status_i(token_status)
  );

  // ---------------------------------------------------------------------------------------------
  // Token mode: the token engine drives the memory engines, stream commands, activation writes
  // and feeder starts while the sequencer has handed it the command.
  mmfree_token_engine #(
    .NumWeightPorts(P), .MaxHidden(MaxHidden), .MaxIntermediate(MaxIntermediate),
    .BatchLanes(BatchLanes), .DataWidth(GmemDataWidth), .CountBits(CountBits)
  ) u_token (
    .clk_i, .rst_ni, .start_i(token_start), .done_o(token_done), .status_o(token_status),
    .token_done_o(token_completed), .params_i(arg_params_q), .state_i(state_q), .io_i(arg_io_q),
    .num_tokens_i(num_tokens_q), .num_lanes_i(num_lanes_q), .lane_reset_i(lane_reset_q),
    .lane_slots_i(lane_slots_q), .flags_i(arg_flags_q),
    .desc_i(descriptor), .beats_d_i(beats_d), .beats_i_i(beats_i), .port_rows_d_i(port_rows_d),
    .port_rows_gate_i(port_rows_gate), .port_rows_vocab_i(port_rows_vocab),
    .rd_cmd_valid_o(tok_rd_cmd_valid), .rd_cmd_ready_i(rd_cmd_ready),
    .rd_cmd_addr_o(tok_rd_cmd_addr), .rd_cmd_beats_o(tok_rd_cmd_beats), .rd_valid_i(rd_valid),
    .rd_ready_o(tok_rd_ready), .rd_data_i(rd_data), .rd_error_i(rd_error),
    .wr_cmd_valid_o(tok_wr_cmd_valid), .wr_cmd_ready_i(wr_cmd_ready),
    .wr_cmd_addr_o(tok_wr_cmd_addr), .wr_cmd_beats_o(tok_wr_cmd_beats),
    .wr_in_valid_o(tok_wr_in_valid), .wr_in_ready_i(tok_wr_in_ready), .wr_in_data_o(tok_wr_in_data),
    .wr_in_strb_o(tok_wr_in_strb), .wr_done_i(wr_done), .wr_error_i(wr_error),
    .ws_cmd_valid_o(tok_ws_cmd_valid), .ws_cmd_ready_i(ws_cmd_ready), .ws_error_i(ws_error),
    .pass_start_o(tok_pass_start), .feeders_busy_i(feeders_busy), .gate_open_o(gate_open),
    .array_fire_i(array_fire), .sum_valid_i(lane_sum_valid), .sum_ready_o(tok_sum_ready),
    .sum_i(lane_sums), .q_wr_lane_o(tok_q_wr_lane),
    .q_wr_o(tok_q_wr), .q_wr_sel_o(tok_q_wr_sel), .q_wr_index_o(tok_q_wr_index),
    .q_wr_data_o(tok_q_wr_data)
  );

  assign ws_cmd_valid = token_active ? tok_ws_cmd_valid : seq_ws_cmd_valid;
  assign q_wr         = token_active ? tok_q_wr         : seq_q_wr;
  assign q_wr_sel     = token_active ? tok_q_wr_sel     : seq_q_wr_sel;
  assign q_wr_index   = token_active ? tok_q_wr_index   : seq_q_wr_index;
  assign q_wr_data    = token_active ? tok_q_wr_data    : seq_q_wr_data;
  assign pass_start   = seq_pass_start || tok_pass_start;

  // rd_last: the sequencer counts beats itself.
  logic unused_rd_last;
  assign unused_rd_last = rd_last;

  // ---------------------------------------------------------------------------------------------
  // Activation buffers: qd (d-long) and qi (I-long) int8 vectors, written one gmem beat (word)
  // at a time; an array beat of Lanes activations is GmemBeatsPerEntry consecutive words (an
  // entry). Each weight port has its own copy (gen_port below) with a registered read, so the
  // buffers map to block RAM and no port reads through another's multiplexers: word k of every
  // entry lives in bank k, qd's entries at addresses [0, QdEntries), qi's after them.
  localparam int unsigned ActEntries = QdEntries + QiEntries;
  localparam int unsigned ActAddrBits = $clog2(ActEntries);
  localparam int unsigned WordBits   = $clog2(GmemBeatsPerEntry);

  logic                   act_wr;
  logic [ActAddrBits-1:0] act_wr_addr;
  logic [WordBits-1:0]    act_wr_bank;
  logic [CountBits-1:0]   act_wr_entry;
  assign act_wr_entry = q_wr_index / CountBits'(GmemBeatsPerEntry);
  assign act_wr_bank  = WordBits'(q_wr_index % CountBits'(GmemBeatsPerEntry));
  // Words past a buffer's end are dropped, as before (the sequencer refuses such models).
  assign act_wr = q_wr && (q_wr_sel ? q_wr_index < CountBits'(QiEntries * GmemBeatsPerEntry)
                                    : q_wr_index < CountBits'(QdEntries * GmemBeatsPerEntry));
  assign act_wr_addr = q_wr_sel ? ActAddrBits'(QdEntries) + ActAddrBits'(act_wr_entry)
                                : ActAddrBits'(act_wr_entry);

  // The upper bits of the write entry are zero whenever act_wr is set (the size check above).
  logic unused_act_wr_entry;
  assign unused_act_wr_entry = ^act_wr_entry;

  // ---------------------------------------------------------------------------------------------
  // Weight ports: burst engine -> feeder -> ternary accumulate array (mmfree_weight_port.sv).
  logic [P-1:0]           port_busy, feeder_stall, array_fire, wt_beat;
  logic [P-1:0]           sum_valid, sum_ready;   // lane 0's: the sum collector (self-test)
  logic [32*P-1:0]        sums;
  // Every lane's row sums, lane-major for the token engine: lane k, port p at [k*P + p].
  logic [P*BatchLanes-1:0]    lane_sum_valid;
  logic [32*P*BatchLanes-1:0] lane_sums;
  logic [BatchLanes-1:0]      port_sum_valid [P];
  logic [BatchLanes-1:0]      port_sum_ready [P];
  logic [32*BatchLanes-1:0]   port_sums [P];

  for (genvar p = 0; p < P; p++) begin : gen_port
    mmfree_weight_port #(
      .W(W), .GmemDataWidth(GmemDataWidth), .CountBits(CountBits), .WeightFifoDepth(WeightFifoDepth),
      .WeightOutstanding(WeightOutstanding), .QdEntries(QdEntries), .ActEntries(ActEntries),
      .BatchLanes(BatchLanes),
      .Trit5(WeightEncodings[1])
    ) u_port (
      .clk_i, .rst_ni,
      .cmd_valid_i(ws_cmd_valid[p]), .cmd_ready_o(ws_cmd_ready[p]), .cmd_addr_i(ws_cmd_addr[64*p +: 64]),
      .cmd_beats_i(ws_cmd_beats[CountBits*p +: CountBits]), .error_o(ws_error[p]), .beat_o(wt_beat[p]),
      .arvalid_o(wt_arvalid_o[p]), .arready_i(wt_arready_i[p]), .araddr_o(wt_araddr_o[64*p +: 64]),
      .arlen_o(wt_arlen_o[8*p +: 8]), .arsize_o(wt_arsize_o[3*p +: 3]), .arburst_o(wt_arburst_o[2*p +: 2]),
      .arcache_o(wt_arcache_o[4*p +: 4]), .arprot_o(wt_arprot_o[3*p +: 3]), .rvalid_i(wt_rvalid_i[p]),
      .rready_o(wt_rready_o[p]), .rdata_i(wt_rdata_i[W*p +: W]), .rresp_i(wt_rresp_i[2*p +: 2]),
      .rlast_i(wt_rlast_i[p]),
      .pass_start_i(pass_start), .num_layers_i(num_layers), .rows_d_i(port_rows_d[CountBits*p +: CountBits]),
      .rows_gate_i(port_rows_gate[CountBits*p +: CountBits]),
      .rows_vocab_i(port_rows_vocab[CountBits*p +: CountBits]), .beats_d_i(beats_d), .beats_i_i(beats_i),
      .trit5_i(trit5), .total_segs_i(port_segments[CountBits*p +: CountBits]), .last_segs_d_i(last_segs_d),
      .last_segs_i_i(last_segs_i), .bad_beat_o(port_bad_beat[p]),
      // Token mode: the beats of a matrix wait for its activations.
      .gate_pass_i(!token_active || gate_open[p]),
      .fire_o(array_fire[p]), .busy_o(port_busy[p]), .stall_o(feeder_stall[p]),
      .act_wr_i(act_wr), .act_wr_addr_i(act_wr_addr), .act_wr_bank_i(act_wr_bank),
      .act_wr_lane_i(token_active ? tok_q_wr_lane : '0), .act_wr_data_i(q_wr_data),
      .sum_valid_o(port_sum_valid[p]), .sum_ready_i(port_sum_ready[p]), .sum_o(port_sums[p])
    );
  end

  // Outside token mode only lane 0's sums are wanted (the self-test): the other lanes' arrays saw
  // the same beats and hold the same rows, and are emptied with lane 0.
  always_comb begin
    for (int unsigned p = 0; p < P; p++) begin
      sum_valid[p]         = port_sum_valid[p][0];
      sums[32*p +: 32]     = port_sums[p][31:0];
      for (int unsigned k = 0; k < BatchLanes; k++) begin
        lane_sum_valid[k*P + p]         = port_sum_valid[p][k];
        lane_sums[32*(k*P + p) +: 32]   = port_sums[p][32*k +: 32];
        port_sum_ready[p][k]            = sum_ready[p] || tok_sum_ready[k*P + p];
      end
    end
  end

  assign feeders_busy = |port_busy;

  // ---------------------------------------------------------------------------------------------
  // Row sums back to memory (self-test mode).
  logic                       coll_valid, coll_ready;
  logic [GmemDataWidth-1:0]   coll_data;
  logic [GmemDataWidth/8-1:0] coll_strb;
  mmfree_sum_collector #(
    .NumPorts(P), .DataWidth(GmemDataWidth), .CountBits(CountBits)
  ) u_collector (
    .clk_i, .rst_ni, .start_i(seq_pass_start), .num_layers_i(num_layers), .rows_d_i(hidden),
    .rows_gate_i(gate_rows), .rows_vocab_i(vocab), .busy_o(collector_busy), .sum_valid_i(sum_valid),
    .sum_ready_o(sum_ready), .sum_i(sums), .out_valid_o(coll_valid), .out_ready_i(coll_ready),
    .out_data_o(coll_data), .out_strb_o(coll_strb)
  );


  // ---------------------------------------------------------------------------------------------
  // gmem: the sequencer (with the collector's beats) outside token mode, the token engine in it.
  mmfree_gmem_arbiter #(.DataWidth(GmemDataWidth), .CountBits(CountBits)) u_gmem_arbiter (
    .clk_i, .rst_ni, .token_active_i(token_active), .seq_rd_cmd_valid_i(seq_rd_cmd_valid),
    .seq_rd_cmd_addr_i(seq_rd_cmd_addr), .seq_rd_cmd_beats_i(seq_rd_cmd_beats),
    .seq_rd_ready_i(seq_rd_ready), .seq_wr_cmd_valid_i(seq_wr_cmd_valid),
    .seq_wr_cmd_addr_i(seq_wr_cmd_addr), .seq_wr_cmd_beats_i(seq_wr_cmd_beats),
    .seq_wr_in_valid_i(coll_valid), .seq_wr_in_ready_o(coll_ready), .seq_wr_in_data_i(coll_data),
    .seq_wr_in_strb_i(coll_strb), .tok_rd_cmd_valid_i(tok_rd_cmd_valid),
    .tok_rd_cmd_addr_i(tok_rd_cmd_addr), .tok_rd_cmd_beats_i(tok_rd_cmd_beats),
    .tok_rd_ready_i(tok_rd_ready), .tok_wr_cmd_valid_i(tok_wr_cmd_valid),
    .tok_wr_cmd_addr_i(tok_wr_cmd_addr), .tok_wr_cmd_beats_i(tok_wr_cmd_beats),
    .tok_wr_in_valid_i(tok_wr_in_valid), .tok_wr_in_ready_o(tok_wr_in_ready),
    .tok_wr_in_data_i(tok_wr_in_data), .tok_wr_in_strb_i(tok_wr_in_strb),
    .rd_cmd_valid_o(rd_cmd_valid), .rd_cmd_addr_o(rd_cmd_addr), .rd_cmd_beats_o(rd_cmd_beats),
    .rd_ready_o(rd_ready), .wr_cmd_valid_o(wr_cmd_valid), .wr_cmd_addr_o(wr_cmd_addr),
    .wr_cmd_beats_o(wr_cmd_beats), .wr_in_valid_o(wr_in_valid), .wr_in_ready_i(wr_in_ready),
    .wr_in_data_o(wr_in_data), .wr_in_strb_o(wr_in_strb)
  );

  // ---------------------------------------------------------------------------------------------
  // Performance counters.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)    running_q <= 1'b0;
    else if (start) running_q <= 1'b1;
    else if (done)  running_q <= 1'b0;
  end

  function automatic logic [IncBits-1:0] count_ones(input logic [P-1:0] bits);
    logic [IncBits-1:0] n;
    n = '0;
    for (int unsigned p = 0; p < P; p++) n = n + IncBits'(bits[p]);
    count_ones = n;
  endfunction

  function automatic logic [IncBits-1:0] strobe_bytes(input logic [GmemDataWidth/8-1:0] strb);
    logic [IncBits-1:0] n;
    n = '0;
    for (int unsigned b = 0; b < GmemDataWidth / 8; b++) n = n + IncBits'(strb[b]);
    strobe_bytes = n;
  endfunction

  logic cause_streaming, cause_weight_memory;  // the cycle-cause counters' conditions
  assign cause_streaming     = |array_fire;
  assign cause_weight_memory = |feeder_stall;

  logic [IncBits*mmfree_reg_pkg::NumCounters-1:0] counter_inc;
  logic [IncBits*P-1:0]           port_inc;
  always_comb begin
    counter_inc = '0;
    counter_inc[IncBits*mmfree_reg_pkg::CntCyclesIdx +: IncBits]            = IncBits'(running_q);
    // A pass completes one token on each of its lanes (tokens counts lane-tokens).
    counter_inc[IncBits*mmfree_reg_pkg::CntTokensIdx +: IncBits]            =
        token_completed ? IncBits'(num_lanes_q) : '0;
    counter_inc[IncBits*mmfree_reg_pkg::CntWeightStallCyclesIdx +: IncBits] = IncBits'(|feeder_stall);
    counter_inc[IncBits*mmfree_reg_pkg::CntGmemStallCyclesIdx +: IncBits]   = IncBits'(gmem_stall);
    counter_inc[IncBits*mmfree_reg_pkg::CntWeightBytesIdx +: IncBits]       = count_ones(wt_beat) * IncBits'(BeatBytes);
    counter_inc[IncBits*mmfree_reg_pkg::CntGmemReadBytesIdx +: IncBits]     = rd_beat ? IncBits'(GmemDataWidth / 8) : '0;
    counter_inc[IncBits*mmfree_reg_pkg::CntGmemWriteBytesIdx +: IncBits]    =
        (gm_wvalid_o && gm_wready_i) ? strobe_bytes(gm_wstrb_o) : '0;
    // Weight-lane products: each beat taken is applied to K lanes in token mode, 1 in the self-test.
    counter_inc[IncBits*mmfree_reg_pkg::CntTernaryOpsIdx +: IncBits]        =
        count_ones(array_fire) * IncBits'(Lanes) * (token_active ? IncBits'(num_lanes_q) : IncBits'(1));
    // Where each cycle of `cycles` goes: exactly one cause, tried in this order, so the four
    // cause counters sum to `cycles` (docs/device.md, Performance counters). A weight stall
    // needs an array whose activations are there (the feeder's stall_o sees the token gate),
    // so a port waiting for the token engine's activations is element-wise time, not memory.
    counter_inc[IncBits*mmfree_reg_pkg::CntCauseStreamingCyclesIdx +: IncBits]     =
        IncBits'(running_q && cause_streaming);
    counter_inc[IncBits*mmfree_reg_pkg::CntCauseWeightMemoryCyclesIdx +: IncBits] =
        IncBits'(running_q && !cause_streaming && cause_weight_memory);
    counter_inc[IncBits*mmfree_reg_pkg::CntCauseElementWiseCyclesIdx +: IncBits]  =
        IncBits'(running_q && !cause_streaming && !cause_weight_memory && token_active);
    counter_inc[IncBits*mmfree_reg_pkg::CntCauseControlCyclesIdx +: IncBits]      =
        IncBits'(running_q && !cause_streaming && !cause_weight_memory && !token_active);
    for (int unsigned p = 0; p < P; p++) begin
      port_inc[IncBits*p +: IncBits] = wt_beat[p] ? IncBits'(BeatBytes) : '0;
    end
  end

  mmfree_perf_counters #(
    .NumPorts(P), .IncBits(IncBits)
  ) u_counters (
    .clk_i, .rst_ni, .clear_i(counters_clear), .inc_i(counter_inc), .port_inc_i(port_inc),
    .counters_o(counters), .port_bytes_o(port_bytes)
  );

endmodule
